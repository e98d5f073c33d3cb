import { randomUUID } from 'node:crypto';
import { Column, CreateDateColumn, DataSource, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ensureDatabaseAndSchema, insertEntities } from '@app/platform';
import { DATABASE_URL, TestRun } from '../../../test/support/test-run';

@Entity({ name: 'sample_row' })
class SampleRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { nullable: true }) title!: string | null;
  @Column('integer', { name: 'copy_count', default: 1 }) copyCount!: number;
  @Column('numeric', { precision: 12, scale: 2, nullable: true }) price!: string | null;
  @Column({ type: 'char', length: 3, nullable: true }) currency!: string | null;
  @Column('text', { array: true, default: () => `'{}'` }) tags!: string[];
  @Column('boolean', { default: false }) done!: boolean;
  @Column('timestamptz', { name: 'seen_at', nullable: true }) seenAt!: Date | null;
  @Column({ type: 'text', name: 'sort_key', nullable: true, collation: 'C' }) sortKey!: string | null;
  @Column('jsonb', { nullable: true }) rule!: object | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'sample_log' })
class SampleLog {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('text') note!: string;
}

const TABLES = `
  CREATE TABLE sample_row (
    id uuid PRIMARY KEY, title text, copy_count integer NOT NULL DEFAULT 1, price numeric(12,2), currency char(3),
    tags text[] NOT NULL DEFAULT '{}', done boolean NOT NULL DEFAULT false, seen_at timestamptz, sort_key text COLLATE "C",
    rule jsonb, created_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE sample_log (id bigserial PRIMARY KEY, note text NOT NULL);`;

describe('insertEntities: one statement, the same rows as TypeORM would write', () => {
  const run = new TestRun();
  const schema = `t_${run.id}_insert`;
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabaseAndSchema(DATABASE_URL, schema);
    dataSource = new DataSource({
      type: 'postgres', url: DATABASE_URL, schema, entities: [SampleRow, SampleLog], extra: { options: `-c search_path=${schema}` },
    });
    await dataSource.initialize();
    await dataSource.query(TABLES);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await run.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  const rowsOf = (ids: string[]) =>
    dataSource.query(
      `SELECT title, copy_count, price, currency, tags, done, seen_at, sort_key, rule, created_at IS NOT NULL AS stamped
         FROM sample_row WHERE id = ANY($1) ORDER BY array_position($1, id)`,
      [ids],
    );

  it('writes every kind of column alike, and a property left undefined takes its default', async () => {
    const make = (): SampleRow[] => [
      Object.assign(new SampleRow(), {
        id: randomUUID(), title: 'Dune', copyCount: 3, price: '24.95', currency: 'USD', tags: ['a', 'b c', 'd"e'], done: true,
        seenAt: new Date('2026-01-02T03:04:05.678Z'), sortKey: 'QA 0076', rule: { maxAgeYears: 10, reasons: ['worn'], nested: { on: true } },
      }),
      Object.assign(new SampleRow(), { id: randomUUID(), title: null, price: null, currency: null, seenAt: null, sortKey: null, tags: [] }),
      Object.assign(new SampleRow(), { id: randomUUID(), title: "O'Brien \\ \u00e9", price: '0.50' }),
    ];
    const ours = make();
    const typeorms = make();
    await insertEntities(dataSource.manager, SampleRow, ours);
    await dataSource.manager.insert(SampleRow, typeorms);

    const written = await rowsOf(ours.map((row) => row.id));
    expect(written).toEqual(await rowsOf(typeorms.map((row) => row.id)));
    expect(written[0]).toMatchObject({ rule: { maxAgeYears: 10, reasons: ['worn'], nested: { on: true } }, currency: 'USD', price: '24.95', tags: ['a', 'b c', 'd"e'], seen_at: new Date('2026-01-02T03:04:05.678Z') });
    expect(written[2]).toMatchObject({ copy_count: 1, done: false, tags: [], currency: null, stamped: true });
  });

  it('fills a generated key, inserts nothing for no entities, and writes all of a large batch', async () => {
    await insertEntities(dataSource.manager, SampleLog, []);
    const notes = Array.from({ length: 5_000 }, (_, i) => Object.assign(new SampleLog(), { note: `note ${i}` }));
    await insertEntities(dataSource.manager, SampleLog, notes);
    const [{ count, distinct }] = await dataSource.query(`SELECT count(*)::int AS count, count(DISTINCT id)::int AS distinct FROM sample_log`);
    expect({ count, distinct }).toEqual({ count: 5_000, distinct: 5_000 });
  });

  it('joins the caller’s transaction: rolled back with it', async () => {
    const id = randomUUID();
    await expect(
      dataSource.transaction(async (manager) => {
        await insertEntities(manager, SampleRow, [Object.assign(new SampleRow(), { id, title: 'gone' })]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await rowsOf([id])).toEqual([]);
  });
});
