import { QueryRunner } from 'typeorm';

/**
 * The outbox and inbox tables every service carries in its own schema. Called from each service's
 * first migration, so the tables change only through migrations.
 */
export async function createMessagingTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE "${schema}".outbox_message (
      seq bigserial PRIMARY KEY,
      id uuid NOT NULL UNIQUE,
      exchange text NOT NULL,
      routing_key text NOT NULL,
      type text NOT NULL,
      payload text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      last_error text
    )`);
  await queryRunner.query(`CREATE INDEX outbox_message_pending ON "${schema}".outbox_message (seq) WHERE published_at IS NULL`);
  await queryRunner.query(`
    CREATE TABLE "${schema}".processed_message (
      message_id uuid PRIMARY KEY,
      type text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function dropMessagingTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`DROP TABLE "${schema}".processed_message`);
  await queryRunner.query(`DROP TABLE "${schema}".outbox_message`);
}
