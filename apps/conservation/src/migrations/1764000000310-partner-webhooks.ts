import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@app/messaging';
import { createPartnerWebhookTables, dropPartnerWebhookTables, generateWebhookSecret } from '@app/partners';

/**
 * Bindery vendors' webhooks move to libs/partners' tables (registration with a signing secret, and
 * the delivery log). A vendor's existing webhook URL is carried over with a new secret, which the
 * admin obtains by registering the webhook again (PUT /partners/:partnerId/webhook).
 */
export class PartnerWebhooks1764000000310 implements MigrationInterface {
  name = 'PartnerWebhooks1764000000310';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await createPartnerWebhookTables(queryRunner, s);
    const vendors: Array<{ partner_id: string; webhook_url: string }> = await queryRunner.query(
      `SELECT partner_id, webhook_url FROM "${s}".vendor WHERE webhook_url IS NOT NULL`,
    );
    for (const vendor of vendors) {
      await queryRunner.query(
        `INSERT INTO "${s}".partner_webhook (partner_id, url, secret, created_by, updated_by) VALUES ($1, $2, $3, 'migration', 'migration')`,
        [vendor.partner_id, vendor.webhook_url, generateWebhookSecret()],
      );
    }
    await queryRunner.query(`ALTER TABLE "${s}".vendor DROP COLUMN webhook_url`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE "${s}".vendor ADD COLUMN webhook_url text`);
    await queryRunner.query(`UPDATE "${s}".vendor v SET webhook_url = w.url FROM "${s}".partner_webhook w WHERE w.partner_id = v.partner_id`);
    await dropPartnerWebhookTables(queryRunner, s);
  }
}
