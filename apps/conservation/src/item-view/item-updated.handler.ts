import { Injectable } from '@nestjs/common';
import { EventEnvelope, factOfUpdate, ItemUpdated, ItemUpdatedData } from '@app/contracts';
import { OnEvent, OnEventBatch, Transaction } from '@app/messaging';
import { ItemViewService } from './item-view.service';

/** Cataloging changed facts about an item (call number, conditions, circulation): mirror them. */
@Injectable()
export class ItemUpdatedHandler {
  constructor(private readonly items: ItemViewService) {}

  @OnEvent(ItemUpdated)
  async handle(event: EventEnvelope<ItemUpdatedData>, tx: Transaction): Promise<void> {
    await this.items.apply(tx.manager, factOfUpdate(event.data));
  }

  /** A run of them (a shipment moving through processing): two statements for the lot. */
  @OnEventBatch(ItemUpdated)
  async handleMany(events: EventEnvelope<ItemUpdatedData>[], tx: Transaction): Promise<void> {
    await this.items.apply(tx.manager, ...events.map((event) => factOfUpdate(event.data)));
  }
}
