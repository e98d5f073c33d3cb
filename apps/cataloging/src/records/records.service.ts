import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { Isbn, Issn, ItemStatus } from '@app/contracts';
import { Page, toPage } from '@app/platform';
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
   * The record a received copy belongs to: a copy whose ISBN (else ISSN) matches an existing record
   * joins it; otherwise — and always without identifiers — a new record is created. Identifiers are
   * normalised first (ISBN-10 → ISBN-13), so both spellings of one book meet on one record.
   */
  async matchOrCreate(manager: EntityManager, data: BibliographicData): Promise<BibRecord> {
    const isbn = data.isbn ? Isbn.parse(data.isbn).value : null;
    const issn = data.issn ? Issn.parse(data.issn).value : null;
    const existing = await this.findByIdentifiers(manager, isbn, issn);
    if (existing) {
      // A serial record matched by ISSN learns the ISBN it lacked; never overwrite a different one.
      if (isbn && !existing.isbn && existing.issn === issn) {
        await manager.update(BibRecord, { id: existing.id }, { isbn });
        existing.isbn = isbn;
      }
      return existing;
    }
    // Another consumer may create the same ISBN at the same moment: insert-or-nothing, then read back.
    const id = randomUUID();
    const inserted: unknown[] = await manager.query(
      `INSERT INTO bib_record (id, title, creators, isbn, issn, publisher, publication_year)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
      [id, data.title, data.creators, isbn, issn, data.publisher, data.publicationYear],
    );
    if (inserted.length === 1) return manager.findOneByOrFail(BibRecord, { id });
    const raced = await this.findByIdentifiers(manager, isbn, issn);
    if (!raced) throw new Error(`record for ISBN ${isbn ?? '-'} / ISSN ${issn ?? '-'} neither inserted nor found`);
    return raced;
  }

  private async findByIdentifiers(manager: EntityManager, isbn: string | null, issn: string | null): Promise<BibRecord | null> {
    if (isbn) {
      const byIsbn = await manager.findOneBy(BibRecord, { isbn });
      if (byIsbn) return byIsbn;
    }
    if (issn) return manager.findOneBy(BibRecord, { issn });
    return null;
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
