import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@app/messaging';

/**
 * Intake's own tables: shipments, the items they brought (with the steps each still needs), the log
 * of recorded steps (who, when, vendor or technician) and the per-branch processing profiles.
 */
export class IntakeSchema1764000000100 implements MigrationInterface {
  name = 'IntakeSchema1764000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${s}".shipment (
        id uuid PRIMARY KEY,
        supplier text NOT NULL,
        branch text NOT NULL,
        received_by text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        item_count integer NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX shipment_branch_received ON "${s}".shipment (branch, received_at)`);

    await queryRunner.query(`
      CREATE TABLE "${s}".item (
        id uuid PRIMARY KEY,
        barcode text UNIQUE,
        shipment_id uuid NOT NULL REFERENCES "${s}".shipment (id),
        line integer NOT NULL,
        branch text NOT NULL,
        material_type text NOT NULL,
        title text NOT NULL,
        creators text[] NOT NULL DEFAULT '{}',
        isbn text,
        issn text,
        publisher text,
        publication_year integer,
        call_number text,
        call_number_scheme text,
        security_tag text,
        collection text,
        price numeric(12,2),
        currency text,
        status text NOT NULL DEFAULT 'RECEIVED',
        status_version integer NOT NULL DEFAULT 0,
        required_steps text[] NOT NULL,
        pending_steps text[] NOT NULL,
        processed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT item_call_number_has_scheme CHECK ((call_number IS NULL) = (call_number_scheme IS NULL)),
        CONSTRAINT item_shipment_line UNIQUE (shipment_id, line)
      )`);
    await queryRunner.query(`CREATE INDEX item_branch_created ON "${s}".item (branch, created_at)`);
    // Work lists ask for items with steps left; a partial index keeps that cheap as the catalog grows.
    await queryRunner.query(`CREATE INDEX item_pending ON "${s}".item (branch, created_at) WHERE cardinality(pending_steps) > 0`);

    await queryRunner.query(`
      CREATE TABLE "${s}".processing_step (
        item_id uuid NOT NULL REFERENCES "${s}".item (id),
        step text NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        source text NOT NULL CHECK (source IN ('vendor', 'technician')),
        PRIMARY KEY (item_id, step)
      )`);

    await queryRunner.query(`
      CREATE TABLE "${s}".processing_profile (
        branch text NOT NULL,
        material_type text NOT NULL,
        steps text[] NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (branch, material_type)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${s}".processing_profile`);
    await queryRunner.query(`DROP TABLE "${s}".processing_step`);
    await queryRunner.query(`DROP TABLE "${s}".item`);
    await queryRunner.query(`DROP TABLE "${s}".shipment`);
  }
}
