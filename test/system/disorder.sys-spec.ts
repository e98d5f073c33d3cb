import { randomUUID } from 'node:crypto';
import {
  EventDefinition, ItemCheckedOut, ItemCondemned, ItemCondemnedData, ItemProcessed, ItemPulled, ItemReceived, ItemReceivedData, ItemStatusChangedData, RepairCompleted,
  validateEvent,
} from '@app/contracts';
import { bearer } from '../support/service-app';
import { eventually } from '../support/test-run';
import { parseCounters } from './chaos/messaging-figures';
import { shelveNewBooks, systemBarcode, untilStatus } from './support/flows';
import { ServiceName, SystemHarness } from './support/system-harness';

jest.setTimeout(180_000);

interface Envelope<T = object> {
  id: string;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  producer: string;
  correlationId: string;
  causationId: string | null;
  branch: string | null;
  data: T;
}

/**
 * SPEC §4: "consumers are idempotent … an event that arrives late never moves an item backwards".
 * Events go straight onto the run's `library.events` exchange, as a misbehaving producer, a replay or
 * a redelivery would put them there: the same envelope twice, the same fact under a new id, and facts
 * out of order (an older `cataloging.item.status-changed` after a newer one; `intake.item.processed`
 * before its `intake.item.received`; `conservation.repair.completed` before its
 * `conservation.item.pulled`). Asserted from cataloging's history and the services' HTTP answers.
 */
describe('duplicates and disorder: nothing applied twice, nothing moved back (system)', () => {
  // Retries long enough for the earlier fact to be published while the later one waits.
  const system = new SystemHarness({ RETRY_DELAYS_MS: '500,1500,3000,6000' });
  const spyQueue = `${system.run.queuePrefix}disorder.status-changes`;
  const statusChanges: Array<Envelope<ItemStatusChangedData>> = [];
  /** Takes what the bystander's queue has collected since the last look. */
  const collectStatusChanges = async () => {
    const channel = await system.run.channel();
    try {
      for (let message = await channel.get(spyQueue, { noAck: true }); message; message = await channel.get(spyQueue, { noAck: true })) {
        statusChanges.push(JSON.parse(message.content.toString()));
      }
    } finally {
      await channel.close().catch(() => undefined);
    }
    return statusChanges;
  };
  let technician: string;
  let librarian: string;

  const books = {
    condemned: { barcode: systemBarcode(), title: 'Mouldy Almanac', callNumber: 'AY64 .M6 1990' },
    repairedEarly: { barcode: systemBarcode(), title: 'Loose Leaves', callNumber: 'PN6014 .L6' },
    replayed: { barcode: systemBarcode(), title: 'Yesterday Once More', callNumber: 'ML420 .C3 2001' },
    borrowed: { barcode: systemBarcode(), title: 'Popular Demand', callNumber: 'PS3552 .P6 2015' },
  };

  const envelope = <T extends object>(definition: EventDefinition<T>, data: T, branch = 'CEN'): Envelope<T> => {
    const built: Envelope<T> = {
      id: randomUUID(),
      type: definition.type,
      schemaVersion: definition.schemaVersion,
      occurredAt: new Date().toISOString(),
      producer: definition.producer,
      correlationId: randomUUID(),
      causationId: null,
      branch,
      data,
    };
    const validation = validateEvent(JSON.parse(JSON.stringify(built)));
    if (!validation.ok) throw new Error(validation.reason);
    return built;
  };
  /** The same fact as a new message: another envelope id, everything else unchanged. */
  const underNewId = <T>(original: Envelope<T>): Envelope<T> => ({ ...original, id: randomUUID() });
  const publish = (event: Envelope) => system.run.publishRaw(event.type, JSON.stringify(event), { messageId: event.id, persistent: true });

  const counter = async (service: ServiceName, name: string, labels: Record<string, string>): Promise<number> => {
    const text = await (await fetch(`${system.url(service)}/metrics`)).text();
    return parseCounters(text)
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  };
  const consumed = (service: ServiceName, type: string, outcome?: 'processed' | 'duplicate') =>
    counter(service, 'library_messages_consumed_total', { service, type, ...(outcome ? { outcome } : {}) });
  /** Runs `action`, then waits until `service` has consumed `count` more messages of `type`. */
  const andConsumed = async (service: ServiceName, type: string, count: number, action: () => Promise<unknown>, outcome?: 'processed' | 'duplicate') => {
    const before = await consumed(service, type, outcome);
    await action();
    await eventually(async () => expect(await consumed(service, type, outcome)).toBeGreaterThanOrEqual(before + count), 30_000, 100);
  };

  const catalogItem = async (barcode: string) => (await system.http('cataloging').get(`/items/${barcode}`).set('Authorization', technician).expect(200)).body;
  const historyOf = async (barcode: string) =>
    ((await system.http('cataloging').get(`/items/${barcode}/history`).set('Authorization', technician).expect(200)).body as Array<{ to: string; eventId: string }>).map((h) => h.to);

  /** An item of a shipment as intake would announce it: pre-labelled, the stamp still to do. */
  const receivedData = (barcode: string): ItemReceivedData => ({
    itemId: randomUUID(),
    shipmentId: randomUUID(),
    branch: 'CEN',
    materialType: 'book',
    barcode,
    title: `Disorder ${barcode}`,
    creators: [],
    isbn: null,
    issn: null,
    publisher: null,
    publicationYear: null,
    callNumber: 'QA76.9 .D5 2020',
    callNumberScheme: 'lc',
    collection: 'Adult Nonfiction',
    price: null,
    currency: null,
    requiredSteps: ['spine-label', 'cover', 'security-tag', 'stamp'],
    pendingSteps: ['stamp'],
    supplier: 'Baker & Taylor',
    receivedBy: 'tess',
  });

  /** Pulls a shelved item for repair through conservation, as a technician would; answers the repair id. */
  const pullForRepair = async (barcode: string): Promise<string> => {
    const request = await system.http('conservation').post('/pull-requests').set('Authorization', technician).send({ barcode, reason: 'repair', damage: 'torn-pages' }).expect(201);
    const pulled = await system.http('conservation').post(`/pull-requests/${request.body.id}/pulled`).set('Authorization', technician).expect(200);
    await untilStatus(system, technician, [barcode], 'IN_REPAIR');
    return pulled.body.repairId;
  };

  beforeAll(async () => {
    await system.start(['intake', 'cataloging', 'conservation', 'disposal']);
    technician = await bearer('technician', ['CEN'], { sub: 'tess' });
    librarian = await bearer('librarian', ['CEN'], { sub: 'libby' });

    // A bystander's queue on the exchange keeps every status change cataloging publishes, so the test
    // can play a real, older one back later.
    const channel = await system.run.channel();
    await channel.assertQueue(system.run.trackQueue(spyQueue), { durable: true });
    await channel.bindQueue(spyQueue, system.run.eventsExchange, 'cataloging.item.status-changed');
    await channel.close();

    await shelveNewBooks(system, technician, Object.values(books));
    // Conservation and disposal learn of the shelved items from cataloging's events.
    await eventually(async () => {
      for (const service of ['conservation', 'disposal'] as const) {
        const rows = await system.run.query<{ status: string }>(`SELECT status FROM "${system.run.schemaFor(service)}".item_view WHERE status = 'AVAILABLE'`);
        expect(rows).toHaveLength(Object.keys(books).length);
      }
    }, 30_000, 200);
  }, 180_000);

  afterAll(() => system.stop(), 60_000);

  it('takes an event delivered twice under the same id once', async () => {
    const barcode = systemBarcode();
    const received = envelope(ItemReceived, receivedData(barcode));
    await andConsumed('cataloging', ItemReceived.type, 1, async () => {
      await publish(received);
      await publish(received);
    }, 'duplicate');
    expect(await historyOf(barcode)).toEqual(['RECEIVED', 'IN_PROCESS']);
  });

  it('applies a receipt sent again under a new id only once', async () => {
    const barcode = systemBarcode();
    const received = envelope(ItemReceived, receivedData(barcode));
    await andConsumed('cataloging', ItemReceived.type, 2, async () => {
      await publish(received);
      await publish(underNewId(received));
    });
    expect(await historyOf(barcode)).toEqual(['RECEIVED', 'IN_PROCESS']);
    const found = await system.http('cataloging').get(`/items?barcode=${barcode}`).set('Authorization', technician).expect(200);
    expect(found.body.page.total).toBe(1);
  });

  it('counts a checkout the circulation system reports twice, under two ids, once', async () => {
    const { barcode } = books.borrowed;
    const checkout = envelope(ItemCheckedOut, { barcode, occurredAt: '2026-06-01T10:00:00.000Z', branch: 'CEN' });
    await andConsumed('cataloging', ItemCheckedOut.type, 3, async () => {
      await publish(checkout);
      await publish(checkout);
      await publish(underNewId(checkout));
    });
    expect(await catalogItem(barcode)).toMatchObject({ checkoutCount: 1, lastCirculatedAt: '2026-06-01T10:00:00.000Z' });
  });

  it('withdraws a condemned item once, however often conservation says so', async () => {
    const { barcode } = books.condemned;
    const repairId = await pullForRepair(barcode);
    const item = await catalogItem(barcode);
    const condemned = envelope<ItemCondemnedData>(ItemCondemned, { itemId: item.id, barcode, branch: 'CEN', repairId, reason: 'mould throughout', condemnedBy: 'tess' });
    await andConsumed('disposal', ItemCondemned.type, 3, async () => {
      await publish(condemned);
      await publish(condemned);
      await publish(underNewId(condemned));
    });
    await untilStatus(system, technician, [barcode], 'WITHDRAWN');
    const withdrawals = await system.http('disposal').get('/withdrawals?branch=CEN').set('Authorization', librarian).expect(200);
    expect(withdrawals.body.data.filter((w: { barcode: string }) => w.barcode === barcode)).toHaveLength(1);
    expect(await historyOf(barcode)).toEqual(['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE', 'IN_REPAIR', 'WITHDRAWN']);
  });

  it('holds a processing report that overtakes its receipt until the receipt lands', async () => {
    const barcode = systemBarcode();
    const data = receivedData(barcode);
    const processed = envelope(ItemProcessed, { itemId: data.itemId, barcode, branch: 'CEN', completedSteps: data.requiredSteps, completedBy: 'tess' });
    const retriedBefore = await counter('cataloging', 'library_messages_retried_total', { type: ItemProcessed.type });
    await publish(processed);
    // The report found no item and went to a retry queue; only now does the receipt arrive.
    await eventually(async () => expect(await counter('cataloging', 'library_messages_retried_total', { type: ItemProcessed.type })).toBeGreaterThan(retriedBefore), 20_000, 50);
    await publish(envelope(ItemReceived, data));
    await untilStatus(system, technician, [barcode], 'SHELF_READY');
    expect(await historyOf(barcode)).toEqual(['RECEIVED', 'IN_PROCESS', 'SHELF_READY']);

    // The report once more, now late and under a new id: the item is past processing and stays put.
    await andConsumed('cataloging', ItemProcessed.type, 1, () => publish(underNewId(processed)));
    expect((await catalogItem(barcode)).status).toBe('SHELF_READY');
    expect(await historyOf(barcode)).toEqual(['RECEIVED', 'IN_PROCESS', 'SHELF_READY']);
  });

  it('holds a repair completion that overtakes its pull, and a pull reported again later moves nothing back', async () => {
    const { barcode } = books.repairedEarly;
    const item = await catalogItem(barcode);
    const ref = { itemId: item.id, barcode, branch: 'CEN' };
    const pulled = envelope(ItemPulled, { ...ref, pullRequestId: randomUUID(), reason: 'repair', pulledBy: 'tess' });
    const completed = envelope(RepairCompleted, { ...ref, repairId: randomUUID(), treatment: 'tear-mend', outcome: 'repaired', minutes: 10, completedBy: 'tess' });

    const retriedBefore = await counter('cataloging', 'library_messages_retried_total', { type: RepairCompleted.type });
    await publish(completed);
    await eventually(async () => expect(await counter('cataloging', 'library_messages_retried_total', { type: RepairCompleted.type })).toBeGreaterThan(retriedBefore), 20_000, 50);
    expect((await catalogItem(barcode)).status).toBe('AVAILABLE');
    await publish(pulled);
    await untilStatus(system, technician, [barcode], 'SHELF_READY');
    const path = ['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE', 'IN_REPAIR', 'SHELF_READY'];
    expect(await historyOf(barcode)).toEqual(path);

    // Both facts again, late: the same envelopes, and the same facts under new ids.
    await andConsumed('cataloging', ItemPulled.type, 2, async () => {
      await publish(pulled);
      await publish(underNewId(pulled));
    });
    await andConsumed('cataloging', RepairCompleted.type, 2, async () => {
      await publish(completed);
      await publish(underNewId(completed));
    });
    expect((await catalogItem(barcode)).status).toBe('SHELF_READY');
    expect(await historyOf(barcode)).toEqual(path);
  });

  it('never lets an older status change overwrite a newer one in intake, conservation and disposal', async () => {
    const { barcode } = books.replayed;
    const repairId = await pullForRepair(barcode);
    const item = await catalogItem(barcode);
    const mine = () => statusChanges.filter((e) => e.data.itemId === item.id);
    await eventually(async () => {
      await collectStatusChanges();
      expect(mine().map((e) => e.data.to)).toContain('IN_REPAIR');
    });
    const older = mine().filter((e) => e.data.to === 'AVAILABLE' || e.data.to === 'SHELF_READY');
    expect(older).toHaveLength(2);
    // Every read model has the newer status before the older ones come back.
    await eventually(async () => {
      expect((await system.http('intake').get(`/items/${barcode}`).set('Authorization', technician).expect(200)).body.status).toBe('IN_REPAIR');
      for (const service of ['conservation', 'disposal'] as const) {
        const [row] = await system.run.query<{ status: string }>(`SELECT status FROM "${system.run.schemaFor(service)}".item_view WHERE barcode = $1`, [barcode]);
        expect(row.status).toBe('IN_REPAIR');
      }
    }, 20_000, 100);

    // The older changes again: as they were (a redelivery) and under new ids (a replay).
    const replays = [...older, ...older.map(underNewId)];
    const readModels = ['intake', 'conservation', 'disposal'] as const;
    const before = await Promise.all(readModels.map((service) => consumed(service, 'cataloging.item.status-changed')));
    for (const event of replays) await publish(event);
    await eventually(async () => {
      for (const [i, service] of readModels.entries()) {
        expect(await consumed(service, 'cataloging.item.status-changed')).toBeGreaterThanOrEqual(before[i] + replays.length);
      }
    }, 30_000, 100);

    // Intake still shows the item in repair.
    expect((await system.http('intake').get(`/items/${barcode}`).set('Authorization', technician).expect(200)).body.status).toBe('IN_REPAIR');
    // Conservation still has it off the shelf: no new pull, and its repair can be completed.
    const again = await system.http('conservation').post('/pull-requests').set('Authorization', technician).send({ barcode, reason: 'binding' }).expect(409);
    expect(again.body.message).toMatch(/IN_REPAIR/);
    // Disposal still sees it with conservation: a librarian cannot withdraw it meanwhile.
    const withdrawal = await system.http('disposal').post('/withdrawals').set('Authorization', librarian).send({ barcode, reason: 'superseded' }).expect(409);
    expect(withdrawal.body.message).toMatch(/IN_REPAIR/);
    await system.http('conservation').post(`/repairs/${repairId}/complete`).set('Authorization', technician).send({ treatment: 'tear-mend', outcome: 'repaired' }).expect(200);
    await untilStatus(system, technician, [barcode], 'SHELF_READY');
    expect(await historyOf(barcode)).toEqual(['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE', 'IN_REPAIR', 'SHELF_READY']);
  });

  it('parks nothing: every duplicate and late fact was absorbed, not dead-lettered', async () => {
    for (const service of ['intake', 'cataloging', 'conservation', 'disposal'] as const) {
      expect({ service, deadLetters: await system.run.messageCount(system.run.queues(service).deadLetter) }).toEqual({ service, deadLetters: 0 });
    }
  });
});
