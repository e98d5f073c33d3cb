import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { ItemSnapshot, ItemStatus } from '@app/contracts';
import { ItemView } from './item-view.entity';

/** What cataloging said about an item, whichever of its events said it. */
export interface ItemFact {
  itemId: string;
  barcode: string | null;
  branch: string;
  status: ItemStatus;
  version: number;
  item?: ItemSnapshot;
}

/** `item 31234000000017 is AVAILABLE; <consequence>`: a 409 that names the state the caller ran into. */
export class ItemStatusConflict extends ConflictException {
  constructor(item: Pick<ItemView, 'barcode' | 'id' | 'status'>, consequence: string) {
    super(`item ${item.barcode ?? item.id} is ${item.status}; ${consequence}`);
  }
}

/**
 * Conservation's read model of items. It is written only by cataloging's events and read by every
 * use case here; conservation never reads cataloging's tables or calls it.
 */
@Injectable()
export class ItemViewService {
  /**
   * Applies a fact only when its version is newer than what we hold: a late or replayed event never
   * moves an item backwards. A fact without the item snapshot can only update a row we know; we
   * cannot show an item we know nothing else about, so such a fact about a new item is dropped.
   */
  async apply(manager: EntityManager, fact: ItemFact): Promise<void> {
    if (!fact.item) {
      await manager.query(
        `UPDATE item_view SET status = $2, version = $3, branch = $4, barcode = COALESCE($5, barcode), updated_at = now()
          WHERE id = $1 AND version < $3`,
        [fact.itemId, fact.status, fact.version, fact.branch, fact.barcode],
      );
      return;
    }
    const item = fact.item;
    await manager.query(
      `INSERT INTO item_view (id, barcode, branch, status, version, record_id, title, creators, material_type, collection,
                              call_number, call_number_scheme, shelf_key, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
       ON CONFLICT (id) DO UPDATE SET
         barcode = EXCLUDED.barcode, branch = EXCLUDED.branch, status = EXCLUDED.status, version = EXCLUDED.version,
         record_id = EXCLUDED.record_id, title = EXCLUDED.title, creators = EXCLUDED.creators,
         material_type = EXCLUDED.material_type, collection = EXCLUDED.collection, call_number = EXCLUDED.call_number,
         call_number_scheme = EXCLUDED.call_number_scheme, shelf_key = EXCLUDED.shelf_key, updated_at = now()
       WHERE item_view.version < EXCLUDED.version`,
      [
        fact.itemId, fact.barcode, fact.branch, fact.status, fact.version, item.recordId, item.title, item.creators, item.materialType,
        item.collection, item.callNumber, item.callNumberScheme, item.shelfKey,
      ],
    );
  }

  /**
   * The item with this barcode, locked for the caller's transaction. An item of a branch the caller
   * does not work for is not found, exactly like an unknown one.
   */
  async lockByBarcode(manager: EntityManager, barcode: string, user: AuthenticatedUser): Promise<ItemView> {
    const item = await manager.findOne(ItemView, { where: { barcode }, lock: { mode: 'pessimistic_write' } });
    if (!item || !user.canActForBranch(item.branch)) throw new NotFoundException(`item ${barcode} not found`);
    return item;
  }

  async lockById(manager: EntityManager, id: string): Promise<ItemView> {
    return manager.findOneOrFail(ItemView, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }
}
