import { QueryRunner } from 'typeorm';
import { PartnerWebhook } from './partner-webhook.entity';
import { WebhookDelivery, WebhookDeliveryAttempt } from './webhook-delivery.entity';

/** Add to the service's ENTITIES. */
export const PARTNER_WEBHOOK_ENTITIES = [PartnerWebhook, WebhookDelivery, WebhookDeliveryAttempt];

/**
 * The webhook tables a service carries in its own schema, created by one of the service's own
 * migrations (so they change only through migrations, like the outbox).
 */
export async function createPartnerWebhookTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE "${schema}".partner_webhook (
      partner_id text PRIMARY KEY,
      url text NOT NULL,
      secret text NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await queryRunner.query(`
    CREATE TABLE "${schema}".webhook_delivery (
      id uuid PRIMARY KEY,
      seq bigserial NOT NULL UNIQUE,
      partner_id text NOT NULL,
      event_id uuid NOT NULL,
      event_type text NOT NULL,
      routing_key text NOT NULL,
      payload text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      leased_until timestamptz,
      lease_token uuid,
      last_http_status integer,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz
    )`);
  // The worker looks for each partner's oldest pending delivery; the log lists a partner's newest first.
  await queryRunner.query(`CREATE INDEX webhook_delivery_pending ON "${schema}".webhook_delivery (partner_id, seq) WHERE status = 'pending'`);
  await queryRunner.query(`CREATE INDEX webhook_delivery_log ON "${schema}".webhook_delivery (partner_id, seq DESC)`);
  await queryRunner.query(`
    CREATE TABLE "${schema}".webhook_delivery_attempt (
      delivery_id uuid NOT NULL REFERENCES "${schema}".webhook_delivery (id) ON DELETE CASCADE,
      attempt integer NOT NULL,
      attempted_at timestamptz NOT NULL,
      duration_ms integer NOT NULL,
      http_status integer,
      error text,
      PRIMARY KEY (delivery_id, attempt)
    )`);
}

export async function dropPartnerWebhookTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`DROP TABLE "${schema}".webhook_delivery_attempt`);
  await queryRunner.query(`DROP TABLE "${schema}".webhook_delivery`);
  await queryRunner.query(`DROP TABLE "${schema}".partner_webhook`);
}

/**
 * The PostgreSQL notification channel that wakes a service's delivery workers. NOTIFY is delivered
 * only when the transaction commits, so a rolled-back event never wakes anyone.
 */
export function wakeChannel(schema: string): string {
  return `webhooks.${schema}`.slice(0, 63);
}
