import { Injectable } from '@nestjs/common';
import { EventEnvelope, ItemStatusChanged, ItemStatusChangedData, ItemUpdated, ItemUpdatedData } from '@app/contracts';
import { OnEvent, Transaction } from '@app/messaging';
import { ItemViewService } from './item-view.service';

/** Feeds the read model from cataloging, the system of record for items and their status. */
@Injectable()
export class ItemViewHandler {
  constructor(private readonly items: ItemViewService) {}

  @OnEvent(ItemStatusChanged)
  async statusChanged(event: EventEnvelope<ItemStatusChangedData>, tx: Transaction): Promise<void> {
    const { itemId, barcode, branch, to, version, item } = event.data;
    await this.items.apply(tx.manager, { itemId, barcode: barcode ?? null, branch, status: to, version, item });
  }

  @OnEvent(ItemUpdated)
  async updated(event: EventEnvelope<ItemUpdatedData>, tx: Transaction): Promise<void> {
    const { itemId, barcode, branch, status, version, item } = event.data;
    await this.items.apply(tx.manager, { itemId, barcode: barcode ?? null, branch, status, version, item });
  }
}
