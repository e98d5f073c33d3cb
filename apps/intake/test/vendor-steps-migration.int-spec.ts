import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MessagingTables1764000000000 } from '@app/messaging';
import { ensureDatabaseAndSchema } from '@app/platform';
import { IntakeSchema1764000000100 } from '../src/migrations/1764000000100-intake-schema';
import { VendorStepsOnItem1764000000110 } from '../src/migrations/1764000000110-vendor-steps-on-item';
import { DATABASE_URL, TestRun } from '../../../test/support/test-run';

describe('migration: vendor steps move onto the item', () => {
  const run = new TestRun();
  const schema = `t_${run.id}_vendor_steps`;
  const sources: DataSource[] = [];
  const shipmentId = randomUUID();
  const prelabelled = randomUUID();
  const plain = randomUUID();

  const migrated = async (migrations: Function[]) => {
    const dataSource = new DataSource({
      type: 'postgres', url: DATABASE_URL, schema, migrations, migrationsTableName: 'migrations',
      extra: { max: 1, options: `-c search_path=${schema}` },
    });
    sources.push(dataSource);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    return dataSource;
  };
  const rows = (sql: string) => run.query(sql.replaceAll('$schema', `"${schema}"`));

  beforeAll(async () => {
    await ensureDatabaseAndSchema(DATABASE_URL, schema);
    // Data as the schema before this migration held it: vendor steps as step rows of source `vendor`.
    await migrated([MessagingTables1764000000000, IntakeSchema1764000000100]);
    await rows(`
      INSERT INTO $schema.shipment (id, supplier, branch, received_by, received_at, item_count)
           VALUES ('${shipmentId}', 'Midwest', 'CEN', 'tech-rita', '2026-11-20T09:00:00Z', 2);
      INSERT INTO $schema.item (id, barcode, shipment_id, line, branch, material_type, title, required_steps, pending_steps, created_at)
           VALUES ('${prelabelled}', '31234000000017', '${shipmentId}', 0, 'CEN', 'book', 'A', '{spine-label,cover,security-tag,stamp}', '{}', '2026-11-20T09:00:00Z'),
                  ('${plain}', '31234000000025', '${shipmentId}', 1, 'CEN', 'book', 'B', '{spine-label,cover,security-tag,stamp}', '{cover,stamp}', '2026-11-20T09:00:00Z');
      INSERT INTO $schema.processing_step (item_id, step, recorded_by, recorded_at, source)
           VALUES ('${prelabelled}', 'security-tag', 'tech-rita', '2026-11-20T09:00:00Z', 'vendor'),
                  ('${prelabelled}', 'spine-label', 'tech-rita', '2026-11-20T09:00:00Z', 'vendor'),
                  ('${prelabelled}', 'cover', 'tech-rita', '2026-11-20T09:00:00Z', 'vendor'),
                  ('${prelabelled}', 'stamp', 'tech-tom', '2026-11-21T10:00:00Z', 'technician'),
                  ('${plain}', 'spine-label', 'tech-tom', '2026-11-21T10:00:00Z', 'technician');`);
  });
  afterAll(async () => {
    for (const dataSource of sources) await dataSource.destroy().catch(() => undefined);
    await run.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it("moves each item's vendor steps onto it in profile order, with who received it; technicians' steps stay; and back again", async () => {
    const dataSource = await migrated([MessagingTables1764000000000, IntakeSchema1764000000100, VendorStepsOnItem1764000000110]);
    expect(await rows(`SELECT id, vendor_steps, received_by FROM $schema.item ORDER BY line`)).toEqual([
      { id: prelabelled, vendor_steps: ['spine-label', 'cover', 'security-tag'], received_by: 'tech-rita' },
      { id: plain, vendor_steps: [], received_by: 'tech-rita' },
    ]);
    expect(await rows(`SELECT * FROM $schema.processing_step ORDER BY step`)).toEqual([
      { item_id: plain, step: 'spine-label', recorded_by: 'tech-tom', recorded_at: new Date('2026-11-21T10:00:00Z') },
      { item_id: prelabelled, step: 'stamp', recorded_by: 'tech-tom', recorded_at: new Date('2026-11-21T10:00:00Z') },
    ]);

    await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await rows(`SELECT item_id, step, recorded_by, recorded_at, source FROM $schema.processing_step WHERE item_id = '${prelabelled}' ORDER BY step`)).toEqual([
      { item_id: prelabelled, step: 'cover', recorded_by: 'tech-rita', recorded_at: new Date('2026-11-20T09:00:00Z'), source: 'vendor' },
      { item_id: prelabelled, step: 'security-tag', recorded_by: 'tech-rita', recorded_at: new Date('2026-11-20T09:00:00Z'), source: 'vendor' },
      { item_id: prelabelled, step: 'spine-label', recorded_by: 'tech-rita', recorded_at: new Date('2026-11-20T09:00:00Z'), source: 'vendor' },
      { item_id: prelabelled, step: 'stamp', recorded_by: 'tech-tom', recorded_at: new Date('2026-11-21T10:00:00Z'), source: 'technician' },
    ]);
    expect(await rows(`SELECT column_name FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = 'item' AND column_name IN ('vendor_steps', 'received_by')`)).toEqual([]);
  });
});
