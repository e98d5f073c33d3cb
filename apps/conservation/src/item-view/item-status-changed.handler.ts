import { Injectable } from '@nestjs/common';
import { EventEnvelope, ItemStatusChanged, ItemStatusChangedData } from '@app/contracts';
import { OnEvent, Transaction } from '@app/messaging';
import { ItemViewService } from './item-view.service';

/** Cataloging changed an item's status of record: mirror it (and the snapshot it carries). */
@Injectable()
export class ItemStatusChangedHandler {
  constructor(private readonly items: ItemViewService) {}

  @OnEvent(ItemStatusChanged)
  async handle(event: EventEnvelope<ItemStatusChangedData>, tx: Transaction): Promise<void> {
    const { itemId, barcode, branch, to, version, item } = event.data;
    await this.items.apply(tx.manager, { itemId, barcode, branch, status: to, version, item });
  }
}
