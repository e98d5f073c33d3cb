import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { MESSAGING_OPTIONS, MessagingOptions } from '@app/messaging';
import { Page, toPage } from '@app/platform';
import { PartnerDirectory } from './partner-directory';
import { PartnerWebhook } from './partner-webhook.entity';
import { ListDeliveriesQuery, PutWebhookDto } from './partner-webhooks.dto';
import { DeliveryView, RegisteredWebhookView, WebhookCountsView, WebhookView } from './partner-webhooks.views';
import { assertPublicUrlHost, WebhookAddressRefused } from './webhook-address-guard';
import { WEBHOOK_SETTINGS } from './webhook-delivery.worker';
import { WebhookDelivery, WebhookDeliveryAttempt } from './webhook-delivery.entity';
import { WebhookSettings } from './webhook-settings';

/** 32 random bytes, URL-safe: what a partner gets when it does not choose its own secret. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Partners' webhook registrations and their delivery log. */
@Injectable()
export class PartnerWebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: PartnerDirectory,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
  ) {}

  /**
   * Registers or replaces a partner's webhook. A secret that is not given is generated; either way
   * this answer is the only place it is shown. Deliveries still pending go to the new URL, signed
   * with the new secret.
   */
  async register(partnerId: string, dto: PutWebhookDto, actor: string, manager: EntityManager = this.dataSource.manager): Promise<{ webhook: RegisteredWebhookView; created: boolean }> {
    await this.directory.assertKnown(manager, partnerId);
    this.assertReachableUrl(dto.url);
    const secret = dto.secret ?? generateWebhookSecret();
    const [row]: Array<{ created: boolean }> = await manager.query(
      `INSERT INTO "${this.options.schema}".partner_webhook (partner_id, url, secret, created_by, updated_by) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (partner_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [partnerId, dto.url, secret, actor],
    );
    const webhook = await manager.findOneByOrFail(PartnerWebhook, { partnerId });
    return { webhook: { ...(await this.view(manager, webhook)), secret }, created: row.created };
  }

  async get(partnerId: string): Promise<WebhookView> {
    const manager = this.dataSource.manager;
    await this.directory.assertKnown(manager, partnerId);
    const webhook = await manager.findOneBy(PartnerWebhook, { partnerId });
    if (!webhook) throw new NotFoundException(`partner ${partnerId} has no webhook`);
    return this.view(manager, webhook);
  }

  /**
   * Stops webhook delivery for a partner. Its pending deliveries are given up (recorded as failed),
   * so they are not sent to a later registration out of the blue.
   */
  async remove(partnerId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.directory.assertKnown(manager, partnerId);
      // TypeORM answers a DELETE with [rows, count].
      const [, removed]: [unknown[], number] = await manager.query(`DELETE FROM "${this.options.schema}".partner_webhook WHERE partner_id = $1`, [partnerId]);
      if (removed === 0) throw new NotFoundException(`partner ${partnerId} has no webhook`);
      await manager.query(
        `UPDATE "${this.options.schema}".webhook_delivery SET status = 'failed', completed_at = now(), last_error = 'webhook removed before delivery',
                leased_until = NULL, lease_token = NULL
          WHERE partner_id = $1 AND status = 'pending'`,
        [partnerId],
      );
    });
  }

  /** The URLs of the partners that have a webhook (for views that show them). */
  async urlsOf(manager: EntityManager, partnerIds: string[]): Promise<Map<string, string>> {
    if (partnerIds.length === 0) return new Map();
    const webhooks = await manager.find(PartnerWebhook, { where: { partnerId: In(partnerIds) }, select: { partnerId: true, url: true } });
    return new Map(webhooks.map((webhook) => [webhook.partnerId, webhook.url]));
  }

  /** The partner's deliveries, newest first, each with every attempt. */
  async deliveries(partnerId: string, query: ListDeliveriesQuery): Promise<Page<DeliveryView>> {
    const manager = this.dataSource.manager;
    await this.directory.assertKnown(manager, partnerId);
    const [deliveries, total] = await manager.findAndCount(WebhookDelivery, {
      where: { partnerId, ...(query.status ? { status: query.status } : {}) },
      order: { seq: 'DESC' },
      skip: query.offset,
      take: query.limit,
    });
    const attempts = deliveries.length
      ? await manager.find(WebhookDeliveryAttempt, { where: { deliveryId: In(deliveries.map((d) => d.id)) }, order: { attempt: 'ASC' } })
      : [];
    const views = deliveries.map((delivery) => toDeliveryView(delivery, attempts.filter((a) => a.deliveryId === delivery.id)));
    return toPage(views, query, total);
  }

  /**
   * 400 naming `field` when the receiver is written as an internal address (unless private networks
   * are allowed); a name is checked as it resolves, at each send.
   */
  assertReachableUrl(url: string, field = 'url'): void {
    if (this.settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS) return;
    try {
      assertPublicUrlHost(new URL(url));
    } catch (error) {
      if (error instanceof WebhookAddressRefused) throw new BadRequestException(`${field}: ${error.message}; a partner's webhook must be on a public address`);
      throw error;
    }
  }

  private async view(manager: EntityManager, webhook: PartnerWebhook): Promise<WebhookView> {
    const counts: Array<{ status: keyof WebhookCountsView; count: string }> = await manager.query(
      `SELECT status, count(*) AS count FROM "${this.options.schema}".webhook_delivery WHERE partner_id = $1 GROUP BY status`,
      [webhook.partnerId],
    );
    const deliveries: WebhookCountsView = { pending: 0, delivered: 0, failed: 0 };
    for (const { status, count } of counts) deliveries[status] = Number(count);
    return {
      partnerId: webhook.partnerId,
      url: webhook.url,
      createdAt: webhook.createdAt.toISOString(),
      createdBy: webhook.createdBy,
      updatedAt: webhook.updatedAt.toISOString(),
      updatedBy: webhook.updatedBy,
      deliveries,
    };
  }
}

function toDeliveryView(delivery: WebhookDelivery, attempts: WebhookDeliveryAttempt[]): DeliveryView {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    routingKey: delivery.routingKey,
    status: delivery.status,
    attemptCount: delivery.attempts,
    attempts: attempts.map((a) => ({ attempt: a.attempt, at: a.attemptedAt.toISOString(), durationMs: a.durationMs, httpStatus: a.httpStatus, error: a.error })),
    createdAt: delivery.createdAt.toISOString(),
    nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    completedAt: delivery.completedAt?.toISOString() ?? null,
  };
}
