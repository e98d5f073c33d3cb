import { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from './messaging.schema';

export function schemaOf(queryRunner: QueryRunner): string {
  return (queryRunner.connection.options as { schema?: string }).schema ?? 'public';
}

/** Every service's first migration: its outbox and its processed-message (inbox) table. */
export class MessagingTables1764000000000 implements MigrationInterface {
  name = 'MessagingTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner, schemaOf(queryRunner));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner, schemaOf(queryRunner));
  }
}

/**
 * Lets housekeeping find processed-message records past retention without reading the whole inbox.
 * BRIN: the records arrive in time order, and a BRIN index costs the hot insert path next to nothing.
 */
export class MessagingRetention1764000000900 implements MigrationInterface {
  name = 'MessagingRetention1764000000900';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX processed_message_processed_at ON "${schemaOf(queryRunner)}".processed_message USING brin (processed_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "${schemaOf(queryRunner)}".processed_message_processed_at`);
  }
}

/**
 * Outbox rows leased to the relay of the process that wrote them: it publishes them right after
 * commit. The sweep of any relay leaves them alone while their holder (an advisory lock the process
 * holds for as long as it lives) is alive and the lease has time left (`OutboxRelay`, `OutboxLeaseHolder`).
 */
export class OutboxLease1764000000950 implements MigrationInterface {
  name = 'OutboxLease1764000000950';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "${schemaOf(queryRunner)}".outbox_message ADD COLUMN locked_until timestamptz, ADD COLUMN lease_holder integer`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "${schemaOf(queryRunner)}".outbox_message DROP COLUMN lease_holder, DROP COLUMN locked_until`);
  }
}
