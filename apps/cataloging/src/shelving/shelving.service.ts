import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { Barcode, CALL_NUMBER_SCHEMES, ItemStatus } from '@app/contracts';
import { Transaction, UnitOfWork } from '@app/messaging';
import { Page, toPage } from '@app/platform';
import { CatalogItem } from '../items/catalog-item.entity';
import { ItemLifecycle, ItemStatusConflictError, Move, TransitionOptions } from '../items/item-lifecycle.service';
import { ItemRow, ItemView, ITEM_ROW_FROM, toCallNumberView } from '../items/item.view';
import { ItemsService } from '../items/items.service';
import { ShelveResultView } from './shelve-cart.dto';
import { ShelvingEntryView } from './shelving-entry.view';
import { ShelvingListQuery } from './shelving-list.query';

/**
 * Shelf order: schemes shelved apart (in `CALL_NUMBER_SCHEMES` order), then the shelf key byte by
 * byte — never the string order of the call number (`QA100` comes after `QA76`) — then the barcode,
 * so the order is total and a list read page by page is one walk along the shelves.
 */
export const SHELF_ORDER = `array_position(ARRAY[${CALL_NUMBER_SCHEMES.map((s) => `'${s}'`).join(', ')}]::text[], i.call_number_scheme) NULLS LAST, i.shelf_key COLLATE "C" NULLS LAST, i.barcode, i.id`;

/** The shelvers' work: shelf-ready items in shelf order, and confirming them on the shelf. */
@Injectable()
export class ShelvingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly items: ItemsService,
    private readonly lifecycle: ItemLifecycle,
  ) {}

  async list(query: ShelvingListQuery, user: AuthenticatedUser): Promise<Page<ShelvingEntryView>> {
    user.assertBranch(query.branch);
    const params = [query.branch, ItemStatus.SHELF_READY];
    const from = `${ITEM_ROW_FROM} WHERE i.branch = $1 AND i.status = $2`;
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(`${from} ORDER BY ${SHELF_ORDER} LIMIT $3 OFFSET $4`, [...params, query.limit, query.offset]) as Promise<ItemRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS total FROM catalog_item i WHERE i.branch = $1 AND i.status = $2`, params) as Promise<{ total: number }[]>,
    ]);
    return toPage(
      rows.map((row) => ({
        id: row.id,
        barcode: row.barcode,
        callNumber: toCallNumberView(row),
        location: row.collection,
        title: row.title,
        creators: row.creators,
        materialType: row.material_type,
        shelfReadyAt: row.status_changed_at.toISOString(),
      })),
      query,
      total,
    );
  }

  /** A shelver confirms the item is on the shelf: SHELF_READY → AVAILABLE. */
  async shelve(barcodeOrId: string, user: AuthenticatedUser): Promise<ItemView> {
    return this.uow.run(async (tx) => {
      const item = await this.items.lockForUser(tx, barcodeOrId, user);
      await this.shelveLocked(tx, item, user);
      return this.items.view(item.id, user, tx.manager);
    });
  }

  /**
   * A cart, in one transaction: its items locked with one query, every one that can be shelved moved
   * together (one update, one history insert, its events), and an answer per barcode. An item that is
   * unknown, foreign or not shelf-ready is its own barcode's answer and holds back none of the rest; a
   * barcode twice on the cart is shelved once, and its second answer says it is AVAILABLE already.
   * A server error shelves nothing, so the cart can simply be sent again.
   */
  async shelveCart(barcodes: string[], user: AuthenticatedUser): Promise<ShelveResultView[]> {
    // The DTO admits only valid barcodes; normalised as a single item's path would be.
    const normalised = barcodes.map((barcode) => Barcode.parse(barcode).value);
    return this.uow.run(async (tx) => {
      const items = new Map((await this.items.lockByBarcodes(tx.manager, normalised)).map((item) => [item.barcode, item]));
      const at = new Date();
      const moves: Move[] = [];
      const moving = new Set<CatalogItem>();
      const answers = barcodes.map((barcode, i): ShelveResultView | CatalogItem => {
        const item = items.get(normalised[i]);
        if (!item || !user.canActForBranch(item.branch)) return { barcode, ok: false, error: `item ${normalised[i]} not found` };
        if (moving.has(item)) return item; // answered once the first one has moved it
        if (item.status !== ItemStatus.SHELF_READY) return notShelfReady(barcode, item);
        moves.push({ item, to: ItemStatus.AVAILABLE, options: shelvedBy(user, at) });
        moving.add(item);
        return { barcode, ok: true, status: ItemStatus.AVAILABLE };
      });
      if (moves.length > 0) await this.lifecycle.transitionAll(tx, moves);
      return answers.map((answer, i) => (answer instanceof CatalogItem ? notShelfReady(barcodes[i], answer) : answer));
    });
  }

  private async shelveLocked(tx: Transaction, item: CatalogItem, user: AuthenticatedUser): Promise<void> {
    // The table would let other statuses become AVAILABLE; shelving is only for what is on the cart.
    if (item.status !== ItemStatus.SHELF_READY) throw new ItemStatusConflictError(item, ONLY_SHELF_READY);
    await this.lifecycle.transition(tx, item, ItemStatus.AVAILABLE, shelvedBy(user, new Date()));
  }
}

const ONLY_SHELF_READY = `only ${ItemStatus.SHELF_READY} items can be shelved`;

/** The move to AVAILABLE a shelver makes, alone or with a cart. */
function shelvedBy(user: AuthenticatedUser, at: Date): TransitionOptions {
  return { actor: user.id, reason: 'shelved', at, set: { shelvedAt: at } };
}

/** A cart's answer for an item it could not shelve, as `POST /items/:barcode/shelve` would have refused it. */
function notShelfReady(barcode: string, item: CatalogItem): ShelveResultView {
  return { barcode, ok: false, status: item.status, error: new ItemStatusConflictError(item, ONLY_SHELF_READY).message };
}
