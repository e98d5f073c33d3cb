import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearer } from '../support/service-app';
import { eventually } from '../support/test-run';
import { shelveNewBooks, systemBarcode, ShelfItem } from './support/flows';
import { ReplicaName, SystemHarness } from './support/system-harness';

/**
 * Scaling out, as the Kubernetes deployment does it (deploy/k8s): a second cataloging process on the
 * same schema and the same queue. RabbitMQ hands each message to one of the two consumers; the inbox
 * (processed_message) and the per-item versions make the split invisible: every item reaches the shelf
 * once, with each transition recorded once, and both instances share the work. The instances run with
 * the deployment's messaging settings (deploy/k8s/base/platform.env), retries included, since events
 * about one item may now be handled by different processes in a different order.
 */
const deployed = Object.fromEntries(
  readFileSync(join(__dirname, '../../deploy/k8s/base/platform.env'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

const ITEMS = 300;

describe('competing consumers: two cataloging instances on one queue (system)', () => {
  const system = new SystemHarness({ PREFETCH: deployed.PREFETCH, RETRY_DELAYS_MS: deployed.RETRY_DELAYS_MS, DELIVERY_LIMIT: deployed.DELIVERY_LIMIT });
  let replica: ReplicaName;
  let technician: string;
  const items: ShelfItem[] = Array.from({ length: ITEMS }, (_, i) => ({
    barcode: systemBarcode(),
    title: `Scaling Out, volume ${i + 1}`,
    callNumber: `QA76.9.D5 S${String(i + 1).padStart(3, '0')} 2026`,
  }));

  beforeAll(async () => {
    await system.start(['intake', 'cataloging']);
    // Started once the first instance has migrated the schema, as a scale-up would be.
    replica = await system.startReplica('cataloging');
    technician = await bearer('technician', ['CEN'], { sub: 'scale-tester' });
  }, 180_000);

  afterAll(() => system.stop(), 60_000);

  it(`takes ${ITEMS} items from intake to the shelf with the work shared between the instances`, async () => {
    await shelveNewBooks(system, technician, items);
    const shelved = await system.http('cataloging').get('/items?branch=CEN&status=AVAILABLE&limit=1000').set('Authorization', technician).expect(200);
    expect(shelved.body.page.total).toBe(ITEMS);
    // The replica answers over HTTP from the same data.
    const viaReplica = await system.http(replica).get(`/items/${items[0].barcode}`).set('Authorization', technician).expect(200);
    expect(viaReplica.body.status).toBe('AVAILABLE');
  }, 240_000);

  it('records each transition of each item exactly once', async () => {
    const path = ['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE'];
    for (const { barcode } of items) {
      const history = (await system.http('cataloging').get(`/items/${barcode}/history`).set('Authorization', technician).expect(200)).body as Array<{ version: number; from: string | null; to: string }>;
      expect({ barcode, path: history.map((h) => h.to) }).toEqual({ barcode, path });
      expect(history.map((h) => h.from)).toEqual([null, ...path.slice(0, -1)]);
      expect(history.map((h) => h.version)).toEqual(path.map((_, i) => i + 1));
    }
  }, 120_000);

  it('handles every event once across the two instances, both of them doing part of it', async () => {
    const counts = await Promise.all([consumed(system, 'cataloging'), consumed(system, replica)]);
    for (const type of ['intake.item.received', 'intake.item.processed']) {
      // "processed" is counted after the commit that records the message: the sum is the number handled.
      expect({ type, handled: counts[0][type] + counts[1][type] }).toEqual({ type, handled: ITEMS });
    }
    const perInstance = counts.map((c) => Object.values(c).reduce((a, b) => a + b, 0));
    expect(perInstance[0]).toBeGreaterThan(0);
    expect(perInstance[1]).toBeGreaterThan(0);
    const queues = system.run.queues('cataloging');
    await eventually(async () => expect(await system.run.messageCount(queues.main)).toBe(0), 30_000, 500);
    expect(await system.run.messageCount(queues.deadLetter)).toBe(0);
  }, 120_000);
});

/** An instance's `library_messages_consumed_total{outcome="processed"}`, by event type. */
async function consumed(system: SystemHarness, instance: 'cataloging' | ReplicaName): Promise<Record<string, number>> {
  const text = (await system.http(instance).get('/metrics').expect(200)).text;
  const counts: Record<string, number> = { 'intake.item.received': 0, 'intake.item.processed': 0 };
  for (const line of text.split('\n')) {
    const match = /^library_messages_consumed_total\{(.*)\} (\d+(?:\.\d+)?)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (labels.service === 'cataloging' && labels.outcome === 'processed') counts[labels.type] = (counts[labels.type] ?? 0) + Number(match[2]);
  }
  return counts;
}
