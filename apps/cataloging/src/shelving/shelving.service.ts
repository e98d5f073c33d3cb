import { HttpException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { CALL_NUMBER_SCHEMES, ItemStatus } from '@app/contracts';
import { Transaction, UnitOfWork } from '@app/messaging';
import { Page, toPage } from '@app/platform';
import { CatalogItem } from '../items/catalog-item.entity';
import { ItemLifecycle, ItemStatusConflictError } from '../items/item-lifecycle.service';
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

  /** A cart: each item on its own, so one that cannot be shelved does not hold back the rest. */
  async shelveCart(barcodes: string[], user: AuthenticatedUser): Promise<ShelveResultView[]> {
    const results: ShelveResultView[] = [];
    for (const barcode of barcodes) {
      try {
        const status = await this.uow.run(async (tx) => {
          const item = await this.items.lockForUser(tx, barcode, user);
          await this.shelveLocked(tx, item, user);
          return item.status;
        });
        results.push({ barcode, ok: true, status });
      } catch (error) {
        // A client mistake about one item (unknown, foreign, not shelf-ready) is that item's answer only.
        if (!(error instanceof HttpException) || error.getStatus() >= 500) throw error;
        const status = error instanceof NotFoundException ? undefined : await this.currentStatus(barcode);
        results.push({ barcode, ok: false, ...(status ? { status } : {}), error: error.message });
      }
    }
    return results;
  }

  private async currentStatus(barcode: string): Promise<ItemStatus | undefined> {
    const [row] = (await this.dataSource.query(`SELECT status FROM catalog_item WHERE barcode = $1`, [barcode.trim()])) as { status: ItemStatus }[];
    return row?.status;
  }

  private async shelveLocked(tx: Transaction, item: CatalogItem, user: AuthenticatedUser): Promise<void> {
    // The table would let other statuses become AVAILABLE; shelving is only for what is on the cart.
    if (item.status !== ItemStatus.SHELF_READY) {
      throw new ItemStatusConflictError(item, `only ${ItemStatus.SHELF_READY} items can be shelved`);
    }
    const at = new Date();
    await this.lifecycle.transition(tx, item, ItemStatus.AVAILABLE, { actor: user.id, reason: 'shelved', at, set: { shelvedAt: at } });
  }
}
