import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { DEFAULT_MESSAGING_OPTIONS, MessagingOptions } from '../messaging.options';
import { OutboxLeaseHolder } from './lease-holder';
import { MAX_DISPATCH_QUEUE, OutboxRelay, outboxMarkStatement } from './outbox.relay';
import { OutgoingEvent } from './transaction';

/**
 * The relay's dispatch after commit, over a broker channel and a database that only record what they
 * are asked. (Against the real ones: libs/messaging/test/messaging.int-spec.ts.)
 */
function relayWithFakes(options: Partial<MessagingOptions> = {}) {
  const log: string[] = [];
  // The lease holder's advisory lock, as a flag: held as holder 7 unless the database refuses it.
  const holder = { refuse: false };
  jest.spyOn(OutboxLeaseHolder.prototype, 'hold').mockImplementation(async function (this: OutboxLeaseHolder) {
    if (holder.refuse) throw new Error('database unavailable');
    Object.assign(this, { heldId: 7 });
  });
  jest.spyOn(OutboxLeaseHolder.prototype, 'release').mockImplementation(async function (this: OutboxLeaseHolder) {
    Object.assign(this, { heldId: undefined });
  });
  const published: string[] = [];
  let failNextPublish = false;
  const channel = {
    publish: async (_exchange: string, _key: string, _body: Buffer, properties: { messageId: string }) => {
      if (failNextPublish) {
        failNextPublish = false;
        throw new Error('broker went away');
      }
      published.push(properties.messageId);
      log.push(`publish ${properties.messageId}`);
    },
    close: async () => undefined,
  };
  // A statement can be held (until its gate opens) or made to fail, to see what the relay does meanwhile.
  const database = { holdMarks: undefined as Promise<void> | undefined, holdClaims: undefined as Promise<void> | undefined, failNextMark: false };
  const client = {
    query: async (sql: string) => {
      const claim = sql.includes('WITH claimed');
      log.push(claim ? 'claim' : sql.includes('UPDATE') ? `mark ${sql}` : sql);
      if (claim) {
        await database.holdClaims;
        log.push('claim answered');
        // A claim finds nothing: every row here is leased to this relay.
        return [{ rows: [] }, { rows: [] }, { rows: [] }, { rows: [] }, { rows: [] }];
      }
      if (sql.includes('UPDATE')) {
        if (database.failNextMark) {
          database.failNextMark = false;
          throw new Error('connection lost');
        }
        await database.holdMarks;
      }
      return undefined;
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
  return { relay, log, published, holder, database, failNextPublish: () => (failNextPublish = true) };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

const event = (): OutgoingEvent => {
  const id = randomUUID();
  return { id, exchange: 'library.events', routingKey: 'intake.item.received', type: 'intake.item.received', payload: JSON.stringify({ id }) };
};

/** Silences the relay's warnings and answers them to the test. */
const spyOnWarnings = (relay: OutboxRelay) =>
  jest.spyOn((relay as unknown as { logger: { warn: (m: string) => void } }).logger, 'warn').mockImplementation(() => undefined);

/** Keeps the relay's loop asleep: only `drain()` (or `stop()`) dispatches. */
const holdWakes = (relay: OutboxRelay) => jest.spyOn((relay as unknown as { poller: { wake: () => void } }).poller, 'wake').mockImplementation(() => undefined);

describe('OutboxRelay: dispatch after commit', () => {
  const running: OutboxRelay[] = [];
  afterEach(async () => {
    jest.restoreAllMocks();
    for (const relay of running.splice(0)) await relay.stop();
  });

  function relayUnderTest(options: Partial<MessagingOptions> = {}) {
    const fakes = relayWithFakes(options);
    running.push(fakes.relay);
    return fakes;
  }

  /** A running relay past its start-up sweep, its log emptied: what a test then sees is its own doing. */
  async function startedRelay(options: Partial<MessagingOptions> = {}) {
    const fakes = relayUnderTest(options);
    fakes.relay.start();
    await fakes.relay.drain(); // the start-up sweep
    fakes.log.length = 0;
    return fakes;
  }

  it('leases rows only while it runs and holds its lease-holder lock, and names the holder', async () => {
    const { relay } = relayUnderTest({ outboxLeaseSeconds: 45 });
    expect(relay.lease()).toBeNull();
    relay.start();
    await until(() => relay.lease() !== null);
    expect(relay.lease()).toEqual({ seconds: 45, holder: 7 });
    await relay.stop();
    expect(relay.lease()).toBeNull();
  });

  it('leases nothing while the database refuses its lease-holder lock, and sweeps what commits leave it meanwhile', async () => {
    const fakes = relayUnderTest();
    const relay = fakes.relay;
    fakes.holder.refuse = true;
    const warn = spyOnWarnings(relay);
    relay.start();
    await until(() => warn.mock.calls.length > 0);
    expect(relay.lease()).toBeNull();
    fakes.log.length = 0;
    relay.committed([event()], false);
    // The running loop sweeps at once, lock or no lock (the claim here finds nothing: it is the call that counts).
    await until(() => fakes.log.includes('claim'));
    expect(fakes.log).toContain('claim');
    expect(warn).toHaveBeenCalledTimes(1); // once per failing streak, not once per pass
    expect(warn.mock.calls[0][0]).toMatch(/cannot hold the outbox lease holder's lock/);
  });

  it('publishes committed events at once, in commit order, and marks each batch in one statement once its confirms are in', async () => {
    const fakes = await startedRelay({ outboxBatchSize: 2 });
    const relay = fakes.relay;
    const first = [event(), event(), event()];
    const second = [event()];
    relay.committed(first, true);
    relay.committed(second, true);
    // The running relay's own loop, woken by the commits: no one calls drain() here.
    await until(() => fakes.log.filter((line) => line.startsWith('mark')).length === 2);
    const ids = [...first, ...second].map((e) => e.id);
    expect(fakes.published).toEqual(ids);
    const marks = fakes.log.filter((line) => line.startsWith('mark'));
    expect(marks).toEqual([`mark START TRANSACTION; SET LOCAL synchronous_commit = off; ${outboxMarkStatement('intake', ids.slice(0, 2))}; COMMIT`, expect.stringContaining(ids[2])]);
    // Each batch is marked after its publishes, never before.
    expect(fakes.log.indexOf(marks[0])).toBeGreaterThan(fakes.log.indexOf(`publish ${ids[1]}`));
    expect(fakes.log.indexOf(marks[1])).toBeGreaterThan(fakes.log.indexOf(`publish ${ids[3]}`));
    // No claim: these rows are leased to this relay, and the sweep is not due for a minute.
    expect(fakes.log).not.toContain('claim');
  });

  it('publishes the next batch while the last one is being marked, and marks the rows confirmed meanwhile in one statement', async () => {
    const fakes = await startedRelay({ outboxBatchSize: 1 });
    const relay = fakes.relay;
    let openMarks!: () => void;
    fakes.database.holdMarks = new Promise((resolve) => (openMarks = resolve));
    const [first, second, third] = [event(), event(), event()];
    relay.committed([first], true);
    await until(() => fakes.log.some((line) => line.startsWith('mark')));
    relay.committed([second, third], true);
    // The first mark has not answered, and the later commits' events are out all the same.
    await until(() => fakes.published.length === 3);
    expect(fakes.published).toEqual([first.id, second.id, third.id]);
    expect(fakes.log.filter((line) => line.startsWith('mark'))).toHaveLength(1);
    openMarks();
    await until(() => fakes.log.filter((line) => line.startsWith('mark')).length === 2);
    const marks = fakes.log.filter((line) => line.startsWith('mark'));
    expect(marks[0]).toContain(`'{${first.id}}'`);
    expect(marks[1]).toContain(`'{${second.id},${third.id}}'`);
  });

  it('tries a failed mark again, warning once, and a drain returns only once its rows are marked', async () => {
    const fakes = await startedRelay();
    const relay = fakes.relay;
    holdWakes(relay);
    const warn = spyOnWarnings(relay);
    fakes.database.failNextMark = true;
    const row = event();
    relay.committed([row], true);
    await relay.drain();
    expect(fakes.published).toEqual([row.id]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/cannot mark published outbox rows/);
    await relay.drain(); // nothing new to publish: the drain still marks the row left over
    const marks = fakes.log.filter((line) => line.startsWith('mark'));
    expect(marks).toEqual([expect.stringContaining(row.id), expect.stringContaining(row.id)]);
    expect(fakes.published).toEqual([row.id]); // marked, not published twice
  });

  it('sweeps beside dispatch: a claim that takes long holds up no commit\'s events', async () => {
    const fakes = await startedRelay();
    const relay = fakes.relay;
    let answerClaim!: () => void;
    fakes.database.holdClaims = new Promise((resolve) => (answerClaim = resolve));
    relay.committed([event()], false); // asks for a sweep
    await until(() => fakes.log.includes('claim'));
    const leased = event();
    relay.committed([leased], true);
    await until(() => fakes.published.includes(leased.id));
    expect(fakes.published).toEqual([leased.id]);
    expect(fakes.log).not.toContain('claim answered');
    answerClaim();
    await until(() => fakes.log.includes('claim answered'));
  });

  it('keeps a batch the broker refused at the head of the queue and publishes all of it on the next pass, unmarked until then', async () => {
    const fakes = await startedRelay();
    const relay = fakes.relay;
    holdWakes(relay);
    const events = [event(), event()];
    fakes.failNextPublish();
    relay.committed(events, true);
    await expect(relay.drain()).rejects.toThrow('broker went away');
    expect(fakes.log.filter((line) => line.startsWith('mark'))).toEqual([]);
    await relay.drain();
    // A batch is all or nothing: what the broker took of the failed one goes again, and consumers drop the copy.
    expect(fakes.published.slice(-2)).toEqual(events.map((e) => e.id));
    expect(fakes.log.filter((line) => line.startsWith('mark'))).toEqual([expect.stringContaining(`${events[0].id},${events[1].id}`)]);
  });

  it('leaves rows that waited past half their lease to the sweep, so the two never publish one row', async () => {
    const fakes = await startedRelay({ outboxLeaseSeconds: 10 });
    const relay = fakes.relay;
    const late = [event()];
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now);
    relay.committed(late, true);
    jest.spyOn(Date, 'now').mockReturnValue(now + 5_000);
    const warn = spyOnWarnings(relay);
    await relay.drain();
    expect(fakes.published).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('1 outbox rows waited past half their lease'));
  });

  it('sweeps rather than dispatches the rows of a transaction that wrote them without a lease', async () => {
    const fakes = await startedRelay();
    const relay = fakes.relay;
    relay.committed([event()], false);
    await relay.drain();
    expect(fakes.published).toEqual([]); // the row is in the database only: the claim (empty here) is what publishes it
    expect(fakes.log).toContain('claim');
  });

  it('stops leasing once the queue holds MAX_DISPATCH_QUEUE rows, and publishes what it holds before it stops', async () => {
    const fakes = await startedRelay({ outboxBatchSize: 5_000 });
    const relay = fakes.relay;
    // While the poller waits on its timer, nothing dispatches until woken: hold it back to fill the queue.
    const wake = holdWakes(relay);
    const many = Array.from({ length: MAX_DISPATCH_QUEUE }, event);
    relay.committed(many, true);
    expect(relay.lease()).toBeNull();
    wake.mockRestore();
    await relay.stop();
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
