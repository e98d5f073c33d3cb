import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventEnvelope } from '@app/contracts';
import { MESSAGING_OPTIONS, MessagingOptions, Transaction } from '@app/messaging';
import { PartnerChannel, partnerRoutingKey } from './partner-channels';
import { wakeChannel } from './partner-webhooks.schema';

export interface PartnerPublishOptions {
  partnerId: string;
  branch?: string | null;
}

/**
 * Publishes a partner's event: to `library.partners` under the partner's routing key (its queue),
 * and, when the partner has registered a webhook, as a delivery row in the same transaction. Both
 * commit with the state change or neither does.
 */
@Injectable()
export class PartnerEvents {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {}

  async publish<TData extends object>(tx: Transaction, channel: PartnerChannel<TData>, data: TData, options: PartnerPublishOptions): Promise<EventEnvelope<TData>> {
    const routingKey = partnerRoutingKey(channel, options.partnerId);
    const envelope = tx.publish(channel.event, data, { branch: options.branch ?? null, partnerRoutingKey: routingKey });
    const schema = this.options.schema;
    // Locking the registration serialises the transactions that queue deliveries for this partner,
    // so their order (seq) is their commit order and the partner sees events in the order they happened.
    const webhook: unknown[] = await tx.manager.query(`SELECT 1 FROM "${schema}".partner_webhook WHERE partner_id = $1 FOR UPDATE`, [options.partnerId]);
    if (webhook.length === 0) return envelope;
    await tx.manager.query(
      `INSERT INTO "${schema}".webhook_delivery (id, partner_id, event_id, event_type, routing_key, payload) VALUES ($1, $2, $3, $4, $5, $6)`,
      [randomUUID(), options.partnerId, envelope.id, envelope.type, routingKey, JSON.stringify(envelope)],
    );
    await tx.manager.query(`SELECT pg_notify($1, $2)`, [wakeChannel(schema), options.partnerId]);
    return envelope;
  }
}
