import { Client } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { ensureDatabaseAndSchema, MAX_PREPARED_PER_CONNECTION, prepared, PreparingClient } from '@app/platform';
import { DATABASE_URL, TestRun } from '../../../test/support/test-run';

describe('PreparingClient: the statements marked prepared() are prepared on each connection, with the same results', () => {
  const run = new TestRun();
  const schema = `t_${run.id}_prepare`;
  let dataSource: DataSource;

  /** Statement texts prepared on the one connection (the pool holds one). */
  const preparedTexts = async (): Promise<string[]> =>
    (await dataSource.query(`SELECT statement FROM pg_prepared_statements WHERE NOT from_sql ORDER BY statement`)).map((row: { statement: string }) => row.statement);

  beforeAll(async () => {
    await ensureDatabaseAndSchema(DATABASE_URL, schema);
    dataSource = new DataSource({
      type: 'postgres', url: DATABASE_URL, schema, extra: { max: 1, options: `-c search_path=${schema}`, Client: PreparingClient },
    });
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE shelf (id integer PRIMARY KEY, title text NOT NULL)`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await run.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('prepares a marked statement on its first use and answers each call with its own values; an unmarked one stays unnamed', async () => {
    const marked = 'SELECT $1::integer * 2 AS doubled';
    const unmarked = 'SELECT $1::integer * 3 AS tripled';
    const answers: number[] = [];
    for (let n = 1; n <= 5; n++) {
      answers.push((await dataSource.query(prepared(marked), [n]))[0].doubled);
      await dataSource.query(unmarked, [n]);
    }
    expect(answers).toEqual([2, 4, 6, 8, 10]);
    const names = await preparedTexts();
    expect(names).toContain(marked);
    expect(names).not.toContain(unmarked);
  });

  it('never names a text without parameters, marked or not: several statements in one string still run', async () => {
    const text = prepared(`INSERT INTO shelf VALUES (100, 'a'); INSERT INTO shelf VALUES (101, 'b'); SELECT count(*)::int AS n FROM shelf WHERE id >= 100`);
    // TypeORM answers only single results; the outbox relay sends such strings on the pg client itself.
    const runner = dataSource.createQueryRunner();
    const client = (await runner.connect()) as Client;
    try {
      for (let i = 0; i < 3; i++) {
        await client.query(`DELETE FROM shelf WHERE id >= 100`);
        const results = (await client.query(text)) as unknown as Array<{ rows: Array<{ n: number }> }>;
        expect(results.at(-1)!.rows[0].n).toBe(2);
      }
      const named = await client.query(`SELECT statement FROM pg_prepared_statements WHERE statement = $1`, [text]);
      expect(named.rows).toEqual([]);
    } finally {
      await runner.release();
    }
  });

  it('keeps a prepared statement working after it failed, inside a rolled-back transaction, and after the table changed', async () => {
    const insert = prepared('INSERT INTO shelf (id, title) VALUES ($1, $2)');
    for (let id = 1; id <= 3; id++) await dataSource.query(insert, [id, `title ${id}`]);
    expect(await preparedTexts()).toContain(insert);

    // An error from PostgreSQL still reaches the caller as TypeORM's QueryFailedError, with the driver's code.
    const duplicate = await dataSource.query(insert, [1, 'again']).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(QueryFailedError);
    expect((duplicate as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('23505');

    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query(insert, [50, 'rolled back']);
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    await dataSource.query(insert, [51, 'after the rollback']);

    await dataSource.query(`ALTER TABLE shelf ADD COLUMN shelved boolean NOT NULL DEFAULT false`);
    await dataSource.query(insert, [52, 'after the change']);
    const rows = await dataSource.query(`SELECT id, title, shelved FROM shelf WHERE id = ANY($1::int[]) ORDER BY id`, [[1, 50, 51, 52]]);
    expect(rows).toEqual([
      { id: 1, title: 'title 1', shelved: false },
      { id: 51, title: 'after the rollback', shelved: false },
      { id: 52, title: 'after the change', shelved: false },
    ]);
  });

  it(`prepares at most ${MAX_PREPARED_PER_CONNECTION} statements per connection; the others still run, unnamed`, async () => {
    const texts = Array.from({ length: MAX_PREPARED_PER_CONNECTION + 5 }, (_, i) => prepared(`SELECT $1::integer + ${i} AS n`));
    for (const [i, text] of texts.entries()) {
      for (let use = 0; use < 2; use++) expect((await dataSource.query(text, [1]))[0].n).toBe(1 + i);
    }
    const names = await preparedTexts();
    expect(names.length).toBe(MAX_PREPARED_PER_CONNECTION);
    expect(names).not.toContain(texts.at(-1));
  });
});
