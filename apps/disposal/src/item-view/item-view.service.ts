import { Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { ItemFact, newestFactsPerItem } from '@app/contracts';
import { prepared } from '@app/platform';
import { ItemView } from './item-view.entity';

const SNAPSHOT_COLUMNS = [
  'record_id', 'title', 'creators', 'isbn', 'issn', 'publication_year', 'material_type', 'collection', 'call_number',
  'call_number_scheme', 'shelf_key', 'checkout_count', 'last_circulated_at', 'shelved_at', 'conditions',
] as const;

/** The item_view columns as `jsonb_to_recordset` reads them from a batch of facts. */
const RECORD_TYPES = `item_id uuid, barcode text, branch text, status text, version integer, record_id uuid, title text, creators text[],
  isbn text, issn text, publication_year integer, material_type text, collection text, call_number text, call_number_scheme text,
  shelf_key text, checkout_count integer, last_circulated_at timestamptz, shelved_at timestamptz, conditions text[]`;

/** An `item_view` row read with raw SQL, as the entity. */
export function itemViewFromRow(row: Record<string, unknown>): ItemView {
  return Object.assign(new ItemView(), {
    itemId: row.item_id,
    barcode: row.barcode,
    branch: row.branch,
    status: row.status,
    version: row.version,
    recordId: row.record_id,
    title: row.title,
    creators: row.creators,
    isbn: row.isbn,
    issn: row.issn,
    publicationYear: row.publication_year,
    materialType: row.material_type,
    collection: row.collection,
    callNumber: row.call_number,
    callNumberScheme: row.call_number_scheme,
    shelfKey: row.shelf_key,
    checkoutCount: row.checkout_count,
    lastCirculatedAt: row.last_circulated_at,
    shelvedAt: row.shelved_at,
    conditions: row.conditions,
    updatedAt: row.updated_at,
  });
}

/**
 * Keeps the read model and answers questions about it. Facts apply only when their version is
 * newer than the stored one, so a late or replayed event never moves an item backwards.
 */
@Injectable()
export class ItemViewService {
  /**
   * Applies facts where they are newer; a whole batch in two statements (see `newestFactsPerItem`),
   * each locking its rows in item id order (`UPDATE … FROM` alone locks in the order its join yields,
   * and two writers of the same items in different orders deadlock).
   */
  async apply(manager: EntityManager, ...facts: ItemFact[]): Promise<void> {
    const { withSnapshot, withoutSnapshot } = newestFactsPerItem(facts);
    if (withSnapshot.length > 0) {
      const rows = withSnapshot.map(({ itemId, barcode, branch, status, version, item: s }) => ({
        item_id: itemId, barcode, branch, status, version,
        record_id: s!.recordId, title: s!.title, creators: s!.creators, isbn: s!.isbn ?? null, issn: s!.issn ?? null,
        publication_year: s!.publicationYear ?? null, material_type: s!.materialType, collection: s!.collection ?? null,
        call_number: s!.callNumber ?? null, call_number_scheme: s!.callNumberScheme ?? null, shelf_key: s!.shelfKey ?? null,
        checkout_count: s!.checkoutCount, last_circulated_at: s!.lastCirculatedAt ?? null, shelved_at: s!.shelvedAt ?? null,
        conditions: s!.conditions,
      }));
      const columns = ['item_id', 'barcode', 'branch', 'status', 'version', ...SNAPSHOT_COLUMNS];
      const updates = columns.slice(1).map((column) => `${column} = EXCLUDED.${column}`).join(', ');
      await manager.query(
        prepared(`INSERT INTO item_view (${columns.join(', ')}, updated_at)
         SELECT ${columns.map((column) => `f.${column}`).join(', ')}, now() FROM jsonb_to_recordset($1::jsonb) AS f(${RECORD_TYPES})
         ORDER BY f.item_id
         ON CONFLICT (item_id) DO UPDATE SET ${updates}, updated_at = now() WHERE item_view.version < EXCLUDED.version`),
        [JSON.stringify(rows)],
      );
    }
    if (withoutSnapshot.length > 0) {
      // Without a snapshot we cannot describe an item we have never seen: only known rows move.
      const rows = withoutSnapshot.map(({ itemId, status, version }) => ({ item_id: itemId, status, version }));
      await manager.query(
        `UPDATE item_view v SET status = f.status, version = f.version, updated_at = now()
           FROM (SELECT item_id FROM item_view WHERE item_id = ANY($2::uuid[]) ORDER BY item_id FOR UPDATE) AS locked,
                jsonb_to_recordset($1::jsonb) AS f(item_id uuid, status text, version integer)
          WHERE v.item_id = locked.item_id AND v.item_id = f.item_id AND v.version < f.version`,
        [JSON.stringify(rows), rows.map((row) => row.item_id)],
      );
    }
  }

  /** The item with this barcode in a branch the caller works for; 404 naming it otherwise (foreign = unknown). */
  async findForUser(manager: EntityManager, barcode: string, user: AuthenticatedUser, lock = false): Promise<ItemView> {
    const query = manager.createQueryBuilder(ItemView, 'item').where('item.barcode = :barcode', { barcode }).orderBy('item.updatedAt', 'DESC');
    if (lock) query.setLock('pessimistic_write');
    const item = await query.getOne();
    if (!item || !user.canActForBranch(item.branch)) throw new NotFoundException(`item ${barcode} not found`);
    return item;
  }

  async byId(manager: EntityManager, itemId: string, lock = false): Promise<ItemView | null> {
    const query = manager.createQueryBuilder(ItemView, 'item').where('item.itemId = :itemId', { itemId });
    if (lock) query.setLock('pessimistic_write');
    return query.getOne();
  }
}
