import { Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { ItemSnapshot, ItemStatus } from '@app/contracts';
import { ItemView } from './item-view.entity';

/** What a cataloging event says about an item: its identity, status and version, and (mostly) a snapshot. */
export interface ItemFact {
  itemId: string;
  barcode: string | null;
  branch: string;
  status: ItemStatus;
  version: number;
  item?: ItemSnapshot;
}

const SNAPSHOT_COLUMNS = [
  'record_id', 'title', 'creators', 'isbn', 'issn', 'publication_year', 'material_type', 'collection', 'call_number',
  'call_number_scheme', 'shelf_key', 'checkout_count', 'last_circulated_at', 'shelved_at', 'conditions',
] as const;

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
  async apply(manager: EntityManager, fact: ItemFact): Promise<void> {
    if (!fact.item) {
      // Without a snapshot we cannot describe an item we have never seen: only known rows move.
      await manager.query(`UPDATE item_view SET status = $2, version = $3, updated_at = now() WHERE item_id = $1 AND version < $3`, [
        fact.itemId,
        fact.status,
        fact.version,
      ]);
      return;
    }
    const s = fact.item;
    const values = [
      fact.itemId, fact.barcode, fact.branch, fact.status, fact.version,
      s.recordId, s.title, s.creators, s.isbn ?? null, s.issn ?? null, s.publicationYear ?? null, s.materialType, s.collection ?? null,
      s.callNumber ?? null, s.callNumberScheme ?? null, s.shelfKey ?? null, s.checkoutCount, s.lastCirculatedAt ?? null, s.shelvedAt ?? null,
      s.conditions,
    ];
    const columns = ['item_id', 'barcode', 'branch', 'status', 'version', ...SNAPSHOT_COLUMNS];
    const updates = columns.slice(1).map((column) => `${column} = EXCLUDED.${column}`).join(', ');
    await manager.query(
      `INSERT INTO item_view (${columns.join(', ')}, updated_at) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}, now())
       ON CONFLICT (item_id) DO UPDATE SET ${updates}, updated_at = now() WHERE item_view.version < EXCLUDED.version`,
      values,
    );
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
