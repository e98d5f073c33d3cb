import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MESSAGING_OPTIONS, MessagingOptions, WakeablePoller } from '@app/messaging';
import { webhookMetrics } from './partners.metrics';
import { wakeChannel } from './partner-webhooks.schema';
import { WebhookResult, sendWebhook } from './webhook-sender';
import { retryDelayMs, WebhookSettings } from './webhook-settings';
import { WebhookWakeListener } from './webhook-wake-listener';

export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');

interface ClaimedDelivery {
  id: string;
  partner_id: string;
  event_id: string;
  event_type: string;
  routing_key: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
}

/**
 * Sends queued webhook deliveries. Only a partner's oldest pending delivery is ever eligible, so a
 * partner receives its events in order and a later one waits until the earlier one is delivered or
 * given up. Different partners are served side by side (up to WEBHOOK_CONCURRENCY), so an
 * unreachable receiver holds up nobody else.
 *
 * Replicas share the work: a delivery is claimed with FOR UPDATE SKIP LOCKED and leased (the lease
 * outlives the HTTP timeout), and no database transaction stays open during the POST. A process that
 * dies mid-POST leaves the lease to expire and the delivery is retried: delivery is at least once,
 * and receivers deduplicate by event id. The worker wakes when a commit queued a delivery (PostgreSQL
 * NOTIFY, on every replica) and polls as a fallback, which also brings retries when they are due.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly shutdown = new AbortController();
  private listener?: WebhookWakeListener;
  private readonly poller: WakeablePoller;

  constructor(
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly dataSource: DataSource,
  ) {
    this.poller = new WakeablePoller('webhook delivery', () => this.claimAndSend(), settings.WEBHOOK_POLL_MS, this.logger);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.poller.isRunning) return;
    const url = (this.dataSource.options as { url?: string }).url;
    if (url) {
      this.listener = new WebhookWakeListener(url, wakeChannel(this.options.schema), () => this.wake());
      this.listener.start();
    }
    this.poller.start();
  }

  wake(): void {
    this.poller.wake();
  }

  /** Stops claiming, cuts the POSTs in flight short (their leases are released, not counted) and waits for them. */
  async stop(): Promise<void> {
    if (!this.poller.isRunning) return;
    const stopped = this.poller.stop();
    this.shutdown.abort(new Error('service shutting down'));
    await stopped;
    await Promise.allSettled(this.inFlight.values());
    await this.listener?.stop();
  }

  get busy(): number {
    return this.inFlight.size;
  }

  /** Claims as many partners' next deliveries as there are free slots and sends them without waiting. */
  private async claimAndSend(): Promise<void> {
    const free = this.settings.WEBHOOK_CONCURRENCY - this.inFlight.size;
    if (free <= 0) return;
    const leaseToken = randomUUID();
    const claimed = await this.claim(free, leaseToken);
    for (const delivery of claimed) {
      const done = this.deliver(delivery, leaseToken)
        .catch((error) => this.logger.error(`webhook delivery ${delivery.id} to ${delivery.partner_id}: ${(error as Error).message}`))
        .finally(() => {
          this.inFlight.delete(delivery.id);
          // The partner's next event may go now, and a slot is free.
          this.wake();
        });
      this.inFlight.set(delivery.id, done);
    }
  }

  private async claim(limit: number, leaseToken: string): Promise<ClaimedDelivery[]> {
    const schema = this.options.schema;
    // Long enough that a POST still running (headers, body, then the write-back) never loses it.
    const leaseMs = this.settings.WEBHOOK_TIMEOUT_MS + 60_000;
    return this.dataSource.transaction(async (manager) => {
      const rows: ClaimedDelivery[] = await manager.query(
        `WITH heads AS (
           SELECT DISTINCT ON (partner_id) id FROM "${schema}".webhook_delivery
            WHERE status = 'pending' ORDER BY partner_id, seq
         )
         SELECT d.id, d.partner_id, d.event_id, d.event_type, d.routing_key, d.payload, d.attempts, w.url, w.secret
           FROM "${schema}".webhook_delivery d
           JOIN heads h ON h.id = d.id
           JOIN "${schema}".partner_webhook w ON w.partner_id = d.partner_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND (d.leased_until IS NULL OR d.leased_until < now())
          ORDER BY d.next_attempt_at
          LIMIT $1
          FOR UPDATE OF d SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return [];
      await manager.query(
        `UPDATE "${schema}".webhook_delivery SET leased_until = now() + $2::double precision * interval '1 millisecond', lease_token = $3 WHERE id = ANY($1::uuid[])`,
        [rows.map((row) => row.id), leaseMs, leaseToken],
      );
      return rows;
    });
  }

  private async deliver(delivery: ClaimedDelivery, leaseToken: string): Promise<void> {
    const attempt = delivery.attempts + 1;
    const attemptedAt = new Date();
    const result = await sendWebhook(
      {
        url: delivery.url,
        secret: delivery.secret,
        body: delivery.payload,
        deliveryId: delivery.id,
        eventId: delivery.event_id,
        eventType: delivery.event_type,
        routingKey: delivery.routing_key,
        attempt,
      },
      this.settings.WEBHOOK_TIMEOUT_MS,
      this.shutdown.signal,
      this.settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    );
    if (result.interrupted) return this.release(delivery, leaseToken);
    await this.record(delivery, leaseToken, attempt, attemptedAt, result);
  }

  private async record(delivery: ClaimedDelivery, leaseToken: string, attempt: number, attemptedAt: Date, result: WebhookResult): Promise<void> {
    const schema = this.options.schema;
    const givingUp = !result.delivered && attempt >= this.settings.WEBHOOK_MAX_ATTEMPTS;
    const status = result.delivered ? 'delivered' : givingUp ? 'failed' : 'pending';
    const retryInMs = status === 'pending' ? retryDelayMs(this.settings, attempt) : 0;
    const recorded = await this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE with [rows, count]: the count says whether this attempt still owned the row.
      const [, updated]: [unknown[], number] = await manager.query(
        `UPDATE "${schema}".webhook_delivery
            SET attempts = $3, status = $4::text, next_attempt_at = now() + $5::double precision * interval '1 millisecond',
                leased_until = NULL, lease_token = NULL, last_http_status = $6, last_error = $7,
                completed_at = CASE WHEN $4::text = 'pending' THEN NULL ELSE now() END
          WHERE id = $1 AND lease_token = $2 AND status = 'pending'`,
        [delivery.id, leaseToken, attempt, status, retryInMs, result.httpStatus, result.error],
      );
      // The lease was lost (the process stalled past it) or the delivery was given up meanwhile
      // (the webhook was removed): either way the row is no longer this attempt's to write.
      if (updated === 0) return false;
      await manager.query(
        `INSERT INTO "${schema}".webhook_delivery_attempt (delivery_id, attempt, attempted_at, duration_ms, http_status, error) VALUES ($1, $2, $3, $4, $5, $6)`,
        [delivery.id, attempt, attemptedAt, result.durationMs, result.httpStatus, result.error],
      );
      return true;
    });
    if (!recorded) {
      this.logger.warn(`webhook delivery ${delivery.id} to ${delivery.partner_id}: no longer leased or pending, attempt ${attempt} not recorded`);
      return;
    }
    webhookMetrics.attempts.inc({ service: this.options.service, outcome: status === 'pending' ? 'retry' : status });
    if (status === 'failed') {
      this.logger.warn(
        `webhook delivery ${delivery.id} (${delivery.event_type} ${delivery.event_id}) to partner ${delivery.partner_id} failed after ${attempt} attempts (${result.error}); its next event goes now`,
      );
    } else if (status === 'pending') {
      this.logger.log(`webhook delivery ${delivery.id} to partner ${delivery.partner_id} failed (attempt ${attempt}: ${result.error}); retrying in ${retryInMs} ms`);
    }
  }

  private async release(delivery: ClaimedDelivery, leaseToken: string): Promise<void> {
    await this.dataSource
      .query(`UPDATE "${this.options.schema}".webhook_delivery SET leased_until = NULL, lease_token = NULL WHERE id = $1 AND lease_token = $2`, [delivery.id, leaseToken])
      .catch(() => undefined); // the lease then simply expires
  }
}
