import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@app/messaging';

/**
 * Bibliographic records, catalog items (the status of record) and the status history. The history's
 * unique (item_id, version) makes a transition recorded twice impossible by construction.
 */
export class CatalogingSchema1764000000200 implements MigrationInterface {
  name = 'CatalogingSchema1764000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${s}".bib_record (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        creators text[] NOT NULL DEFAULT '{}',
        isbn char(13) UNIQUE CHECK (isbn ~ '^[0-9]{13}$'),
        issn char(9) UNIQUE,
        publisher text,
        publication_year integer,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX bib_record_title_lower ON "${s}".bib_record (lower(title))`);

    await queryRunner.query(`
      CREATE TABLE "${s}".catalog_item (
        id uuid PRIMARY KEY,
        barcode text UNIQUE,
        record_id uuid NOT NULL REFERENCES "${s}".bib_record (id),
        branch text NOT NULL,
        material_type text NOT NULL,
        status text NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        call_number text,
        call_number_scheme text,
        shelf_key text COLLATE "C",
        collection text,
        price numeric(12,2),
        currency char(3),
        processing_complete boolean NOT NULL DEFAULT false,
        conditions text[] NOT NULL DEFAULT '{}',
        checkout_count integer NOT NULL DEFAULT 0,
        last_circulated_at timestamptz,
        shelved_at timestamptz,
        received_at timestamptz NOT NULL,
        status_changed_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((call_number IS NULL) = (call_number_scheme IS NULL) AND (call_number IS NULL) = (shelf_key IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX catalog_item_record ON "${s}".catalog_item (record_id)`);
    await queryRunner.query(`CREATE INDEX catalog_item_branch_status ON "${s}".catalog_item (branch, status)`);
    // Shelving and pull lists: one branch's items of one status, walked in shelf order.
    await queryRunner.query(
      `CREATE INDEX catalog_item_shelf_order ON "${s}".catalog_item (branch, status, call_number_scheme, shelf_key, barcode)`,
    );
    // The call-number queue: oldest received first.
    await queryRunner.query(`CREATE INDEX catalog_item_queue ON "${s}".catalog_item (status, received_at)`);

    await queryRunner.query(`
      CREATE TABLE "${s}".item_status_history (
        id bigserial PRIMARY KEY,
        item_id uuid NOT NULL REFERENCES "${s}".catalog_item (id),
        version integer NOT NULL,
        from_status text,
        to_status text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        reason text,
        event_id uuid NOT NULL,
        correlation_id text
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX item_status_history_version ON "${s}".item_status_history (item_id, version)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${s}".item_status_history`);
    await queryRunner.query(`DROP TABLE "${s}".catalog_item`);
    await queryRunner.query(`DROP TABLE "${s}".bib_record`);
  }
}
