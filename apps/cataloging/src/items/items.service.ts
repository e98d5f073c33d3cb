import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { Isbn, Issn, ItemStatus, OUT_OF_COLLECTION_STATUSES } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { ItemRef, Page, parseItemRef, toPage } from '@app/platform';
import { escapeLike, SqlConditions } from '../common/sql-conditions';
import { CatalogItem } from './catalog-item.entity';
import { ItemHistoryEntryView } from './item-history.view';
import { ItemSearchQuery } from './item-search.query';
import { ITEM_ROW_FROM, ItemRow, ItemView, toItemView } from './item.view';

interface HistoryRow {
  version: number;
  from_status: ItemStatus | null;
  to_status: ItemStatus;
  at: Date;
  actor: string;
  reason: string | null;
  event_id: string;
  correlation_id: string | null;
}

function refText(ref: ItemRef): string {
  return ref.kind === 'id' ? ref.id : ref.barcode;
}

/**
 * Finding items: by path reference (barcode or id), for reading or locked for a change, and the
 * search behind `GET /items`. A user never sees another branch's item: addressed by path it is a 404.
 */
@Injectable()
export class ItemsService {
  constructor(private readonly dataSource: DataSource) {}

  /** The item, locked for the rest of the transaction; 404 when unknown or in a branch the user may not see. */
  async lockForUser(tx: Transaction, barcodeOrId: string, user: AuthenticatedUser): Promise<CatalogItem> {
    const ref = parseItemRef(barcodeOrId);
    const item = await this.lock(tx.manager, ref);
    if (!item || !user.canActForBranch(item.branch)) throw new NotFoundException(`item ${refText(ref)} not found`);
    return item;
  }

  /** The item locked (`FOR UPDATE`), or null. */
  async lock(manager: EntityManager, ref: ItemRef): Promise<CatalogItem | null> {
    return manager.findOne(CatalogItem, {
      where: ref.kind === 'id' ? { id: ref.id } : { barcode: ref.barcode },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /**
   * The items of a cart by barcode, each that exists locked, in id order (so two lockers of
   * overlapping sets cannot deadlock): one query for the lot.
   */
  async lockByBarcodes(manager: EntityManager, barcodes: readonly string[]): Promise<CatalogItem[]> {
    return manager.find(CatalogItem, { where: { barcode: In([...new Set(barcodes)]) }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_write' } });
  }

  /** The items that exist of these, locked in id order (so two lockers of overlapping sets cannot deadlock). */
  async lockByIds(manager: EntityManager, ids: readonly string[]): Promise<CatalogItem[]> {
    return manager.find(CatalogItem, { where: { id: In([...ids]) }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_write' } });
  }

  async lockById(manager: EntityManager, id: string): Promise<CatalogItem | null> {
    return this.lock(manager, { kind: 'id', id });
  }

  async view(barcodeOrId: string, user: AuthenticatedUser, manager: EntityManager = this.dataSource.manager): Promise<ItemView> {
    const ref = parseItemRef(barcodeOrId);
    const rows: ItemRow[] = await manager.query(`${ITEM_ROW_FROM} WHERE ${ref.kind === 'id' ? 'i.id' : 'i.barcode'} = $1`, [refText(ref)]);
    const row = rows[0];
    if (!row || !user.canActForBranch(row.branch)) throw new NotFoundException(`item ${refText(ref)} not found`);
    return toItemView(row);
  }

  /** Every transition of the item, oldest first: one item's whole story, so not paged. */
  async history(barcodeOrId: string, user: AuthenticatedUser): Promise<ItemHistoryEntryView[]> {
    const item = await this.view(barcodeOrId, user);
    const rows: HistoryRow[] = await this.dataSource.query(
      `SELECT version, from_status, to_status, at, actor, reason, event_id, correlation_id
       FROM item_status_history WHERE item_id = $1 ORDER BY version`,
      [item.id],
    );
    return rows.map((row) => ({
      version: row.version,
      from: row.from_status,
      to: row.to_status,
      at: row.at.toISOString(),
      actor: row.actor,
      reason: row.reason,
      eventId: row.event_id,
      correlationId: row.correlation_id,
    }));
  }

  /**
   * `GET /items`. Ordinary searches leave out withdrawn, sold and disposed items unless asked
   * (`includeWithdrawn`, or a status filter naming them); the branch filter defaults to the caller's.
   */
  async search(query: ItemSearchQuery, user: AuthenticatedUser): Promise<Page<ItemView>> {
    const sql = new SqlConditions();
    if (query.branch) {
      user.assertBranch(query.branch);
      sql.and(`i.branch = ${sql.param(query.branch)}`);
    } else {
      const branches = user.branchFilter();
      if (branches) sql.and(`i.branch = ANY(${sql.param(branches)})`);
    }
    if (query.status?.length) sql.and(`i.status = ANY(${sql.param(query.status)})`);
    else if (!query.includeWithdrawn) sql.and(`i.status <> ALL(${sql.param(OUT_OF_COLLECTION_STATUSES)})`);
    if (query.barcode) sql.and(`i.barcode = ${sql.param(query.barcode.trim())}`);
    if (query.isbn) sql.and(`r.isbn = ${sql.param(Isbn.parse(query.isbn).value)}`);
    if (query.issn) sql.and(`r.issn = ${sql.param(Issn.parse(query.issn).value)}`);
    if (query.title) sql.and(`r.title ILIKE ${sql.param(`%${escapeLike(query.title)}%`)}`);
    if (query.callNumber) sql.and(`upper(i.call_number) LIKE ${sql.param(`${escapeLike(query.callNumber.trim().toUpperCase())}%`)}`);
    if (query.materialType) sql.and(`i.material_type = ${sql.param(query.materialType)}`);

    const from = `${ITEM_ROW_FROM} ${sql.where}`;
    const limit = sql.param(query.limit);
    const offset = sql.param(query.offset);
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(`${from} ORDER BY i.received_at, i.id LIMIT ${limit} OFFSET ${offset}`, sql.params) as Promise<ItemRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS total FROM (${from}) matched`, sql.params.slice(0, -2)) as Promise<{ total: number }[]>,
    ]);
    return toPage(rows.map(toItemView), query, total);
  }
}
