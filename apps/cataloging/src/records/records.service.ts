import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { Isbn, Issn, ItemStatus } from '@app/contracts';
import { Page, prepared, toPage } from '@app/platform';
import { escapeLike, SqlConditions } from '../common/sql-conditions';
import { ITEM_ROW_FROM, ItemRow, toItemView } from '../items/item.view';
import { BibRecord } from './bib-record.entity';
import { RecordSearchQuery } from './record-search.query';
import { ItemCountsView, RecordDetailView, RecordView } from './record.view';

export interface BibliographicData {
  title: string;
  creators: string[];
  isbn: string | null;
  issn: string | null;
  publisher: string | null;
  publicationYear: number | null;
}

interface RecordRow {
  id: string;
  title: string;
  creators: string[];
  isbn: string | null;
  issn: string | null;
  publisher: string | null;
  publication_year: number | null;
}

@Injectable()
export class RecordsService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The record each received copy belongs to: a copy whose ISBN (else ISSN) matches an existing record
   * joins it; otherwise — and always without identifiers — a new record is created, which later
   * copies of the same batch then join. Identifiers are normalised first (ISBN-10 → ISBN-13), so both
   * spellings of one book meet on one record. One query finds, one inserts, for the whole batch.
   */
  async matchOrCreate(manager: EntityManager, copies: readonly BibliographicData[]): Promise<BibRecord[]> {
    const wanted = copies.map((data) => ({
      data,
      isbn: data.isbn ? Isbn.parse(data.isbn).value : null,
      issn: data.issn ? Issn.parse(data.issn).value : null,
    }));
    const byIsbn = new Map<string, BibRecord>();
    const byIssn = new Map<string, BibRecord>();
    const remember = (record: BibRecord) => {
      if (record.isbn) byIsbn.set(record.isbn, record);
      if (record.issn) byIssn.set(record.issn, record);
    };
    (await this.findByIdentifiers(manager, wanted)).forEach(remember);

    const created: BibRecord[] = [];
    const learnedIsbn: BibRecord[] = [];
    const matched = wanted.map(({ data, isbn, issn }) => {
      const existing = (isbn && byIsbn.get(isbn)) || (issn && byIssn.get(issn)) || null;
      if (existing) {
        // A serial record matched by ISSN learns the ISBN it lacked; never overwrite a different one.
        if (isbn && !existing.isbn && existing.issn === issn) {
          existing.isbn = isbn;
          learnedIsbn.push(existing);
          remember(existing);
        }
        return existing;
      }
      const record = manager.create(BibRecord, {
        id: randomUUID(), title: data.title, creators: data.creators, isbn, issn, publisher: data.publisher, publicationYear: data.publicationYear,
      });
      created.push(record);
      remember(record);
      return record;
    });

    if (learnedIsbn.length > 0) {
      await manager.query(
        `UPDATE bib_record r SET isbn = f.isbn FROM jsonb_to_recordset($1::jsonb) AS f(id uuid, isbn text) WHERE r.id = f.id`,
        [JSON.stringify(learnedIsbn.map(({ id, isbn }) => ({ id, isbn })))],
      );
    }
    if (created.length === 0) return matched;
    // Another consumer may create the same ISBN at the same moment: insert-or-nothing, then read back.
    const inserted: { id: string }[] = await manager.query(
      prepared(`INSERT INTO bib_record (id, title, creators, isbn, issn, publisher, publication_year)
       SELECT f.id, f.title, f.creators, f.isbn, f.issn, f.publisher, f.publication_year
         FROM jsonb_to_recordset($1::jsonb) AS f(id uuid, title text, creators text[], isbn text, issn text, publisher text, publication_year integer)
       ON CONFLICT DO NOTHING RETURNING id`),
      [JSON.stringify(created.map((r) => ({ id: r.id, title: r.title, creators: r.creators, isbn: r.isbn, issn: r.issn, publisher: r.publisher, publication_year: r.publicationYear })))],
    );
    if (inserted.length === created.length) return matched;
    const insertedIds = new Set(inserted.map((row) => row.id));
    const raced = new Set(created.filter((record) => !insertedIds.has(record.id)));
    const winners = await this.findByIdentifiers(manager, [...raced]);
    return matched.map((record) => {
      if (!raced.has(record)) return record;
      const winner = winners.find((w) => record.isbn && w.isbn === record.isbn) ?? winners.find((w) => record.issn && w.issn === record.issn);
      if (!winner) throw new Error(`record for ISBN ${record.isbn ?? '-'} / ISSN ${record.issn ?? '-'} neither inserted nor found`);
      return winner;
    });
  }

  private async findByIdentifiers(manager: EntityManager, wanted: readonly { isbn: string | null; issn: string | null }[]): Promise<BibRecord[]> {
    const isbns = [...new Set(wanted.flatMap((w) => (w.isbn ? [w.isbn] : [])))];
    const issns = [...new Set(wanted.flatMap((w) => (w.issn ? [w.issn] : [])))];
    if (isbns.length === 0 && issns.length === 0) return [];
    // Plain SQL: TypeORM's find built its statement for longer than PostgreSQL took to answer it. The
    // identifiers are bpchar like the columns, so their unique indexes serve the lookup.
    const rows: RecordRow[] = await manager.query(
      `SELECT id, title, creators, isbn, issn, publisher, publication_year FROM bib_record
        WHERE isbn = ANY($1::bpchar[]) OR issn = ANY($2::bpchar[])`,
      [isbns, issns],
    );
    return rows.map((row) =>
      manager.create(BibRecord, {
        id: row.id, title: row.title, creators: row.creators, isbn: row.isbn, issn: row.issn, publisher: row.publisher, publicationYear: row.publication_year,
      }),
    );
  }

  /** `GET /records`: records by ISBN, ISSN or title, each with its item counts in the caller's branches. */
  async search(query: RecordSearchQuery, user: AuthenticatedUser): Promise<Page<RecordView>> {
    const sql = new SqlConditions();
    if (query.isbn) sql.and(`r.isbn = ${sql.param(Isbn.parse(query.isbn).value)}`);
    if (query.issn) sql.and(`r.issn = ${sql.param(Issn.parse(query.issn).value)}`);
    if (query.title) sql.and(`r.title ILIKE ${sql.param(`%${escapeLike(query.title)}%`)}`);
    const from = `FROM bib_record r ${sql.where}`;
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `SELECT r.id, r.title, r.creators, r.isbn, r.issn, r.publisher, r.publication_year ${from}
         ORDER BY lower(r.title), r.id LIMIT ${sql.param(query.limit)} OFFSET ${sql.param(query.offset)}`,
        sql.params,
      ) as Promise<RecordRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS total ${from}`, sql.params.slice(0, -2)) as Promise<{ total: number }[]>,
    ]);
    const counts = await this.itemCounts(rows.map((r) => r.id), user);
    return toPage(
      rows.map((row) => ({ ...toRecordView(row), itemCounts: counts.get(row.id) ?? emptyCounts() })),
      query,
      total,
    );
  }

  /** `GET /records/:id`: the record with its items in the caller's branches. */
  async get(id: string, user: AuthenticatedUser): Promise<RecordDetailView> {
    const [row]: RecordRow[] = await this.dataSource.query(
      `SELECT id, title, creators, isbn, issn, publisher, publication_year FROM bib_record WHERE id = $1`,
      [id],
    );
    if (!row) throw new NotFoundException(`record ${id} not found`);
    const sql = new SqlConditions();
    sql.and(`i.record_id = ${sql.param(id)}`);
    const branches = user.branchFilter();
    if (branches) sql.and(`i.branch = ANY(${sql.param(branches)})`);
    const items: ItemRow[] = await this.dataSource.query(`${ITEM_ROW_FROM} ${sql.where} ORDER BY i.branch, i.barcode, i.id`, sql.params);
    const counts = (await this.itemCounts([id], user)).get(id) ?? emptyCounts();
    return { ...toRecordView(row), itemCounts: counts, items: items.map(toItemView) };
  }

  private async itemCounts(recordIds: string[], user: AuthenticatedUser): Promise<Map<string, ItemCountsView>> {
    const result = new Map<string, ItemCountsView>();
    if (recordIds.length === 0) return result;
    const sql = new SqlConditions();
    sql.and(`record_id = ANY(${sql.param(recordIds)})`);
    const branches = user.branchFilter();
    if (branches) sql.and(`branch = ANY(${sql.param(branches)})`);
    const rows: { record_id: string; status: ItemStatus; n: number }[] = await this.dataSource.query(
      `SELECT record_id, status, count(*)::int AS n FROM catalog_item ${sql.where} GROUP BY record_id, status`,
      sql.params,
    );
    for (const row of rows) {
      const counts = result.get(row.record_id) ?? emptyCounts();
      counts.total += row.n;
      counts.byStatus[row.status] = row.n;
      result.set(row.record_id, counts);
    }
    return result;
  }
}

function emptyCounts(): ItemCountsView {
  return { total: 0, byStatus: {} };
}

function toRecordView(row: RecordRow): Omit<RecordView, 'itemCounts'> {
  return {
    id: row.id,
    title: row.title,
    creators: row.creators,
    isbn: row.isbn,
    issn: row.issn,
    publisher: row.publisher,
    publicationYear: row.publication_year,
  };
}
