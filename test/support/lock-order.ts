import { Client } from 'pg';
import { DATABASE_URL, eventually } from './test-run';

/**
 * Shows that `write` locks the rows it changes in id order, the order every multi-row writer of the
 * project takes them in (a cart, a bindery lot, a consumer's batch). Another transaction holds the
 * row with the lowest id; the write must then wait on that row while holding none of the others, so
 * the holder can still take all of them at once (NOWAIT). A write that had locked a higher row before
 * waiting would make the holder fail here, where in production the two would deadlock.
 */
export async function expectLocksInIdOrder(table: string, idColumn: string, ids: readonly string[], write: () => Promise<unknown>): Promise<void> {
  const holder = new Client({ connectionString: DATABASE_URL });
  await holder.connect();
  let writing: Promise<unknown> | undefined;
  try {
    const sorted = (await holder.query<{ id: string }>(`SELECT ${idColumn} AS id FROM ${table} WHERE ${idColumn} = ANY($1::uuid[]) ORDER BY ${idColumn}`, [ids])).rows.map(
      (row) => row.id,
    );
    expect(sorted).toHaveLength(ids.length);
    const [lowest, ...others] = sorted;
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM ${table} WHERE ${idColumn} = $1 FOR UPDATE`, [lowest]);
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

    writing = write();
    writing.catch(() => undefined); // awaited below; a failure must not go unhandled while we wait
    await eventually(async () => {
      const [{ waiting }] = (await holder.query<{ waiting: number }>(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, [holderPid])).rows;
      expect(waiting).toBe(1);
    });
    const taken = await holder
      .query(`SELECT 1 FROM ${table} WHERE ${idColumn} = ANY($1::uuid[]) FOR UPDATE NOWAIT`, [others])
      .then(() => 'every other row')
      .catch((error: Error) => `not all: ${error.message}`);
    expect(taken).toBe('every other row');
    await holder.query('COMMIT');
    await writing;
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    await writing?.catch(() => undefined);
    await holder.end();
  }
}
