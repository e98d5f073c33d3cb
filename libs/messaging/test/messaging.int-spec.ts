import { Injectable, INestApplication, Module } from '@nestjs/common';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { defineEvent } from '@app/contracts';
import {
  DeadLetterQueue, EventConsumer, MessagingHousekeeping, messagingMetrics, MessagingRetention1764000000900, MessagingTables1764000000000, OnEvent, OnEventBatch, Outcome, OUTBOX_CLAIM_SETTINGS, outboxClaimStatement,
  OUTBOX_HOLDER_LOCK_SPACE, OutboxLease1764000000950, OutboxRelay, schemaOf, Transaction, UnitOfWork,
} from '@app/messaging';
import { createServiceApp, PlatformModule } from '@app/platform';
import { closeAllBrokerConnections, DATABASE_URL, eventually, TestRun } from '../../../test/support/test-run';

class NoteData {
  @IsString() noteId!: string;
  @IsIn(['ok', 'fail', 'decline']) mode!: 'ok' | 'fail' | 'decline';
  /** The consumer's lane key: events naming one item are handled in one lane, in order. */
  @IsOptional() @IsString() itemId?: string;
}
const NoteRecorded = defineEvent({
  type: 'intake.test-note.recorded',
  schemaVersion: 1,
  producer: 'intake',
  dataClass: NoteData,
  description: 'test-only event',
});

class TallyData {
  @IsString() tallyId!: string;
  @IsIn(['ok', 'decline']) mode!: 'ok' | 'decline';
  @IsOptional() @IsString() itemId?: string;
}
const TallyRecorded = defineEvent({
  type: 'intake.test-tally.recorded',
  schemaVersion: 1,
  producer: 'intake',
  dataClass: TallyData,
  description: 'test-only event with a batch handler',
});

class NotesTable1764000000001 implements MigrationInterface {
  name = 'NotesTable1764000000001';
  async up(queryRunner: QueryRunner) {
    await queryRunner.query(`CREATE TABLE "${schemaOf(queryRunner)}".note (id text PRIMARY KEY, effects integer NOT NULL DEFAULT 0)`);
    await queryRunner.query(`CREATE TABLE "${schemaOf(queryRunner)}".tally (id text PRIMARY KEY, effects integer NOT NULL, path text NOT NULL)`);
  }
  async down(queryRunner: QueryRunner) {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}".note`);
  }
}

/** The consumer under test: counts effects per note, so a doubled effect shows as 2. */
@Injectable()
class NoteHandler {
  failuresAllowed = true;
  attempts = new Map<string, number>();

  @OnEvent(NoteRecorded)
  async onNote(event: { data: NoteData }, tx: Transaction) {
    const { noteId, mode } = event.data;
    this.attempts.set(noteId, (this.attempts.get(noteId) ?? 0) + 1);
    await tx.manager.query(
      `INSERT INTO note (id, effects) VALUES ($1, 1) ON CONFLICT (id) DO UPDATE SET effects = note.effects + 1`,
      [noteId],
    );
    if (mode === 'decline') return Outcome.deadLetter(`note ${noteId} is not acceptable`);
    if (mode === 'fail' && this.failuresAllowed) throw new Error(`note ${noteId} handler exploded`);
    return Outcome.ack();
  }
}

/** A type with a set-based fast path beside its one-at-a-time handler; records which path applied each tally. */
@Injectable()
class TallyHandler {
  runSizes: number[] = [];
  declinedRuns = 0;

  @OnEvent(TallyRecorded)
  async onTally(event: { data: TallyData }, tx: Transaction) {
    const { tallyId, mode } = event.data;
    await tx.manager.query(
      `INSERT INTO tally (id, effects, path) VALUES ($1, 1, 'one') ON CONFLICT (id) DO UPDATE SET effects = tally.effects + 1`,
      [tallyId],
    );
    if (mode === 'decline') return Outcome.deadLetter(`tally ${tallyId} is not acceptable`);
  }

  @OnEventBatch(TallyRecorded)
  async onTallies(events: { data: TallyData }[], tx: Transaction) {
    this.runSizes.push(events.length);
    // Written before deciding, so a decline that did not roll this back would show as a doubled effect.
    await tx.manager.query(
      `INSERT INTO tally (id, effects, path) SELECT unnest($1::text[]), 1, 'batch' ON CONFLICT (id) DO UPDATE SET effects = tally.effects + 1`,
      [events.map((e) => e.data.tallyId)],
    );
    if (events.some((e) => e.data.mode === 'decline')) {
      this.declinedRuns++;
      return Outcome.retry('a tally in this run is refused: decide one at a time');
    }
  }
}

@Module({ providers: [NoteHandler, TallyHandler] })
class NotesFeature {}

describe('event backbone (outbox, inbox, dead letters) against real PostgreSQL and RabbitMQ', () => {
  const run = new TestRun();
  let app: INestApplication;
  let uow: UnitOfWork;
  let handler: NoteHandler;
  const schema = run.schemaFor('intake');

  const envelope = (data: NoteData, id = randomUUID()) => ({
    id,
    type: NoteRecorded.type,
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    producer: 'intake',
    correlationId: randomUUID(),
    causationId: null,
    branch: 'CEN',
    data,
  });
  const effects = async (noteId: string) =>
    (await run.query<{ effects: number }>(`SELECT effects FROM "${schema}".note WHERE id = $1`, [noteId]))[0]?.effects ?? 0;

  const moduleFor = (env: ReturnType<TestRun['env']>) => ({
    module: class TestServiceModule {},
    imports: [
      PlatformModule.forService({ service: 'intake', env, entities: [], migrations: [MessagingTables1764000000000, NotesTable1764000000001, MessagingRetention1764000000900, OutboxLease1764000000950] }),
      NotesFeature,
    ],
  });

  beforeAll(async () => {
    // Fewer messages in hand than the shutdown test publishes, so some are left for the next instance.
    const env = run.env('intake', { PREFETCH: 100 });
    app = await createServiceApp(moduleFor(env), env, { service: 'intake', title: 't', description: 't' });
    await app.init();
    uow = app.get(UnitOfWork);
    handler = app.get(NoteHandler);
  });

  afterAll(async () => {
    await app?.close();
    await run.cleanup();
  });

  it('publishes nothing when the transaction that wrote the event rolls back', async () => {
    const noteId = randomUUID();
    await expect(
      uow.run(async (tx) => {
        tx.publish(NoteRecorded, { noteId, mode: 'ok' });
        throw new Error('business rule failed after publishing');
      }),
    ).rejects.toThrow('business rule failed');
    // A committed marker event published afterwards arrives; the rolled-back one never does.
    const marker = randomUUID();
    await uow.run(async (tx) => void tx.publish(NoteRecorded, { noteId: marker, mode: 'ok' }));
    await eventually(async () => expect(await effects(marker)).toBe(1));
    expect(await effects(noteId)).toBe(0);
    const rows = await run.query(`SELECT 1 FROM "${schema}".outbox_message WHERE payload LIKE $1`, [`%${noteId}%`]);
    expect(rows).toHaveLength(0);
  });

  it('marks outbox rows published only after the broker confirmed them', async () => {
    const noteId = randomUUID();
    await uow.run(async (tx) => void tx.publish(NoteRecorded, { noteId, mode: 'ok' }));
    await eventually(async () => expect(await effects(noteId)).toBe(1));
    const [row] = await run.query<{ published_at: Date | null }>(
      `SELECT published_at FROM "${schema}".outbox_message WHERE payload LIKE $1`,
      [`%${noteId}%`],
    );
    expect(row.published_at).not.toBeNull();
  });

  describe('dispatch after commit, and the sweep behind it', () => {
    const publishedBy = async (path: 'dispatch' | 'sweep') => {
      const metric = await messagingMetrics.published.get();
      return metric.values.find((v) => v.labels.service === 'intake' && v.labels.type === NoteRecorded.type && v.labels.path === path)?.value ?? 0;
    };
    const rowOf = async (noteId: string) =>
      (await run.query<{ published_at: Date | null; locked_until: Date | null }>(
        `SELECT published_at, locked_until FROM "${schema}".outbox_message WHERE payload LIKE $1`,
        [`%${noteId}%`],
      ))[0];

    it('publishes a committed event from memory at once; the sweep, running every second, never sees it', async () => {
      const [dispatchedBefore, sweptBefore] = [await publishedBy('dispatch'), await publishedBy('sweep')];
      const noteId = randomUUID();
      await uow.run(async (tx) => void tx.publish(NoteRecorded, { noteId, mode: 'ok' }));
      await eventually(async () => expect(await effects(noteId)).toBe(1));
      await eventually(async () => expect((await rowOf(noteId)).published_at).not.toBeNull());
      expect((await rowOf(noteId)).locked_until).toBeNull(); // the lease ends with the mark
      const [{ lease_holder }] = await run.query<{ lease_holder: number }>(`SELECT lease_holder FROM "${schema}".outbox_message WHERE payload LIKE $1`, [`%${noteId}%`]);
      expect(lease_holder).toBe(app.get(OutboxRelay).lease()?.holder);
      expect(await publishedBy('dispatch')).toBe(dispatchedBefore + 1);
      expect(await publishedBy('sweep')).toBe(sweptBefore);
    });

    /** Another process's lease holder: its advisory lock, held by a session of its own until `die()`. */
    const anotherProcess = async () => {
      const session = new Client({ connectionString: DATABASE_URL });
      await session.connect();
      const holder = 1 + Math.floor(Math.random() * 2_000_000_000);
      await session.query('SELECT pg_advisory_lock($1, $2)', [OUTBOX_HOLDER_LOCK_SPACE, holder]);
      /** A committed row leased to it for an hour, which it has not published. */
      const leasedRow = async (noteId: string) => {
        const body = envelope({ noteId, mode: 'ok' });
        await run.query(
          `INSERT INTO "${schema}".outbox_message (id, exchange, routing_key, type, payload, locked_until, lease_holder)
           VALUES ($1, $2, $3, $3, $4, now() + interval '1 hour', $5)`,
          [body.id, run.eventsExchange, NoteRecorded.type, JSON.stringify(body), holder],
        );
        return body.id;
      };
      return { leasedRow, die: () => session.end() };
    };

    it('leaves a row leased to another live process alone until its lease runs out, then sweeps it up', async () => {
      const relay = app.get(OutboxRelay);
      const other = await anotherProcess();
      try {
        const noteId = randomUUID();
        const rowId = await other.leasedRow(noteId);
        const sweptBefore = await publishedBy('sweep');
        await relay.drain();
        expect((await rowOf(noteId)).published_at).toBeNull();
        expect(await effects(noteId)).toBe(0);
        // Alive but not publishing (stuck, or cut off from the broker): the lease's time is the limit.
        await run.query(`UPDATE "${schema}".outbox_message SET locked_until = now() - interval '1 second' WHERE id = $1`, [rowId]);
        await relay.drain();
        await eventually(async () => expect(await effects(noteId)).toBe(1));
        expect((await rowOf(noteId)).published_at).not.toBeNull();
        expect(await publishedBy('sweep')).toBe(sweptBefore + 1);
      } finally {
        await other.die();
      }
    });

    it("sweeps up a dead process's leased rows at once: its lease holder's lock ended with its session", async () => {
      const relay = app.get(OutboxRelay);
      const other = await anotherProcess();
      const noteId = randomUUID();
      await other.leasedRow(noteId);
      await relay.drain();
      expect((await rowOf(noteId)).published_at).toBeNull();
      const sweptBefore = await publishedBy('sweep');
      await other.die(); // SIGKILL closes its sockets: PostgreSQL ends the session and releases the lock
      await eventually(async () => {
        await relay.drain();
        expect((await rowOf(noteId)).published_at).not.toBeNull();
      });
      await eventually(async () => expect(await effects(noteId)).toBe(1));
      expect(await publishedBy('sweep')).toBe(sweptBefore + 1);
    });

    it('holds its lease holder again after its session is terminated, under the same id, and goes on dispatching', async () => {
      const relay = app.get(OutboxRelay);
      const holder = relay.lease()?.holder;
      expect(holder).toEqual(expect.any(Number));
      const sessions = await run.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2 AND granted`,
        [OUTBOX_HOLDER_LOCK_SPACE, holder],
      );
      expect(sessions).toHaveLength(1);
      await run.query('SELECT pg_terminate_backend($1)', [sessions[0].pid]);
      await eventually(async () => {
        const [held] = await run.query<{ pid: number }>(
          `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2 AND granted`,
          [OUTBOX_HOLDER_LOCK_SPACE, holder],
        );
        expect(held?.pid).toEqual(expect.any(Number));
        expect(held.pid).not.toBe(sessions[0].pid);
        expect(relay.lease()?.holder).toBe(holder);
      });
      const noteId = randomUUID();
      await uow.run(async (tx) => void tx.publish(NoteRecorded, { noteId, mode: 'ok' }));
      await eventually(async () => expect(await effects(noteId)).toBe(1));
    });

    it('writes no lease while the relay is stopped, and sweeps those rows up when it starts', async () => {
      const relay = app.get(OutboxRelay);
      const noteId = randomUUID();
      await relay.stop();
      try {
        await uow.run(async (tx) => void tx.publish(NoteRecorded, { noteId, mode: 'ok' }));
        expect(await rowOf(noteId)).toEqual({ published_at: null, locked_until: null });
      } finally {
        relay.start();
      }
      await eventually(async () => expect(await effects(noteId)).toBe(1));
    });
  });

  it('claims pending rows without revisiting the thousands already published', async () => {
    // Published rows leave dead entries in the pending index until vacuum. Claims must stay an index scan,
    // which marks them dead as it passes, whatever the statistics say.
    const relay = app.get(OutboxRelay);
    const publishNotes = (count: number) =>
      uow.run(async (tx) => {
        for (let i = 0; i < count; i++) tx.publish(NoteRecorded, { noteId: randomUUID(), mode: 'ok', itemId: `${i}`.padEnd(800, '.') });
      });
    const drained = () =>
      eventually(async () => expect(await run.query(`SELECT 1 FROM "${schema}".outbox_message WHERE published_at IS NULL`)).toHaveLength(0));
    // As on a table vacuum has been through: new rows fill freed space, out of seq order; statistics
    // taken while a few hundred were pending; thousands published since. The planner would rather
    // read the whole table than the index then.
    await publishNotes(1_000);
    await drained();
    await run.query(`VACUUM "${schema}".outbox_message`);
    await relay.stop();
    try {
      await publishNotes(300);
      await run.query(`ANALYZE "${schema}".outbox_message`);
    } finally {
      relay.start();
    }
    for (let i = 0; i < 10; i++) await publishNotes(300);
    await drained();
    await relay.drain(); // one more pass over the dead entries, as the running relay makes
    const claimPages = async () => {
      const client = new Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        await client.query(`START TRANSACTION; ${OUTBOX_CLAIM_SETTINGS}`);
        const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${outboxClaimStatement(schema, 500)}`);
        const plan = (rows[0]['QUERY PLAN'] as [{ Plan: Record<string, number> }])[0].Plan;
        return plan['Shared Hit Blocks'] + plan['Shared Read Blocks'];
      } finally {
        await client.end();
      }
    };
    // 4,300 published rows fill a thousand pages; a claim that skips their dead entries reads the pending
    // index's few pages (a sequential scan read every page here).
    expect(await claimPages()).toBeLessThan(50);
  }, 60_000);

  it('acks every message it applied, several to a frame: none returns to the queue when the channel closes', async () => {
    const ids = Array.from({ length: 300 }, () => randomUUID());
    const channel = await run.channel();
    for (const noteId of ids) {
      const body = envelope({ noteId, mode: 'ok', itemId: noteId });
      channel.publish(run.eventsExchange, NoteRecorded.type, Buffer.from(JSON.stringify(body)), { persistent: true, messageId: body.id });
    }
    await channel.waitForConfirms();
    await channel.close();
    await eventually(async () => {
      const rows = await run.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".note WHERE id = ANY($1)`, [ids]);
      expect(Number(rows[0].n)).toBe(ids.length);
    });
    // Closing the consumer's channel returns whatever it did not ack to the queue.
    const consumer = app.get(EventConsumer);
    await consumer.stop();
    try {
      expect(await run.messageCount(run.queues('intake').main)).toBe(0);
    } finally {
      await consumer.start();
    }
  });

  it('deletes published outbox rows and processed-message records past their retention, never a row still to publish', async () => {
    const relay = app.get(OutboxRelay);
    const ids = { oldPublished: randomUUID(), oldPending: randomUUID(), recentPublished: randomUUID(), oldProcessed: randomUUID(), recentProcessed: randomUUID() };
    await relay.stop(); // the pending row must stay pending while we look
    try {
      const outboxRow = (id: string, createdAgo: string, publishedAgo: string | null) =>
        run.query(
          `INSERT INTO "${schema}".outbox_message (id, exchange, routing_key, type, payload, created_at, published_at)
           VALUES ($1, $2, 'test.nobody.listens', 'test.nobody.listens', '{}', now() - $3::interval, now() - $4::interval)`,
          [id, run.eventsExchange, createdAgo, publishedAgo],
        );
      await outboxRow(ids.oldPublished, '8 days', '8 days');
      await outboxRow(ids.oldPending, '9 days', null);
      await outboxRow(ids.recentPublished, '6 days', '6 days');
      const processed = (id: string, ago: string) =>
        run.query(`INSERT INTO "${schema}".processed_message (message_id, type, processed_at) VALUES ($1, 'test', now() - $2::interval)`, [id, ago]);
      await processed(ids.oldProcessed, '31 days');
      await processed(ids.recentProcessed, '29 days');

      const swept = await app.get(MessagingHousekeeping).sweep(); // defaults: a week and a month
      expect(swept).toEqual({ outbox: 1, inbox: 1 });
      const outbox = await run.query<{ id: string }>(`SELECT id FROM "${schema}".outbox_message WHERE id = ANY($1)`, [Object.values(ids)]);
      expect(outbox.map((row) => row.id).sort()).toEqual([ids.oldPending, ids.recentPublished].sort());
      const inbox = await run.query<{ message_id: string }>(`SELECT message_id FROM "${schema}".processed_message WHERE message_id = ANY($1)`, [Object.values(ids)]);
      expect(inbox.map((row) => row.message_id)).toEqual([ids.recentProcessed]);
      expect(await app.get(MessagingHousekeeping).sweep()).toEqual({ outbox: 0, inbox: 0 });
    } finally {
      relay.start();
    }
    // The old unpublished row is still published (and then, being recent in publication, kept).
    await eventually(async () => {
      const [row] = await run.query<{ published_at: Date | null }>(`SELECT published_at FROM "${schema}".outbox_message WHERE id = $1`, [ids.oldPending]);
      expect(row.published_at).not.toBeNull();
    });
  });

  it('applies a message delivered twice exactly once', async () => {
    const noteId = randomUUID();
    const body = JSON.stringify(envelope({ noteId, mode: 'ok' }));
    const id = JSON.parse(body).id as string;
    await run.publishRaw(NoteRecorded.type, body, { messageId: id });
    await run.publishRaw(NoteRecorded.type, body, { messageId: id });
    const marker = randomUUID();
    await run.publishRaw(NoteRecorded.type, JSON.stringify(envelope({ noteId: marker, mode: 'ok' })));
    await eventually(async () => expect(await effects(marker)).toBe(1));
    expect(await effects(noteId)).toBe(1);
    expect(handler.attempts.get(noteId)).toBe(1);
    const processed = await run.query(`SELECT 1 FROM "${schema}".processed_message WHERE message_id = $1`, [id]);
    expect(processed).toHaveLength(1);
  });

  it('sends an invalid message to the dead-letter queue with its reason while valid ones keep flowing', async () => {
    const dlq = new DeadLetterQueue(() => run.channel(), run.queues('intake').deadLetter);
    const before = await dlq.count();
    const badId = randomUUID();
    await run.publishRaw(NoteRecorded.type, '{ not json', { messageId: randomUUID() });
    await run.publishRaw(NoteRecorded.type, JSON.stringify({ ...envelope({ noteId: 'x', mode: 'ok' }, badId), data: { noteId: 42, mode: 'maybe' } }), { messageId: badId });
    const good = randomUUID();
    await run.publishRaw(NoteRecorded.type, JSON.stringify(envelope({ noteId: good, mode: 'ok' })));
    await eventually(async () => expect(await effects(good)).toBe(1));
    await eventually(async () => expect(await dlq.count()).toBe(before + 2));
    const letters = await dlq.list();
    const invalid = letters.find((l) => l.messageId === badId);
    expect(invalid?.kind).toBe('invalid');
    expect(invalid?.reason).toContain('data.noteId');
    expect(invalid?.reason).toContain('data.mode');
    expect(letters.some((l) => l.reason === 'message body is not valid JSON')).toBe(true);
    // Listing does not consume: the letters are still there.
    expect(await dlq.count()).toBe(before + 2);
  });

  it('parks a message whose handler declines it, with the handler reason and none of its effects', async () => {
    const dlq = new DeadLetterQueue(() => run.channel(), run.queues('intake').deadLetter);
    const noteId = randomUUID();
    await uow.run(async (tx) => void tx.publish(NoteRecorded, { noteId, mode: 'decline' }));
    await eventually(async () => expect((await dlq.list()).some((l) => l.reason === `note ${noteId} is not acceptable`)).toBe(true));
    expect(await effects(noteId)).toBe(0);
  });

  it('commits a batch of messages together while one that is declined inside it rolls back alone', async () => {
    const dlq = new DeadLetterQueue(() => run.channel(), run.queues('intake').deadLetter);
    const ids = Array.from({ length: 120 }, () => randomUUID());
    const declined = ids[60];
    const channel = await run.channel();
    // Published in one burst, they reach the consumer together and are handled in batches.
    for (const noteId of ids) {
      const body = envelope({ noteId, mode: noteId === declined ? 'decline' : 'ok' });
      channel.publish(run.eventsExchange, NoteRecorded.type, Buffer.from(JSON.stringify(body)), { persistent: true, messageId: body.id });
    }
    await channel.waitForConfirms();
    await channel.close();
    await eventually(async () => {
      const rows = await run.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".note WHERE id = ANY($1) AND effects = 1`, [ids]);
      expect(Number(rows[0].n)).toBe(ids.length - 1);
    });
    expect(await effects(declined)).toBe(0);
    await eventually(async () => expect((await dlq.list()).some((l) => l.reason === `note ${declined} is not acceptable`)).toBe(true));
  });

  describe('batch handlers', () => {
    const burst = async (bodies: ReturnType<typeof envelope>[]) => {
      const channel = await run.channel();
      for (const body of bodies) {
        channel.publish(run.eventsExchange, body.type, Buffer.from(JSON.stringify(body)), { persistent: true, messageId: body.id });
      }
      await channel.waitForConfirms();
      await channel.close();
    };
    const tallyEnvelope = (data: TallyData) => ({ ...envelope({ noteId: 'unused', mode: 'ok' }), type: TallyRecorded.type, data: data as unknown as NoteData });
    const tallies = async (ids: string[]) =>
      run.query<{ id: string; effects: number; path: string }>(`SELECT id, effects, path FROM "${schema}".tally WHERE id = ANY($1)`, [ids]);

    it('hands consecutive events of one type to the batch handler together, each applied once', async () => {
      const tallyHandler = app.get(TallyHandler);
      tallyHandler.runSizes = [];
      const ids = Array.from({ length: 200 }, () => randomUUID());
      // The same message twice in the burst: the inbox lets it through once.
      const bodies = ids.map((tallyId) => tallyEnvelope({ tallyId, mode: 'ok' }));
      await burst([...bodies, bodies[7]]);
      await eventually(async () => expect((await tallies(ids)).length).toBe(ids.length));
      const rows = await tallies(ids);
      expect(rows.every((row) => row.effects === 1)).toBe(true);
      expect(rows.filter((row) => row.path === 'batch').length).toBeGreaterThan(ids.length / 2);
      expect(Math.max(...tallyHandler.runSizes)).toBeGreaterThan(1);
    });

    it('rolls back a declining batch handler and lets the one-at-a-time handler decide each event', async () => {
      const tallyHandler = app.get(TallyHandler);
      const declinedBefore = tallyHandler.declinedRuns;
      const dlq = new DeadLetterQueue(() => run.channel(), run.queues('intake').deadLetter);
      const ids = Array.from({ length: 150 }, () => randomUUID());
      const refused = ids[75];
      await burst(ids.map((tallyId) => tallyEnvelope({ tallyId, mode: tallyId === refused ? 'decline' : 'ok' })));
      await eventually(async () => expect((await dlq.list()).some((l) => l.reason === `tally ${refused} is not acceptable`)).toBe(true));
      await eventually(async () => expect((await tallies(ids)).length).toBe(ids.length - 1));
      const rows = await tallies(ids);
      expect(rows.every((row) => row.effects === 1)).toBe(true);
      expect(rows.find((row) => row.id === refused)).toBeUndefined();
      // The batch holding the refused tally went through the batch handler first, then one at a time.
      expect(tallyHandler.declinedRuns).toBeGreaterThan(declinedBefore);
      expect(rows.some((row) => row.path === 'one')).toBe(true);
    });

    it('keeps delivery order across types: a run ends where another type comes between', async () => {
      const tallyHandler = app.get(TallyHandler);
      tallyHandler.runSizes = [];
      const tallyIds = Array.from({ length: 60 }, () => randomUUID());
      const noteIds = Array.from({ length: 3 }, () => randomUUID());
      // All about one item, so all in one lane: notes at 20 and 40 split the tallies into runs, and a
      // batch must never merge tallies across a note (that would apply them out of delivery order).
      const itemId = randomUUID();
      const bodies = tallyIds.map((tallyId) => tallyEnvelope({ tallyId, mode: 'ok', itemId }));
      const note = (noteId: string) => envelope({ noteId, mode: 'ok', itemId });
      const mixed = [...bodies.slice(0, 20), note(noteIds[0]), ...bodies.slice(20, 40), note(noteIds[1]), ...bodies.slice(40)];
      await burst(mixed);
      await eventually(async () => expect((await tallies(tallyIds)).length).toBe(tallyIds.length));
      await eventually(async () => expect(await effects(noteIds[1])).toBe(1));
      expect(Math.max(...tallyHandler.runSizes)).toBeLessThanOrEqual(20);
    });
  });

  it('retries a failing handler with backoff, dead-letters it with the error, and processes it when replayed', async () => {
    const dlq = new DeadLetterQueue(() => run.channel(), run.queues('intake').deadLetter);
    const noteId = randomUUID();
    handler.failuresAllowed = true;
    const event = await uow.run(async (tx) => tx.publish(NoteRecorded, { noteId, mode: 'fail' }));
    await eventually(async () => {
      const letter = (await dlq.list()).find((l) => l.messageId === event.id);
      expect(letter?.kind).toBe('failed');
      expect(letter?.reason).toContain(`note ${noteId} handler exploded`);
      expect(letter?.retryCount).toBe(2);
    });
    // The first delivery and both retries ran, and each rolled back its effect.
    expect(handler.attempts.get(noteId)).toBe(3);
    expect(await effects(noteId)).toBe(0);

    handler.failuresAllowed = false; // the bug is fixed; replay the parked message
    const replayed = await dlq.replay([event.id]);
    expect(replayed.map((l) => l.messageId)).toEqual([event.id]);
    await eventually(async () => expect(await effects(noteId)).toBe(1));
    expect((await dlq.list()).some((l) => l.messageId === event.id)).toBe(false);
  });

  it('lists, shows and replays dead letters from the command line', async () => {
    const noteId = randomUUID();
    handler.failuresAllowed = true;
    const event = await uow.run(async (tx) => tx.publish(NoteRecorded, { noteId, mode: 'fail' }));
    const dlq = new DeadLetterQueue(() => run.channel(), run.queues('intake').deadLetter);
    await eventually(async () => expect((await dlq.list()).some((l) => l.messageId === event.id)).toBe(true));
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['-r', '@swc-node/register', 'scripts/dlq.ts', ...args], {
        cwd: join(__dirname, '../../..'),
        env: { ...process.env, QUEUE_PREFIX: run.queuePrefix },
      });
    const listed = await cli('list', 'intake');
    expect(listed.stdout).toMatch(new RegExp(`${event.id}\\s+intake\\.test-note\\.recorded\\s+\\[failed\\] handler failed after 2 retries`));
    const shown = JSON.parse((await cli('show', 'intake', event.id)).stdout);
    expect(shown).toMatchObject({ messageId: event.id, kind: 'failed', body: { data: { noteId } } });
    handler.failuresAllowed = false;
    const replayed = await cli('replay', 'intake', event.id);
    expect(replayed.stdout).toContain('replayed 1 message(s)');
    await eventually(async () => expect(await effects(noteId)).toBe(1));
  }, 60_000);

  it('resumes publishing and consuming after the broker drops every connection, losing nothing committed', async () => {
    const ids = Array.from({ length: 200 }, () => randomUUID());
    const publishing = (async () => {
      for (const [i, noteId] of ids.entries()) {
        await uow.run(async (tx) => void tx.publish(NoteRecorded, { noteId, mode: 'ok' }));
        if (i === 50) await closeAllBrokerConnections();
      }
    })();
    await publishing;
    await eventually(async () => {
      const rows = await run.query<{ n: string; doubled: string }>(
        `SELECT count(*) AS n, count(*) FILTER (WHERE effects > 1) AS doubled FROM "${schema}".note WHERE id = ANY($1)`,
        [ids],
      );
      expect(Number(rows[0].n)).toBe(ids.length);
      expect(Number(rows[0].doubled)).toBe(0);
    }, 45_000, 200);
    const pending = await run.query(`SELECT 1 FROM "${schema}".outbox_message WHERE published_at IS NULL`);
    expect(pending).toHaveLength(0);
  });

  it('finishes in-flight messages on shutdown and leaves the rest for the next instance, each applied once', async () => {
    const consumer = app.get(EventConsumer);
    expect(consumer.handledTypes).toEqual([NoteRecorded.type, TallyRecorded.type]);
    const ids = Array.from({ length: 300 }, () => randomUUID());
    const channel = await run.channel();
    for (const noteId of ids) {
      const body = envelope({ noteId, mode: 'ok' });
      channel.publish(run.eventsExchange, NoteRecorded.type, Buffer.from(JSON.stringify(body)), { persistent: true, messageId: body.id });
    }
    await channel.waitForConfirms();
    await channel.close();
    const countApplied = async () =>
      Number((await run.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".note WHERE id = ANY($1)`, [ids]))[0].n);
    await eventually(async () => expect(await countApplied()).toBeGreaterThan(0), 15_000, 5);
    await app.close();
    // Nothing is lost with the process: every message is either applied or back in the queue. (A
    // message may be both — acked just before the channel closed, the ack not yet settled by the
    // quorum queue — and is then redelivered to the next instance, whose inbox makes it a no-op.)
    const applied = new Set((await run.query<{ id: string }>(`SELECT id FROM "${schema}".note WHERE id = ANY($1)`, [ids])).map((r) => r.id));
    const peek = await run.channel();
    const queued = new Set<string>();
    for (;;) {
      const message = await peek.get(run.queues('intake').main, { noAck: false });
      if (!message) break;
      queued.add(JSON.parse(message.content.toString()).data.noteId);
    }
    await peek.close(); // unacked: back to the queue
    expect(applied.size).toBeLessThan(ids.length);
    expect(ids.filter((id) => !applied.has(id) && !queued.has(id))).toEqual([]);

    app = await createServiceApp(moduleFor(run.env('intake')), run.env('intake'), { service: 'intake', title: 't', description: 't' });
    await app.init();
    await eventually(async () => expect(await countApplied()).toBe(ids.length), 30_000, 100);
    const doubled = await run.query(`SELECT 1 FROM "${schema}".note WHERE id = ANY($1) AND effects <> 1`, [ids]);
    expect(doubled).toHaveLength(0);
  });
});
