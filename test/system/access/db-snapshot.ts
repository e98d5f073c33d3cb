import { eventually } from '../../support/test-run';
import { SystemHarness } from '../support/system-harness';
import { SERVICES } from './openapi';

/**
 * What every service has stored: per table its row count and a digest of its rows, and each
 * catalog item's version. Two equal snapshots mean nothing changed — no row added, removed or
 * altered, no event written to an outbox.
 */
export interface DatabaseSnapshot {
  tables: Record<string, { rows: number; digest: string }>;
  itemVersions: Record<string, number>;
}

export async function snapshotDatabases(system: SystemHarness): Promise<DatabaseSnapshot> {
  const schemas = SERVICES.map((service) => system.run.schemaFor(service));
  const tables = await system.run.query<{ table_schema: string; table_name: string }>(
    `SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_schema = ANY($1::text[]) AND table_type = 'BASE TABLE' ORDER BY table_schema, table_name`,
    [schemas],
  );
  if (tables.length === 0) throw new Error(`no tables found in ${schemas.join(', ')}`);
  const counted = await system.run.query<{ name: string; rows: number; digest: string | null }>(
    tables
      .map(({ table_schema: s, table_name: t }) =>
        `SELECT '${s}.${t}' AS name, count(*)::int AS rows, md5(string_agg(r::text, '|' ORDER BY r::text)) AS digest FROM "${s}"."${t}" r`)
      .join(' UNION ALL '),
  );
  const versions = await system.run.query<{ id: string; version: number }>(`SELECT id, version FROM "${system.run.schemaFor('cataloging')}".catalog_item ORDER BY id`);
  return {
    tables: Object.fromEntries(counted.map((row) => [row.name, { rows: row.rows, digest: row.digest ?? 'empty' }])),
    itemVersions: Object.fromEntries(versions.map((row) => [row.id, row.version])),
  };
}

/** Waits until every outbox is drained, every service queue is empty and two snapshots a moment apart agree. */
export async function settledSnapshot(system: SystemHarness): Promise<DatabaseSnapshot> {
  return eventually(async () => {
    for (const service of SERVICES) {
      const [{ pending }] = await system.run.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM "${system.run.schemaFor(service)}".outbox_message WHERE published_at IS NULL`,
      );
      if (pending > 0) throw new Error(`${service} has ${pending} unpublished events`);
      const waiting = await system.run.messageCount(system.run.queues(service).main);
      if (waiting > 0) throw new Error(`${service} has ${waiting} messages waiting`);
    }
    const first = await snapshotDatabases(system);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = await snapshotDatabases(system);
    if (JSON.stringify(first) !== JSON.stringify(second)) throw new Error('the databases are still changing');
    return second;
  }, 60_000, 250);
}

/** The tables whose count or content differ, and the items whose version moved: empty when nothing changed. */
export function snapshotChanges(before: DatabaseSnapshot, after: DatabaseSnapshot): string[] {
  const changes: string[] = [];
  for (const name of new Set([...Object.keys(before.tables), ...Object.keys(after.tables)])) {
    const [b, a] = [before.tables[name], after.tables[name]];
    if (!b || !a) changes.push(`${name}: table ${b ? 'dropped' : 'created'}`);
    else if (b.rows !== a.rows) changes.push(`${name}: ${b.rows} rows before, ${a.rows} after`);
    else if (b.digest !== a.digest) changes.push(`${name}: same ${a.rows} rows, but their content changed`);
  }
  for (const id of new Set([...Object.keys(before.itemVersions), ...Object.keys(after.itemVersions)])) {
    if (before.itemVersions[id] !== after.itemVersions[id]) changes.push(`item ${id}: version ${before.itemVersions[id]} before, ${after.itemVersions[id]} after`);
  }
  return changes;
}
