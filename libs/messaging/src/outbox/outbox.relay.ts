import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { PoolClient, QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { messagingMetrics } from '../messaging.metrics';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.options';
import { assertExchanges } from '../topology';
import { WakeablePoller } from '../wakeable-poller';

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
 * Claims and marks up to `limit` pending rows in one statement, oldest first. The mark commits only
 * after every confirm, and the row locks keep other replicas off these rows until then. The limit is
 * written into the statement (it is our own integer), so the statement needs no parameter and can go
 * in one round trip with the transaction's start and settings.
 */
export function outboxClaimStatement(schema: string, limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`outbox claim limit must be a positive integer, not ${limit}`);
  return `WITH claimed AS (
           SELECT id FROM "${schema}".outbox_message WHERE published_at IS NULL ORDER BY seq LIMIT ${limit} FOR UPDATE SKIP LOCKED
         ), marked AS (
           UPDATE "${schema}".outbox_message o SET published_at = now() FROM claimed WHERE o.id = claimed.id
           RETURNING o.id, o.seq, o.exchange, o.routing_key, o.type, o.payload
         )
         SELECT id, exchange, routing_key, type, payload FROM marked ORDER BY seq`;
}

/**
 * Publishes committed outbox rows. Rows are claimed with FOR UPDATE SKIP LOCKED, so replicas share
 * the work without publishing a row twice; a row is marked published only after the broker confirmed
 * it. A crash between confirm and mark republishes the row: consumers deduplicate by message id.
 * The relay wakes when a local transaction commits events and polls as a fallback (other replicas,
 * failures, restarts).
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private channel?: ChannelWrapper;
  private readonly poller: WakeablePoller;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
  ) {
    this.poller = new WakeablePoller('outbox relay', () => this.drain(), options.outboxPollMs, this.logger);
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
    this.poller.start();
  }

  /** Called after a commit that wrote outbox rows. */
  wake(): void {
    this.poller.wake();
  }

  async stop(): Promise<void> {
    if (!this.poller.isRunning) return;
    await this.poller.stop();
    await this.channel?.close();
  }

  /** Publishes everything pending now; used by the loop and by tests that want a drained outbox. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < this.options.outboxBatchSize) return total;
    }
  }

  private async publishBatch(): Promise<number> {
    const channel = this.channel;
    if (!channel) throw new Error('outbox relay is not started');
    const schema = this.options.schema;
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      // One round trip: every hop between processes waits for a core on a busy machine, and a pass's
      // hops are on the path of every event it publishes. (Several statements: pg answers a result each.)
      const results = (await client.query(`START TRANSACTION; ${OUTBOX_CLAIM_SETTINGS}; ${outboxClaimStatement(schema, this.options.outboxBatchSize)}`)) as unknown as QueryResult<OutboxRow>[];
      const rows = results[results.length - 1].rows;
      if (rows.length === 0) {
        await runner.query('COMMIT');
        messagingMetrics.outboxPending.set({ service: this.options.service }, 0);
        return 0;
      }
      // Publish the whole batch in order, then wait for every confirm: one round of confirms per
      // batch. A failure rolls back and leaves the rows pending for the next pass.
      await Promise.all(
        rows.map((row) => {
          const envelope = envelopeHeaders(row.payload);
          return channel.publish(row.exchange, row.routing_key, Buffer.from(row.payload), {
            persistent: true,
            messageId: row.id,
            type: row.type,
            contentType: 'application/json',
            correlationId: envelope.correlationId,
            timestamp: Math.floor(Date.parse(envelope.occurredAt ?? '') / 1000) || undefined,
            appId: this.options.service,
          });
        }),
      );
      await runner.query('COMMIT');
      for (const row of rows) messagingMetrics.published.inc({ service: this.options.service, type: row.type });
      return rows.length;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
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
