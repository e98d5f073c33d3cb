import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { DEFAULT_MESSAGING_OPTIONS, MessagingOptions } from '../messaging.options';
import { MAX_DISPATCH_QUEUE, OutboxRelay, outboxMarkStatement } from './outbox.relay';
import { OutgoingEvent } from './transaction';

/**
 * The relay's dispatch after commit, over a broker channel and a database that only record what they
 * are asked. (Against the real ones: libs/messaging/test/messaging.int-spec.ts.)
 */
function relayWithFakes(options: Partial<MessagingOptions> = {}) {
  const log: string[] = [];
  const published: string[] = [];
  let publishesToRefuse = 0;
  const channel = {
    publish: async (_exchange: string, _key: string, _body: Buffer, properties: { messageId: string }) => {
      if (publishesToRefuse > 0) {
        publishesToRefuse--;
        throw new Error('broker went away');
      }
      published.push(properties.messageId);
      log.push(`publish ${properties.messageId}`);
    },
    close: async () => undefined,
  };
  const client = {
    query: async (sql: string) => {
      log.push(sql.includes('WITH claimed') ? 'claim' : sql.includes('UPDATE') ? `mark ${sql}` : sql);
      // A claim finds nothing: every row here is leased to this relay.
      return sql.includes('WITH claimed') ? [{ rows: [] }, { rows: [] }, { rows: [] }, { rows: [] }, { rows: [] }] : undefined;
    },
  };
  const dataSource = {
    createQueryRunner: () => ({ connect: async () => client, query: async (sql: string) => void log.push(sql), release: async () => undefined }),
  } as unknown as DataSource;
  const connection = { createChannel: () => channel } as unknown as AmqpConnection;
  const relay = new OutboxRelay(
    { ...DEFAULT_MESSAGING_OPTIONS, service: 'intake', schema: 'intake', amqpUrl: 'amqp://unused', outboxPollMs: 60_000, ...options },
    dataSource,
    connection,
  );
  return { relay, log, published, refusePublishes: (count = 1) => (publishesToRefuse = count) };
}

/** The ids a mark statement names. */
function markedIds(line: string): string[] {
  return /'\{([^}]*)\}'::uuid\[\]/.exec(line)![1].split(',');
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

const event = (): OutgoingEvent => {
  const id = randomUUID();
  return { id, exchange: 'library.events', routingKey: 'intake.item.received', type: 'intake.item.received', payload: JSON.stringify({ id }) };
};

describe('OutboxRelay: dispatch after commit', () => {
  let relay: OutboxRelay | undefined;
  afterEach(async () => {
    jest.restoreAllMocks();
    await relay?.stop();
    relay = undefined;
  });

  it('leases rows only while it runs', async () => {
    const fakes = relayWithFakes({ outboxLeaseSeconds: 45 });
    relay = fakes.relay;
    expect(relay.leaseSeconds()).toBeNull();
    relay.start();
    expect(relay.leaseSeconds()).toBe(45);
    await relay.stop();
    expect(relay.leaseSeconds()).toBeNull();
  });

  it('sends committed events at once, in commit order, without waiting for earlier confirms, and marks them as confirms come in', async () => {
    const fakes = relayWithFakes({ outboxBatchSize: 2 });
    relay = fakes.relay;
    relay.start();
    await relay.drain(); // the start-up sweep
    fakes.log.length = 0;
    const first = [event(), event(), event()];
    const second = [event()];
    relay.committed(first, true);
    relay.committed(second, true);
    expect(fakes.published).toEqual([]); // not on the committer's stack: its request answers first
    const ids = [...first, ...second].map((e) => e.id);
    // The running relay alone, no drain(): every id marked once.
    await until(() => fakes.log.filter((line) => line.startsWith('mark')).flatMap(markedIds).length === ids.length);
    expect(fakes.published).toEqual(ids);
    const marks = fakes.log.filter((line) => line.startsWith('mark'));
    expect(marks.flatMap(markedIds).sort()).toEqual([...ids].sort());
    expect(marks[0]).toBe(`mark START TRANSACTION; SET LOCAL synchronous_commit = off; ${outboxMarkStatement('intake', markedIds(marks[0]))}; COMMIT`);
    // Each row is marked after it was published; the second commit's event went out before the first's were marked.
    for (const id of ids) {
      const markedAt = fakes.log.findIndex((line) => line.startsWith('mark') && line.includes(id));
      expect(markedAt).toBeGreaterThan(fakes.log.indexOf(`publish ${id}`));
    }
    expect(fakes.log.indexOf(`publish ${ids[3]}`)).toBeLessThan(fakes.log.indexOf(marks[0]));
    // No claim: these rows are leased to this relay, and the sweep is not due for a minute.
    expect(fakes.log).not.toContain('claim');
  });

  it('puts a batch the broker refused back in its place and publishes all of it on the next pass, unmarked until then', async () => {
    const fakes = relayWithFakes({ outboxBatchSize: 1 });
    relay = fakes.relay;
    relay.start();
    await relay.drain();
    fakes.log.length = 0;
    const events = [event(), event(), event()];
    fakes.refusePublishes(2);
    relay.committed(events, true);
    await expect(relay.drain()).rejects.toThrow('broker went away');
    expect(fakes.published).toEqual([events[2].id]);
    expect(fakes.log.filter((line) => line.startsWith('mark')).flatMap(markedIds)).toEqual([events[2].id]);
    await relay.drain();
    // The refused ones go again in commit order (a batch is all or nothing: what the broker took of one goes again, and consumers drop the copy).
    expect(fakes.published).toEqual([events[2].id, events[0].id, events[1].id]);
    expect(fakes.log.filter((line) => line.startsWith('mark')).flatMap(markedIds).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('leaves rows that waited past half their lease to the sweep, so the two never publish one row', async () => {
    const fakes = relayWithFakes({ outboxLeaseSeconds: 10 });
    relay = fakes.relay;
    relay.start();
    await relay.drain();
    const late = [event()];
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now);
    fakes.refusePublishes(1); // the broker is away: the row waits in memory
    relay.committed(late, true);
    await expect(relay.drain()).rejects.toThrow('broker went away');
    jest.spyOn(Date, 'now').mockReturnValue(now + 5_000);
    const warn = jest.spyOn((relay as unknown as { logger: { warn: (m: string) => void } }).logger, 'warn').mockImplementation(() => undefined);
    await relay.drain();
    expect(fakes.published).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('1 outbox rows waited past half their lease'));
  });

  it('sweeps rather than dispatches the rows of a transaction that wrote them without a lease', async () => {
    const fakes = relayWithFakes();
    relay = fakes.relay;
    relay.start();
    await relay.drain();
    fakes.log.length = 0;
    relay.committed([event()], false);
    // The next sweep is a minute away: only the hand-over can have asked for this one.
    await until(() => fakes.log.includes('claim'));
    expect(fakes.log).toContain('claim');
    expect(fakes.published).toEqual([]); // the row is in the database only: the claim (empty here) is what publishes it
  });

  it('stops leasing once the queue holds MAX_DISPATCH_QUEUE rows, and publishes what it holds before it stops', async () => {
    const fakes = relayWithFakes({ outboxBatchSize: 5_000 });
    relay = fakes.relay;
    relay.start();
    await relay.drain();
    const many = Array.from({ length: MAX_DISPATCH_QUEUE }, event);
    relay.committed(many, true);
    // Sent, not yet confirmed: they count against the limit until the broker has them.
    expect(relay.leaseSeconds()).toBeNull();
    await relay.stop();
    relay = undefined;
    expect(fakes.published).toHaveLength(MAX_DISPATCH_QUEUE);
  });
});

describe('outboxMarkStatement', () => {
  it('writes only uuids into the statement', () => {
    const id = randomUUID();
    expect(outboxMarkStatement('intake', [id])).toContain(`'{${id}}'::uuid[]`);
    expect(() => outboxMarkStatement('intake', ["x'); DROP TABLE item; --"])).toThrow(/is not a uuid/);
  });
});
