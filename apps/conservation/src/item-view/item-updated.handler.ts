import { Injectable } from '@nestjs/common';
import { EventEnvelope, ItemUpdated, ItemUpdatedData } from '@app/contracts';
import { OnEvent, Transaction } from '@app/messaging';
import { ItemViewService } from './item-view.service';

/** Cataloging changed facts about an item (call number, conditions, circulation): mirror them. */
@Injectable()
export class ItemUpdatedHandler {
  constructor(private readonly items: ItemViewService) {}

  @OnEvent(ItemUpdated)
  async handle(event: EventEnvelope<ItemUpdatedData>, tx: Transaction): Promise<void> {
    const { itemId, barcode, branch, status, version, item } = event.data;
    await this.items.apply(tx.manager, { itemId, barcode, branch, status, version, item });
  }
}
