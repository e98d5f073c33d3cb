import { Column, Entity, PrimaryColumn } from 'typeorm';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One partner event on its way to the partner's webhook. Written in the transaction that publishes
 * the event, so a rolled-back change sends nothing; a partner's deliveries go out one at a time in
 * `seq` order.
 */
@Entity({ name: 'webhook_delivery' })
export class WebhookDelivery {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'bigint', insert: false, update: false }) seq!: string;
  @Column('text', { name: 'partner_id' }) partnerId!: string;
  @Column('uuid', { name: 'event_id' }) eventId!: string;
  @Column('text', { name: 'event_type' }) eventType!: string;
  @Column('text', { name: 'routing_key' }) routingKey!: string;
  /** The envelope exactly as it travels on AMQP: the body of every attempt. */
  @Column('text') payload!: string;
  @Column('text') status!: DeliveryStatus;
  @Column('integer') attempts!: number;
  @Column('timestamptz', { name: 'next_attempt_at' }) nextAttemptAt!: Date;
  @Column('timestamptz', { name: 'leased_until', nullable: true }) leasedUntil!: Date | null;
  @Column('uuid', { name: 'lease_token', nullable: true }) leaseToken!: string | null;
  @Column('integer', { name: 'last_http_status', nullable: true }) lastHttpStatus!: number | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt!: Date | null;
}

/** One POST of a delivery to the partner, and what came back. */
@Entity({ name: 'webhook_delivery_attempt' })
export class WebhookDeliveryAttempt {
  @PrimaryColumn('uuid', { name: 'delivery_id' }) deliveryId!: string;
  @PrimaryColumn('integer') attempt!: number;
  @Column('timestamptz', { name: 'attempted_at' }) attemptedAt!: Date;
  @Column('integer', { name: 'duration_ms' }) durationMs!: number;
  @Column('integer', { name: 'http_status', nullable: true }) httpStatus!: number | null;
  @Column('text', { nullable: true }) error!: string | null;
}
