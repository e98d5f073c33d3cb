import { DataSource, Migration } from 'typeorm';

/**
 * Runs the pending migrations while holding a PostgreSQL advisory lock named after the schema.
 * Replicas that start together (a rollout, an autoscaler) take turns: the first migrates, the others
 * wait, then find nothing left to do. TypeORM's own `migrationsRun` takes no lock, so two of them can
 * both see a migration pending and both run it, one failing half-way.
 */
export async function runMigrationsExclusively(dataSource: DataSource, schema: string): Promise<Migration[]> {
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  const lockName = `migrations:${schema}`;
  try {
    // A session lock on a connection of its own: the migrations run on others, each in its transaction.
    await lockHolder.query('SELECT pg_advisory_lock(hashtext($1))', [lockName]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lockHolder.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]).catch(() => undefined);
    await lockHolder.release();
  }
}
