import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { ClientConfig, PoolClient, QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { messagingMetrics } from '../messaging.metrics';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.options';
import { assertExchanges } from '../topology';
import { WakeablePoller } from '../wakeable-poller';
import { LIVE_HOLDERS, OutboxLeaseHolder } from './lease-holder';
import { OutboxLease, OutgoingEvent } from './transaction';

interface OutboxRow {
  id: string;
  exchange: string;
  routing_key: string;
  type: string;
  payload: string;
}

/**
 * The settings a relay pass opens its transaction with, each for that transaction only:
 * - synchronous_commit off: the mark's commit need not wait for the disk. If a crash loses it, the rows
 *   are published again and consumers drop the duplicates; it saves a WAL flush per pass, and on a slow
 *   disk those flushes are what every other commit queues behind.
 * - enable_seqscan and enable_bitmapscan off: published rows leave dead entries in the pending index
 *   until vacuum. A plain index scan marks them dead as it passes, so the next claim skips them. With
 *   statistics taken while many rows were pending, the planner picks a sequential scan (every page of
 *   the table, every pass) or a bitmap scan (every dead entry and its page, every pass, never marking
 *   them): claims grew to milliseconds over a long run and kept growing with the table.
 */
export const OUTBOX_CLAIM_SETTINGS = 'SET LOCAL synchronous_commit = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off';

/**
 * Claims and marks up to `limit` pending rows in one statement, oldest first: rows no relay holds a
 * lease on (written while no local relay ran, whose dispatcher did not publish them in time, or whose
 * holder is gone: its process died or lost its database session; see `OutboxLeaseHolder`). The
 * mark commits only after every confirm, and the row locks keep other replicas off these rows until
 * then. The limit is written into the statement (it is our own integer), so the statement needs no
 * parameter and can go in one round trip with the transaction's start and settings.
 */
export function outboxClaimStatement(schema: string, limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`outbox claim limit must be a positive integer, not ${limit}`);
  return `WITH claimed AS (
           SELECT id FROM "${schema}".outbox_message
            WHERE published_at IS NULL AND (locked_until IS NULL OR locked_until < now() OR lease_holder NOT IN (${LIVE_HOLDERS}))
            ORDER BY seq LIMIT ${limit} FOR UPDATE SKIP LOCKED
         ), marked AS (
           UPDATE "${schema}".outbox_message o SET published_at = now(), locked_until = NULL FROM claimed WHERE o.id = claimed.id
           RETURNING o.id, o.seq, o.exchange, o.routing_key, o.type, o.payload
         )
         SELECT id, exchange, routing_key, type, payload FROM marked ORDER BY seq`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Marks dispatched rows published, in one round trip: the ids are written into the statement (each
 * checked to be a uuid, as `Transaction.publish` makes them), so it can go with the transaction's
 * start and settings. It needs none of the claim's plan settings: the rows are found by their id.
 */
export function outboxMarkStatement(schema: string, ids: readonly string[]): string {
  for (const id of ids) if (!UUID.test(id)) throw new Error(`outbox row id ${JSON.stringify(id)} is not a uuid`);
  return `UPDATE "${schema}".outbox_message SET published_at = now(), locked_until = NULL
           WHERE id = ANY('{${ids.join(',')}}'::uuid[]) AND published_at IS NULL`;
}

/** Most rows waiting in memory for dispatch; a transaction that finds the queue this long leaves its rows to the sweep. */
export const MAX_DISPATCH_QUEUE = 20_000;

/** Most ids one mark statement carries (they are written into it). */
const MAX_MARK_BATCH = 2_000;

interface Dispatched {
  event: OutgoingEvent;
  /** Local time after which the row is left to the sweep: half its lease, so the two never overlap. */
  deadline: number;
}

/**
 * Publishes committed outbox rows, on two paths:
 * - Dispatch after commit (the usual path): a transaction that writes events while this relay runs
 *   leases its rows to it (`locked_until` and `lease_holder`, `lease()`), and hands them over once it has
 *   committed (`committed()`). The relay publishes them from memory, in commit order, waits for the
 *   broker's confirms, then marks them published: no claim query stands between a commit and its
 *   events. Marking is off that path: the next batch is published while the last one is marked, and
 *   the rows confirmed meanwhile are marked together by the next statement.
 * - The sweep (the safety net): every `outboxPollMs`, and when a transaction wrote rows without a
 *   lease, rows that no relay holds a lease on are claimed with FOR UPDATE SKIP LOCKED, published and
 *   marked in one transaction. It publishes what a crashed or stopped process left behind as soon as
 *   that process's lease holder is gone (its advisory lock goes with its session), what a live one
 *   could not publish within its lease, and what other replicas could not.
 * A row is marked published only after the broker confirmed it. A crash between confirm and mark
 * republishes the row: consumers deduplicate by message id.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private channel?: ChannelWrapper;
  private readonly poller: WakeablePoller;
  private readonly holder: OutboxLeaseHolder;
  private queue: Dispatched[] = [];
  /** The dispatch under way, if any: the poller and `drain()` take turns, never the same rows twice. */
  private dispatching: Promise<number> = Promise.resolve(0);
  /** Confirmed rows waiting for their mark (past its deadline a row is the sweep's), and the mark under way (one at a time). */
  private unmarked: Dispatched[] = [];
  private marking?: Promise<void>;
  private markFailing = false;
  /** The sweep under way: it runs beside dispatch, so a claim never holds up a commit's events. */
  private sweeping?: Promise<number>;
  private sweepFailures = 0;
  private sweepRequested = true;
  private holderFailing = false;
  private lastSweep = 0;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
  ) {
    this.poller = new WakeablePoller('outbox relay', () => this.pass(), options.outboxPollMs, this.logger);
    this.holder = new OutboxLeaseHolder(() => sessionConfig(dataSource));
  }

  start(): void {
    if (this.poller.isRunning) return;
    this.channel = this.connection.createChannel({
      name: 'outbox-relay',
      confirm: true,
      json: false,
      publishTimeout: 30_000,
      setup: (channel: ConfirmChannel) => assertExchanges(channel, this.options),
    });
    this.sweepRequested = true; // whatever an earlier run of this process or another left behind
    this.poller.start();
  }

  /**
   * The lease for the rows of a transaction about to write events: this relay will dispatch them
   * after commit. Null when it cannot (not running, not yet holding its lease-holder lock, or too far
   * behind): the rows are left to the sweep, which takes them at once.
   */
  lease(): OutboxLease | null {
    const holder = this.holder.id;
    return this.poller.isRunning && holder !== undefined && this.queue.length < MAX_DISPATCH_QUEUE ? { seconds: this.options.outboxLeaseSeconds, holder } : null;
  }

  /** Called after a commit that wrote `events`, leased to this relay (`leased`) or left to the sweep. */
  committed(events: readonly OutgoingEvent[], leased: boolean): void {
    if (events.length === 0) return;
    if (leased && this.poller.isRunning) {
      const deadline = Date.now() + (this.options.outboxLeaseSeconds * 1000) / 2;
      for (const event of events) this.queue.push({ event, deadline });
    } else {
      this.sweepRequested = true;
    }
    this.poller.wake();
  }

  async stop(): Promise<void> {
    if (!this.poller.isRunning) return;
    await this.poller.stop();
    await this.sweeping;
    // What this process was given to dispatch goes out before it stops. What it could not send or
    // mark is still leased to it: releasing the holder's lock leaves it to the next sweep of any relay.
    await this.dispatch().catch((error: Error) => this.logger.warn(`dispatch on shutdown failed, left to the sweep: ${error.message}`));
    await this.markConfirmed();
    await this.holder.release();
    await this.channel?.close();
  }

  /** Publishes and marks everything pending now, dispatched and swept; for tests that want a drained outbox. */
  async drain(): Promise<number> {
    const dispatched = await this.dispatch();
    await this.markConfirmed();
    while (this.sweeping) await this.sweeping;
    const sweep = this.sweep();
    this.sweeping = sweep.catch(() => 0).finally(() => (this.sweeping = undefined));
    return dispatched + (await sweep);
  }

  private async pass(): Promise<void> {
    await this.holdLeases();
    const dispatched = this.dispatch();
    this.startSweepIfDue();
    // Marks that failed earlier are tried again even when nothing new is dispatched.
    if (this.unmarked.length > 0) void this.markConfirmed();
    await dispatched;
  }

  /**
   * Starts a sweep when one was asked for or the poll interval has passed, unless one is running.
   * A failing sweep is logged and tried again later, backing off as the poller does, up to 30 s.
   */
  private startSweepIfDue(): void {
    if (this.sweeping) return;
    const interval = this.sweepFailures ? Math.min(this.options.outboxPollMs * 2 ** this.sweepFailures, 30_000) : this.options.outboxPollMs;
    if (!(this.sweepRequested && this.sweepFailures === 0) && Date.now() - this.lastSweep < interval) return;
    this.sweeping = this.sweep()
      .then((published) => {
        this.sweepFailures = 0;
        return published;
      })
      .catch((error: Error) => {
        this.sweepFailures++;
        this.logger.warn(`outbox sweep failed (${this.sweepFailures}): ${error.message}`);
        return 0;
      })
      .finally(() => {
        this.sweeping = undefined;
        // Asked for while it ran (a commit without a lease): the poller's next pass starts it.
        if (this.sweepRequested) this.poller.wake();
      });
  }

  /**
   * Takes the lease holder's lock if it is not held (at start, after a lost session). Until it holds,
   * commits leave their rows to the sweep, which needs no lock: a failure here is logged once and
   * tried again on the next pass, and never stops this pass from publishing.
   */
  private async holdLeases(): Promise<void> {
    try {
      await this.holder.hold();
      this.holderFailing = false;
    } catch (error) {
      if (!this.holderFailing) this.logger.warn(`cannot hold the outbox lease holder's lock, so commits leave their events to the sweep until it can: ${(error as Error).message}`);
      this.holderFailing = true;
    }
  }

  /** Publishes the rows handed over after commit, a batch at a time, in the order they came. */
  private dispatch(): Promise<number> {
    const next = this.dispatching.catch(() => 0).then(() => this.dispatchQueued());
    this.dispatching = next;
    return next;
  }

  private async dispatchQueued(): Promise<number> {
    let total = 0;
    while (this.queue.length > 0) {
      // Rows whose lease is about to run out belong to the sweep now: publishing them here as well would send them twice.
      const now = Date.now();
      let expired = 0;
      while (expired < this.queue.length && this.queue[expired].deadline <= now) expired++;
      if (expired > 0) {
        this.logger.warn(`${expired} outbox rows waited past half their lease; the sweep publishes them once the lease runs out`);
        this.queue.splice(0, expired);
        continue;
      }
      const batch = this.queue.slice(0, this.options.outboxBatchSize);
      // A failure leaves the batch at the head of the queue, for the poller's next (backed-off) pass.
      await this.publish(
        batch.map((entry) => entry.event),
        'dispatch',
      );
      this.queue.splice(0, batch.length);
      this.unmarked.push(...batch);
      void this.markConfirmed(); // not awaited: the next batch goes out meanwhile
      total += batch.length;
    }
    return total;
  }

  /**
   * Marks the confirmed rows published, one statement at a time for all that are waiting. Resolves
   * once every row confirmed so far is marked, or a mark has failed: its rows wait for the next call
   * (the next batch, pass or drain) until their deadline; after that they are left to the sweep,
   * which publishes them again once their lease runs out (consumers drop the duplicate).
   */
  private markConfirmed(): Promise<void> {
    this.marking ??= this.markWaiting().finally(() => {
      this.marking = undefined;
    });
    return this.marking;
  }

  private async markWaiting(): Promise<void> {
    while (this.unmarked.length > 0) {
      const now = Date.now();
      const waiting = this.unmarked.splice(0, MAX_MARK_BATCH);
      const due = waiting.filter((row) => row.deadline > now);
      if (due.length === 0) continue;
      try {
        await this.markPublished(due.map((row) => row.event.id));
        this.markFailing = false;
      } catch (error) {
        if (!this.markFailing) this.logger.warn(`cannot mark published outbox rows, trying again until their lease is half gone: ${(error as Error).message}`);
        this.markFailing = true;
        this.unmarked.unshift(...due);
        return;
      }
    }
  }

  private async markPublished(ids: string[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      // A lost mark costs a second publish when the lease runs out, which consumers drop: it need not wait for the disk.
      await client.query(`START TRANSACTION; SET LOCAL synchronous_commit = off; ${outboxMarkStatement(this.options.schema, ids)}; COMMIT`);
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Claims and publishes every row no relay holds a lease on, a batch at a time. */
  private async sweep(): Promise<number> {
    this.sweepRequested = false;
    this.lastSweep = Date.now();
    let total = 0;
    for (;;) {
      const published = await this.sweepBatch();
      total += published;
      if (published < this.options.outboxBatchSize) return total;
    }
  }

  private async sweepBatch(): Promise<number> {
    const schema = this.options.schema;
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      // One round trip: every hop between processes waits for a core on a busy machine. (Several
      // statements: pg answers a result each.)
      const results = (await client.query(`START TRANSACTION; ${OUTBOX_CLAIM_SETTINGS}; ${outboxClaimStatement(schema, this.options.outboxBatchSize)}`)) as unknown as QueryResult<OutboxRow>[];
      const rows = results[results.length - 1].rows;
      if (rows.length === 0) {
        await runner.query('COMMIT');
        messagingMetrics.outboxPending.set({ service: this.options.service }, this.queue.length);
        return 0;
      }
      // A failure rolls back and leaves the rows pending for the next pass.
      await this.publish(
        rows.map((row) => ({ id: row.id, exchange: row.exchange, routingKey: row.routing_key, type: row.type, payload: row.payload })),
        'sweep',
      );
      await runner.query('COMMIT');
      return rows.length;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Publishes the events in order, then waits for every confirm: one round of confirms per batch. */
  private async publish(events: readonly OutgoingEvent[], path: 'dispatch' | 'sweep'): Promise<void> {
    const channel = this.channel;
    if (!channel) throw new Error('outbox relay is not started');
    await Promise.all(
      events.map((event) => {
        const envelope = envelopeHeaders(event.payload);
        return channel.publish(event.exchange, event.routingKey, Buffer.from(event.payload), {
          persistent: true,
          messageId: event.id,
          type: event.type,
          contentType: 'application/json',
          correlationId: envelope.correlationId,
          timestamp: Math.floor(Date.parse(envelope.occurredAt ?? '') / 1000) || undefined,
          appId: this.options.service,
        });
      }),
    );
    for (const event of events) messagingMetrics.published.inc({ service: this.options.service, type: event.type, path });
  }
}

/**
 * An envelope's start, as `Transaction.publish` writes it: its correlation id and time can be read
 * without parsing the whole payload (a snapshot-carrying event is a kilobyte of JSON, and a busy relay
 * publishes thousands a second).
 */
const ENVELOPE_START = /^\{"id":"[^"\\]*","type":"[^"\\]*","schemaVersion":\d+,"occurredAt":"([^"\\]*)","producer":"[^"\\]*","correlationId":"([^"\\]*)"/;

/** The AMQP properties' sources in an outbox payload; any other shape is parsed in full. */
export function envelopeHeaders(payload: string): { correlationId?: string; occurredAt?: string } {
  const start = ENVELOPE_START.exec(payload);
  if (start) return { occurredAt: start[1], correlationId: start[2] };
  return JSON.parse(payload) as { correlationId?: string; occurredAt?: string };
}

/** The settings of the data source's connection pool, for a session of the relay's own. */
function sessionConfig(dataSource: DataSource): ClientConfig {
  const pool = (dataSource.driver as unknown as { master?: { options: ClientConfig & { Client?: unknown; max?: number } } }).master;
  if (!pool) throw new Error('the data source is not initialized');
  const { Client: _client, max: _max, ...config } = pool.options;
  return config;
}
