import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { ItemFact, newestFactsPerItem } from '@app/contracts';
import { prepared } from '@app/platform';
import { ItemView } from './item-view.entity';

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
   * Applies facts only where their version is newer than what we hold: a late or replayed event never
   * moves an item backwards. A fact without the item snapshot can only update a row we know; we
   * cannot show an item we know nothing else about, so such a fact about a new item is dropped.
   * A whole batch of facts takes two statements (see `newestFactsPerItem`). Both lock their rows in
   * id order, as a bindery lot does (`UPDATE … FROM` alone locks in the order its join yields, and
   * two writers of the same items in different orders deadlock).
   */
  async apply(manager: EntityManager, ...facts: ItemFact[]): Promise<void> {
    const { withSnapshot, withoutSnapshot } = newestFactsPerItem(facts);
    if (withSnapshot.length > 0) {
      const rows = withSnapshot.map(({ itemId, barcode, branch, status, version, item }) => ({
        id: itemId, barcode, branch, status, version, record_id: item!.recordId, title: item!.title, creators: item!.creators,
        material_type: item!.materialType, collection: item!.collection, call_number: item!.callNumber,
        call_number_scheme: item!.callNumberScheme, shelf_key: item!.shelfKey,
      }));
      await manager.query(
        prepared(`INSERT INTO item_view (id, barcode, branch, status, version, record_id, title, creators, material_type, collection,
                                call_number, call_number_scheme, shelf_key, updated_at)
         SELECT f.*, now() FROM jsonb_to_recordset($1::jsonb) AS f(id uuid, barcode text, branch text, status text, version integer,
           record_id uuid, title text, creators text[], material_type text, collection text, call_number text,
           call_number_scheme text, shelf_key text)
         ORDER BY f.id
         ON CONFLICT (id) DO UPDATE SET
           barcode = EXCLUDED.barcode, branch = EXCLUDED.branch, status = EXCLUDED.status, version = EXCLUDED.version,
           record_id = EXCLUDED.record_id, title = EXCLUDED.title, creators = EXCLUDED.creators,
           material_type = EXCLUDED.material_type, collection = EXCLUDED.collection, call_number = EXCLUDED.call_number,
           call_number_scheme = EXCLUDED.call_number_scheme, shelf_key = EXCLUDED.shelf_key, updated_at = now()
         WHERE item_view.version < EXCLUDED.version`),
        [JSON.stringify(rows)],
      );
    }
    if (withoutSnapshot.length > 0) {
      const rows = withoutSnapshot.map(({ itemId, barcode, branch, status, version }) => ({ id: itemId, barcode, branch, status, version }));
      await manager.query(
        `UPDATE item_view v SET status = f.status, version = f.version, branch = f.branch, barcode = COALESCE(f.barcode, v.barcode), updated_at = now()
           FROM (SELECT id FROM item_view WHERE id = ANY($2::uuid[]) ORDER BY id FOR UPDATE) AS locked,
                jsonb_to_recordset($1::jsonb) AS f(id uuid, barcode text, branch text, status text, version integer)
          WHERE v.id = locked.id AND v.id = f.id AND v.version < f.version`,
        [JSON.stringify(rows), rows.map((row) => row.id)],
      );
    }
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
