import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@app/messaging';
import { createPartnerWebhookTables, dropPartnerWebhookTables } from '@app/partners';

/** Webhook registrations of sales platforms and the log of their deliveries (libs/partners). */
export class PartnerWebhooks1764000000410 implements MigrationInterface {
  name = 'PartnerWebhooks1764000000410';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createPartnerWebhookTables(queryRunner, schemaOf(queryRunner));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropPartnerWebhookTables(queryRunner, schemaOf(queryRunner));
  }
}
