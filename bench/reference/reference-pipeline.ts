import { randomUUID } from 'node:crypto';
import { ChannelModel, ConfirmChannel, connect, ConsumeMessage } from 'amqplib';
import { Client } from 'pg';
import { sleep } from '../support/repo';
import { LatencySummary, summarizeLatencies } from '../support/stats';

/** Where one reference pipeline lives: its own schema, exchange and quorum queue, dropped afterwards. */
export function referenceNames(id: string) {
  return {
    schema: `bench_ref_${id}`,
    exchange: `bench.ref.${id}.events`,
    queue: `bench.ref.${id}.stage-b`,
    routingKey: 'ref.item.received',
  };
}

export interface ReferenceSettings {
  databaseUrl: string;
  amqpUrl: string;
  /** Items per stage-A transaction when saturated (paced runs commit whatever has arrived). */
  stageABatch: number;
  /** Outbox rows claimed, published and confirmed per relay pass (ours: OUTBOX_BATCH_SIZE 500). */
  relayBatch: number;
  /** Relay poll interval when no commit woke it (ours: OUTBOX_POLL_MS 1000). */
  relayPollMs: number;
  prefetch: number;
  /** Most messages stage B applies in one transaction; fewer when fewer are waiting. */
  consumerBatch: number;
  /** TCP_NODELAY on the AMQP socket (amqplib leaves Nagle on by default). */
  noDelay: boolean;
}

export const DEFAULT_REFERENCE_SETTINGS: Omit<ReferenceSettings, 'databaseUrl' | 'amqpUrl'> = {
  stageABatch: 500,
  relayBatch: 500,
  relayPollMs: 1_000,
  prefetch: 400,
  consumerBatch: 200,
  noDelay: true,
};

export interface SaturatedResult {
  items: number;
  /** From the first stage-A insert to the last stage-B commit. */
  seconds: number;
  itemsPerS: number;
  /** Until stage A had committed all N items (the counterpart of our bulk receipt's 201). */
  stageASeconds: number;
  latencyMs: LatencySummary;
}

export interface PacedResult {
  targetRate: number;
  items: number;
  achievedRate: number;
  /** Stage-A commit to stage-B commit, from the timestamps stored in the item rows. */
  latencyMs: LatencySummary;
}

interface Arrival {
  id: string;
  messageId: string;
  barcode: string;
  title: string;
  payload: string;
}

/**
 * The raw limit: the same guarantees as our services in plain `pg` and `amqplib`, no framework.
 *
 * - Stage A: an item row and an outbox row per item, committed together (one multi-row statement per
 *   batch is one transaction), then it wakes the relay.
 * - Relay: claims pending outbox rows with `FOR UPDATE SKIP LOCKED`, publishes them persistent on a
 *   confirm channel, waits for every confirm, marks them sent, commits.
 * - Stage B: consumes the quorum queue; per batch of deliveries, one transaction records each message
 *   id in the inbox (a duplicate changes nothing) and updates its item; acks after the commit.
 *
 * `a_at` and `b_at` are taken with clock_timestamp() in the last statement of each transaction, so
 * the latency is commit to commit, less the two fsyncs.
 */
export class ReferencePipeline {
  readonly names: ReturnType<typeof referenceNames>;
  private readonly producer: Client;
  private readonly relayDb: Client;
  private readonly consumerDb: Client;
  private connection?: ChannelModel;
  private publishChannel?: ConfirmChannel;
  private consumeChannel?: ConfirmChannel;

  private relayRunning = false;
  private relayLoop?: Promise<void>;
  private relayWake?: () => void;
  private relayWakeRequested = false;
  private relayError?: Error;

  private pending: ConsumeMessage[] = [];
  private consuming = false;
  private consumerError?: Error;
  private processed = 0;
  private processedWaiter?: { target: number; resolve: () => void };
  private lastCommitAt = 0;
  private sequence = 0;
  private consumerBatch: number;

  constructor(
    id: string,
    private readonly settings: ReferenceSettings,
  ) {
    this.names = referenceNames(id);
    this.producer = new Client({ connectionString: settings.databaseUrl });
    this.relayDb = new Client({ connectionString: settings.databaseUrl });
    this.consumerDb = new Client({ connectionString: settings.databaseUrl });
    this.consumerBatch = settings.consumerBatch;
  }

  async setup(): Promise<void> {
    const s = this.names.schema;
    await Promise.all([this.producer.connect(), this.relayDb.connect(), this.consumerDb.connect()]);
    await this.producer.query(`CREATE SCHEMA "${s}"`);
    await this.producer.query(`
      CREATE TABLE "${s}".item (
        id uuid PRIMARY KEY,
        barcode text NOT NULL UNIQUE,
        title text NOT NULL,
        status text NOT NULL,
        a_at timestamptz NOT NULL,
        b_at timestamptz
      )`);
    await this.producer.query(`
      CREATE TABLE "${s}".outbox (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        routing_key text NOT NULL,
        payload text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await this.producer.query(`CREATE INDEX outbox_pending ON "${s}".outbox (seq) WHERE published_at IS NULL`);
    await this.producer.query(`CREATE TABLE "${s}".inbox (message_id uuid PRIMARY KEY, processed_at timestamptz NOT NULL DEFAULT now())`);

    // TCP_NODELAY: without it a confirm or an ack can sit behind Nagle's algorithm and the peer's
    // delayed ACK for tens of milliseconds (measured here: p50 at 1,000/s went from ~75 ms to ~15 ms).
    this.connection = await connect(this.settings.amqpUrl, { noDelay: this.settings.noDelay });
    this.connection.on('error', () => undefined);
    this.publishChannel = await this.connection.createConfirmChannel();
    this.consumeChannel = await this.connection.createConfirmChannel();
    // The broker closes a channel with its reason as an 'error' event: keep it for the failure message.
    this.publishChannel.on('error', (error: Error) => (this.relayError ??= error));
    this.consumeChannel.on('error', (error: Error) => (this.consumerError ??= error));
    this.connection.on('close', (error?: Error) => {
      if (this.relayRunning && error) this.consumerError ??= error;
    });
    await this.publishChannel.assertExchange(this.names.exchange, 'topic', { durable: true });
    await this.publishChannel.assertQueue(this.names.queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await this.publishChannel.bindQueue(this.names.queue, this.names.exchange, this.names.routingKey);

    this.relayRunning = true;
    this.relayLoop = this.runRelay();
    await this.consumeChannel.prefetch(this.settings.prefetch);
    await this.consumeChannel.consume(this.names.queue, (message) => message && this.receive(message), { noAck: false });
  }

  /** Empties the tables between measurements, so each starts from the same state. */
  async reset(): Promise<void> {
    await this.waitIdle();
    const s = this.names.schema;
    await this.producer.query(`TRUNCATE "${s}".item, "${s}".outbox, "${s}".inbox`);
    this.processed = 0;
  }

  /** `consumerBatch` 1 shows what stage B does with one transaction per message, as our consumers do today. */
  async runSaturated(items: number, consumerBatch = this.settings.consumerBatch): Promise<SaturatedResult> {
    await this.reset();
    this.consumerBatch = consumerBatch;
    const started = performance.now();
    const done = this.processedReaches(items);
    for (let sent = 0; sent < items; ) {
      const batch = Math.min(this.settings.stageABatch, items - sent);
      await this.stageA(this.arrivals(batch));
      sent += batch;
    }
    const stageASeconds = (performance.now() - started) / 1000;
    await this.guard(done, items);
    const seconds = (this.lastCommitAt - started) / 1000;
    return { items, seconds, itemsPerS: items / seconds, stageASeconds, latencyMs: await this.latencies() };
  }

  /**
   * Items arrive at `rate` per second on a fixed schedule (open loop: a slow commit does not slow the
   * arrivals); stage A commits whatever has arrived in one transaction.
   */
  async runPaced(items: number, rate: number): Promise<PacedResult> {
    await this.reset();
    this.consumerBatch = this.settings.consumerBatch;
    const done = this.processedReaches(items);
    const started = performance.now();
    let sent = 0;
    while (sent < items) {
      const due = Math.min(items, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      if (due > sent) {
        const batch = Math.min(due - sent, this.settings.stageABatch);
        await this.stageA(this.arrivals(batch));
        sent += batch;
      } else {
        await sleep(Math.max(0, ((sent / rate) * 1000) - (performance.now() - started)));
      }
    }
    const achievedRate = items / Math.max((performance.now() - started) / 1000, items / rate);
    await this.guard(done, items);
    return { targetRate: rate, items, achievedRate, latencyMs: await this.latencies() };
  }

  async teardown(): Promise<void> {
    this.relayRunning = false;
    this.relayWake?.();
    await this.relayLoop?.catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    await Promise.all([this.producer, this.relayDb, this.consumerDb].map((client) => client.end().catch(() => undefined)));
  }

  private arrivals(count: number): Arrival[] {
    return Array.from({ length: count }, () => {
      const n = this.sequence++;
      const id = randomUUID();
      const messageId = randomUUID();
      const barcode = `ref-${n}`;
      const title = `Reference title ${n}`;
      // About the size of our intake.item.received envelope.
      const payload = JSON.stringify({
        id: messageId,
        type: 'intake.item.received',
        schemaVersion: 1,
        occurredAt: new Date().toISOString(),
        producer: 'intake',
        correlationId: randomUUID(),
        causationId: null,
        branch: 'CEN',
        data: {
          itemId: id,
          shipmentId: randomUUID(),
          line: n,
          barcode,
          materialType: 'book',
          title,
          creators: [],
          callNumber: 'QA76.73.J38 S55 2010',
          callNumberScheme: 'lc',
          securityTag: 'strip',
          pendingSteps: ['stamp'],
          receivedBy: 'bench',
          supplier: 'Bench Books',
        },
      });
      return { id, messageId, barcode, title, payload };
    });
  }

  private async stageA(batch: Arrival[]): Promise<void> {
    const s = this.names.schema;
    await this.producer.query(
      `WITH new_items AS (
         INSERT INTO "${s}".item (id, barcode, title, status, a_at)
         SELECT id, barcode, title, 'RECEIVED', clock_timestamp() FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, barcode, title)
       )
       INSERT INTO "${s}".outbox (id, routing_key, payload)
       SELECT message_id, $4, payload FROM unnest($5::uuid[], $6::text[]) AS m(message_id, payload)`,
      [batch.map((a) => a.id), batch.map((a) => a.barcode), batch.map((a) => a.title), this.names.routingKey, batch.map((a) => a.messageId), batch.map((a) => a.payload)],
    );
    this.wakeRelay();
  }

  private wakeRelay(): void {
    this.relayWakeRequested = true;
    this.relayWake?.();
  }

  private async runRelay(): Promise<void> {
    while (this.relayRunning) {
      this.relayWakeRequested = false;
      try {
        while ((await this.relayPass()) === this.settings.relayBatch);
      } catch (error) {
        this.relayError = error as Error;
        return;
      }
      if (!this.relayRunning) return;
      if (this.relayWakeRequested) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.settings.relayPollMs);
        this.relayWake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.relayWake = undefined;
    }
  }

  private async relayPass(): Promise<number> {
    const db = this.relayDb;
    const channel = this.publishChannel!;
    const s = this.names.schema;
    await db.query('BEGIN');
    try {
      const { rows } = await db.query<{ seq: string; id: string; routing_key: string; payload: string }>(
        `SELECT seq, id, routing_key, payload FROM "${s}".outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.settings.relayBatch],
      );
      if (rows.length > 0) {
        for (const row of rows) {
          channel.publish(this.names.exchange, row.routing_key, Buffer.from(row.payload), {
            persistent: true,
            messageId: row.id,
            contentType: 'application/json',
            type: 'intake.item.received',
          });
        }
        await channel.waitForConfirms();
        await db.query(`UPDATE "${s}".outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      }
      await db.query('COMMIT');
      return rows.length;
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private receive(message: ConsumeMessage): void {
    this.pending.push(message);
    if (!this.consuming) void this.consume();
  }

  private async consume(): Promise<void> {
    this.consuming = true;
    const s = this.names.schema;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.consumerBatch);
        const messageIds: string[] = [];
        const itemIds: string[] = [];
        for (const message of batch) {
          const envelope = JSON.parse(message.content.toString('utf8')) as { id: string; data: { itemId: string } };
          messageIds.push(message.properties.messageId ?? envelope.id);
          itemIds.push(envelope.data.itemId);
        }
        const result = await this.consumerDb.query(
          `WITH m AS (SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS m(message_id, item_id)),
                fresh AS (INSERT INTO "${s}".inbox (message_id) SELECT message_id FROM m ON CONFLICT DO NOTHING RETURNING message_id)
           UPDATE "${s}".item i SET status = 'CATALOGED', b_at = clock_timestamp()
             FROM m JOIN fresh USING (message_id) WHERE i.id = m.item_id`,
          [messageIds, itemIds],
        );
        // Ack after the commit: the batch was delivered in order, so "all up to the last" is exactly it.
        this.consumeChannel!.ack(batch[batch.length - 1], true);
        this.lastCommitAt = performance.now();
        this.processed += result.rowCount ?? 0;
        if (this.processedWaiter && this.processed >= this.processedWaiter.target) this.processedWaiter.resolve();
      }
    } catch (error) {
      this.consumerError ??= error as Error;
    } finally {
      this.consuming = false;
    }
  }

  private processedReaches(target: number): Promise<void> {
    return new Promise((resolve) => {
      this.processedWaiter = { target, resolve };
      if (this.processed >= target) resolve();
    });
  }

  /** Waits for stage B, failing fast if the relay or the consumer broke, or nothing moves for 60 s. */
  private async guard(done: Promise<void>, target: number): Promise<void> {
    let finished = false;
    void done.then(() => (finished = true));
    let last = this.processed;
    let lastProgress = Date.now();
    while (!finished) {
      if (this.relayError) throw new Error(`reference relay failed: ${this.relayError.message}`);
      if (this.consumerError) throw new Error(`reference consumer failed: ${this.consumerError.message}`);
      if (this.processed !== last) {
        last = this.processed;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > 60_000) {
        throw new Error(`reference stalled at ${this.processed}/${target} items`);
      }
      await Promise.race([done, sleep(50)]);
    }
  }

  private async waitIdle(): Promise<void> {
    while (this.consuming || this.pending.length > 0) await sleep(10);
  }

  private async latencies(): Promise<LatencySummary> {
    const { rows } = await this.producer.query<{ ms: number }>(
      `SELECT (extract(epoch FROM b_at - a_at) * 1000)::float8 AS ms FROM "${this.names.schema}".item WHERE b_at IS NOT NULL`,
    );
    return summarizeLatencies(rows.map((r) => r.ms));
  }
}
