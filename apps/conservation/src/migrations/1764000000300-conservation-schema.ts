import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@app/messaging';

/**
 * Conservation's own tables: its read model of items (fed by cataloging's events, never by reading
 * cataloging's tables), pull requests, repair work orders, bindery vendors, lots and their lines.
 */
export class ConservationSchema1764000000300 implements MigrationInterface {
  name = 'ConservationSchema1764000000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${s}".item_view (
        id uuid PRIMARY KEY,
        barcode text,
        branch text NOT NULL,
        status text NOT NULL,
        version integer NOT NULL,
        record_id uuid NOT NULL,
        title text NOT NULL,
        creators text[] NOT NULL DEFAULT '{}',
        material_type text NOT NULL,
        collection text,
        call_number text,
        call_number_scheme text,
        shelf_key text COLLATE "C",
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX item_view_barcode ON "${s}".item_view (barcode) WHERE barcode IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE "${s}".pull_request (
        id uuid PRIMARY KEY,
        item_id uuid NOT NULL REFERENCES "${s}".item_view (id),
        barcode text NOT NULL,
        branch text NOT NULL,
        reason text NOT NULL CHECK (reason IN ('repair', 'binding')),
        damage text,
        note text,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pulled', 'not-found', 'cancelled')),
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        closed_by text,
        closed_at timestamptz,
        item_version_at_close integer,
        CHECK ((status = 'open') = (closed_at IS NULL))
      )`);
    // One open request per item, whatever two technicians do at the same moment.
    await queryRunner.query(`CREATE UNIQUE INDEX pull_request_one_open ON "${s}".pull_request (item_id) WHERE status = 'open'`);
    await queryRunner.query(`CREATE INDEX pull_request_open_by_branch ON "${s}".pull_request (branch, reason) WHERE status = 'open'`);
    await queryRunner.query(`CREATE INDEX pull_request_item ON "${s}".pull_request (item_id, closed_at)`);

    await queryRunner.query(`
      CREATE TABLE "${s}".repair (
        id uuid PRIMARY KEY,
        pull_request_id uuid NOT NULL UNIQUE REFERENCES "${s}".pull_request (id),
        item_id uuid NOT NULL REFERENCES "${s}".item_view (id),
        barcode text NOT NULL,
        branch text NOT NULL,
        damage text,
        note text,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed')),
        opened_by text NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        treatment text,
        minutes integer CHECK (minutes >= 0),
        outcome text CHECK (outcome IN ('repaired', 'bindery', 'condemned')),
        completion_note text,
        completed_by text,
        completed_at timestamptz,
        CHECK ((status = 'completed') = (outcome IS NOT NULL AND treatment IS NOT NULL AND completed_at IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX repair_branch_status ON "${s}".repair (branch, status, opened_at)`);

    await queryRunner.query(`
      CREATE TABLE "${s}".vendor (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        partner_id text NOT NULL,
        turnaround_days integer NOT NULL CHECK (turnaround_days > 0),
        webhook_url text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT vendor_partner_id_key UNIQUE (partner_id)
      )`);

    // Lot numbers are <branch>-<yyyymmdd>-<n>; the counter makes n safe under concurrent creation.
    await queryRunner.query(`
      CREATE TABLE "${s}".lot_sequence (
        branch text NOT NULL,
        day date NOT NULL,
        last integer NOT NULL,
        PRIMARY KEY (branch, day)
      )`);

    await queryRunner.query(`
      CREATE TABLE "${s}".bindery_shipment (
        id uuid PRIMARY KEY,
        lot_number text NOT NULL UNIQUE,
        vendor_id uuid NOT NULL REFERENCES "${s}".vendor (id),
        branch text NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dispatched', 'returned')),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        dispatched_by text,
        dispatched_at timestamptz,
        expected_return_at timestamptz,
        returned_at timestamptz,
        acknowledged_by text,
        acknowledged_at timestamptz,
        CHECK ((status = 'open') = (dispatched_at IS NULL)),
        CHECK ((status = 'returned') = (returned_at IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX bindery_shipment_branch ON "${s}".bindery_shipment (branch, status, created_at)`);
    await queryRunner.query(`CREATE INDEX bindery_shipment_vendor ON "${s}".bindery_shipment (vendor_id, status)`);

    await queryRunner.query(`
      CREATE TABLE "${s}".bindery_line (
        shipment_id uuid NOT NULL REFERENCES "${s}".bindery_shipment (id),
        line_no integer NOT NULL CHECK (line_no >= 1),
        item_id uuid NOT NULL REFERENCES "${s}".item_view (id),
        barcode text NOT NULL,
        call_number text,
        title text NOT NULL,
        binding_style text NOT NULL,
        leaf_attachment text NOT NULL,
        cloth_color text NOT NULL,
        foil_color text NOT NULL,
        spine_lettering text[] NOT NULL,
        instructions text,
        added_by text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now(),
        returned_by text,
        returned_at timestamptz,
        PRIMARY KEY (shipment_id, line_no),
        CONSTRAINT bindery_line_item_in_lot UNIQUE (shipment_id, item_id)
      )`);
    // An item is in at most one lot until it comes back (open lots and dispatched ones alike).
    await queryRunner.query(`CREATE UNIQUE INDEX bindery_line_item_out ON "${s}".bindery_line (item_id) WHERE returned_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['bindery_line', 'bindery_shipment', 'lot_sequence', 'vendor', 'repair', 'pull_request', 'item_view']) {
      await queryRunner.query(`DROP TABLE "${s}".${table}`);
    }
  }
}
