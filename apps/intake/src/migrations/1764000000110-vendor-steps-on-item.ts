import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@app/messaging';

/**
 * The steps a vendor did before delivery move onto the item (`vendor_steps`, with `received_by`: they
 * count as recorded by whoever received the shipment, when it was received); `processing_step` keeps
 * the steps technicians record here. A 10,000-item pre-processed shipment wrote 30,000 step rows, each
 * with its key and foreign-key check: a third of PostgreSQL's time on the receipt.
 */
export class VendorStepsOnItem1764000000110 implements MigrationInterface {
  name = 'VendorStepsOnItem1764000000110';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE "${s}".item ADD COLUMN vendor_steps text[] NOT NULL DEFAULT '{}', ADD COLUMN received_by text`);
    await queryRunner.query(`UPDATE "${s}".item i SET received_by = shipment.received_by FROM "${s}".shipment WHERE shipment.id = i.shipment_id`);
    await queryRunner.query(`ALTER TABLE "${s}".item ALTER COLUMN received_by SET NOT NULL`);
    await queryRunner.query(`
      UPDATE "${s}".item i SET vendor_steps = vendor.steps
        FROM (SELECT p.item_id, array_agg(p.step ORDER BY array_position(it.required_steps, p.step), p.step) AS steps
                FROM "${s}".processing_step p JOIN "${s}".item it ON it.id = p.item_id
               WHERE p.source = 'vendor' GROUP BY p.item_id) AS vendor
       WHERE i.id = vendor.item_id`);
    await queryRunner.query(`DELETE FROM "${s}".processing_step WHERE source = 'vendor'`);
    await queryRunner.query(`ALTER TABLE "${s}".processing_step DROP COLUMN source`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(
      `ALTER TABLE "${s}".processing_step ADD COLUMN source text NOT NULL DEFAULT 'technician' CHECK (source IN ('vendor', 'technician'))`,
    );
    await queryRunner.query(`ALTER TABLE "${s}".processing_step ALTER COLUMN source DROP DEFAULT`);
    await queryRunner.query(`
      INSERT INTO "${s}".processing_step (item_id, step, recorded_by, recorded_at, source)
      SELECT i.id, step, i.received_by, i.created_at, 'vendor' FROM "${s}".item i, unnest(i.vendor_steps) AS step`);
    await queryRunner.query(`ALTER TABLE "${s}".item DROP COLUMN vendor_steps, DROP COLUMN received_by`);
  }
}
