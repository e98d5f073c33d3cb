import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@app/messaging';

/**
 * Disposal's own tables: its read model of cataloging's items, weeding rules, runs and candidates,
 * withdrawals, sale listings, sales, disposals of unsold items and the per-branch price tables.
 */
export class DisposalSchema1764000000400 implements MigrationInterface {
  name = 'DisposalSchema1764000000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    // Built only from cataloging's item events; `version` only moves forward.
    await queryRunner.query(`
      CREATE TABLE "${s}".item_view (
        item_id uuid PRIMARY KEY,
        barcode text,
        branch text NOT NULL,
        status text NOT NULL,
        version integer NOT NULL,
        record_id uuid,
        title text,
        creators text[] NOT NULL DEFAULT '{}',
        isbn text,
        issn text,
        publication_year integer,
        material_type text,
        collection text,
        call_number text,
        call_number_scheme text,
        shelf_key text COLLATE "C",
        checkout_count integer NOT NULL DEFAULT 0,
        last_circulated_at timestamptz,
        shelved_at timestamptz,
        conditions text[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Not unique: a read model takes what the system of record says, even mid-correction.
    await queryRunner.query(`CREATE INDEX item_view_barcode ON "${s}".item_view (barcode) WHERE barcode IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX item_view_branch_status ON "${s}".item_view (branch, status)`);
    await queryRunner.query(`CREATE INDEX item_view_record ON "${s}".item_view (record_id, branch)`);

    await queryRunner.query(`
      CREATE TABLE "${s}".weeding_rule_set (
        branch text PRIMARY KEY,
        rules jsonb NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE "${s}".weeding_run (
        id uuid PRIMARY KEY,
        branch text NOT NULL,
        ran_at timestamptz NOT NULL,
        ran_by text NOT NULL,
        rules jsonb NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX weeding_run_branch ON "${s}".weeding_run (branch, ran_at)`);

    await queryRunner.query(`
      CREATE TABLE "${s}".weeding_candidate (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES "${s}".weeding_run (id),
        position integer NOT NULL,
        item_id uuid NOT NULL,
        barcode text NOT NULL,
        branch text NOT NULL,
        title text NOT NULL,
        collection text,
        call_number text,
        call_number_scheme text,
        shelf_key text COLLATE "C",
        rule_index integer NOT NULL,
        rule jsonb NOT NULL,
        reasons text[] NOT NULL,
        status text NOT NULL CHECK (status IN ('proposed', 'approved', 'kept', 'pulled', 'not-found', 'withdrawn')),
        decided_by text,
        decided_at timestamptz,
        pulled_by text,
        pulled_at timestamptz,
        CONSTRAINT weeding_candidate_run_position UNIQUE (run_id, position)
      )`);
    // An item is proposed or approved in at most one open run at a time.
    await queryRunner.query(`CREATE UNIQUE INDEX weeding_candidate_open_item ON "${s}".weeding_candidate (item_id) WHERE status IN ('proposed', 'approved')`);
    await queryRunner.query(`CREATE INDEX weeding_candidate_pull_list ON "${s}".weeding_candidate (branch, call_number_scheme, shelf_key) WHERE status = 'approved'`);

    // One withdrawal per item: an item leaves the collection once (nothing brings it back).
    await queryRunner.query(`
      CREATE TABLE "${s}".withdrawal (
        id uuid PRIMARY KEY,
        item_id uuid NOT NULL UNIQUE,
        barcode text NOT NULL,
        branch text NOT NULL,
        title text,
        call_number text,
        reason text NOT NULL,
        source text NOT NULL CHECK (source IN ('librarian', 'weeding', 'conservation')),
        candidate_id uuid,
        repair_id uuid,
        note text,
        withdrawn_by text NOT NULL,
        withdrawn_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX withdrawal_branch_at ON "${s}".withdrawal (branch, withdrawn_at)`);

    await queryRunner.query(`
      CREATE TABLE "${s}".price_table (
        branch text PRIMARY KEY,
        prices jsonb NOT NULL,
        currency text NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE "${s}".listing (
        id uuid PRIMARY KEY,
        item_id uuid NOT NULL,
        barcode text NOT NULL,
        branch text NOT NULL,
        channel text NOT NULL,
        condition text NOT NULL,
        ex_library boolean NOT NULL,
        price numeric(12,2) NOT NULL,
        currency text NOT NULL,
        isbn text,
        title text NOT NULL,
        creators text[] NOT NULL,
        publication_year integer,
        status text NOT NULL CHECK (status IN ('active', 'sold', 'withdrawn', 'disposed')),
        listed_by text NOT NULL,
        listed_at timestamptz NOT NULL,
        closed_by text,
        closed_at timestamptz
      )`);
    // At most one live listing per item: active until sold, withdrawn or disposed; sold for ever.
    await queryRunner.query(`CREATE UNIQUE INDEX listing_live_item ON "${s}".listing (item_id) WHERE status IN ('active', 'sold')`);
    await queryRunner.query(`CREATE INDEX listing_branch_status ON "${s}".listing (branch, status, listed_at)`);
    await queryRunner.query(`CREATE INDEX listing_channel_status ON "${s}".listing (channel, status, listed_at)`);

    await queryRunner.query(`
      CREATE TABLE "${s}".sale (
        id uuid PRIMARY KEY,
        listing_id uuid NOT NULL UNIQUE REFERENCES "${s}".listing (id),
        item_id uuid NOT NULL,
        branch text NOT NULL,
        channel text NOT NULL,
        price numeric(12,2) NOT NULL,
        currency text NOT NULL,
        order_ref text NOT NULL,
        sold_at timestamptz NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX sale_branch_sold_at ON "${s}".sale (branch, sold_at)`);

    await queryRunner.query(`
      CREATE TABLE "${s}".item_disposal (
        id uuid PRIMARY KEY,
        item_id uuid NOT NULL UNIQUE,
        withdrawal_id uuid REFERENCES "${s}".withdrawal (id),
        listing_id uuid REFERENCES "${s}".listing (id),
        branch text NOT NULL,
        method text NOT NULL CHECK (method IN ('donate', 'recycle')),
        disposed_by text NOT NULL,
        disposed_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['item_disposal', 'sale', 'listing', 'price_table', 'withdrawal', 'weeding_candidate', 'weeding_run', 'weeding_rule_set', 'item_view']) {
      await queryRunner.query(`DROP TABLE "${s}".${table}`);
    }
  }
}
