import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@app/messaging';

/** Facts reported by other services and systems, by their own identity: each is applied once (see applied-facts.ts). */
export class AppliedFacts1764000000201 implements MigrationInterface {
  name = 'AppliedFacts1764000000201';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${s}".applied_fact (
        fact_key text PRIMARY KEY,
        item_id uuid NOT NULL REFERENCES "${s}".catalog_item (id),
        message_id uuid NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}".applied_fact`);
  }
}
