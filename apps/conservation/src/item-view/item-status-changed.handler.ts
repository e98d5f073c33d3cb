import { Injectable } from '@nestjs/common';
import { EventEnvelope, factOfStatusChange, ItemStatusChanged, ItemStatusChangedData } from '@app/contracts';
import { OnEvent, OnEventBatch, Transaction } from '@app/messaging';
import { ItemViewService } from './item-view.service';

/** Cataloging changed an item's status of record: mirror it (and the snapshot it carries). */
@Injectable()
export class ItemStatusChangedHandler {
  constructor(private readonly items: ItemViewService) {}

  @OnEvent(ItemStatusChanged)
  async handle(event: EventEnvelope<ItemStatusChangedData>, tx: Transaction): Promise<void> {
    await this.items.apply(tx.manager, factOfStatusChange(event.data));
  }

  /** A run of them (a shipment moving through processing): two statements for the lot. */
  @OnEventBatch(ItemStatusChanged)
  async handleMany(events: EventEnvelope<ItemStatusChangedData>[], tx: Transaction): Promise<void> {
    await this.items.apply(tx.manager, ...events.map((event) => factOfStatusChange(event.data)));
  }
}
