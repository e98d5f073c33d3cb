import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { ensureDatabaseAndSchema, runMigrationsExclusively } from '@app/platform';
import { DATABASE_URL, TestRun } from '../../../test/support/test-run';

/** A slow first migration: both replicas see it pending before either commits, unless they take turns. */
class CreateShelves1700000000001 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE shelf (id integer PRIMARY KEY, label text NOT NULL)');
    await runner.query('SELECT pg_sleep(0.4)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE shelf');
  }
}

class AddShelfRow1700000000002 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`INSERT INTO shelf (id, label) VALUES (1, 'first')`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DELETE FROM shelf WHERE id = 1');
  }
}

describe('migrations on start: replicas starting together take turns', () => {
  const run = new TestRun();
  const schema = `t_${run.id}_migrate`;
  const replicas: DataSource[] = [];

  const replica = async () => {
    const dataSource = new DataSource({
      type: 'postgres', url: DATABASE_URL, schema, migrations: [CreateShelves1700000000001, AddShelfRow1700000000002],
      migrationsTableName: 'migrations', extra: { max: 3, options: `-c search_path=${schema}` },
    });
    replicas.push(dataSource);
    return dataSource.initialize();
  };

  beforeAll(() => ensureDatabaseAndSchema(DATABASE_URL, schema));
  afterAll(async () => {
    for (const dataSource of replicas) await dataSource.destroy().catch(() => undefined);
    await run.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('three replicas migrating a fresh schema at once: each migration runs once, every replica starts', async () => {
    const sources = await Promise.all([replica(), replica(), replica()]);
    const applied = await Promise.all(sources.map((dataSource) => runMigrationsExclusively(dataSource, schema)));

    // One replica ran both; the others waited and found nothing pending.
    expect(applied.map((migrations) => migrations.length).sort()).toEqual([0, 0, 2]);
    const rows = await sources[0].query(`SELECT name FROM migrations ORDER BY id`);
    expect(rows.map((row: { name: string }) => row.name)).toEqual(['CreateShelves1700000000001', 'AddShelfRow1700000000002']);
    expect(await sources[0].query('SELECT id, label FROM shelf')).toEqual([{ id: 1, label: 'first' }]);
    // The lock is given back: a later start finds the lock free and nothing to do.
    expect(await runMigrationsExclusively(await replica(), schema)).toEqual([]);
  });
});
