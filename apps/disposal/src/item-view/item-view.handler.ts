import { Injectable } from '@nestjs/common';
import { EventEnvelope, factOfStatusChange, factOfUpdate, ItemStatusChanged, ItemStatusChangedData, ItemUpdated, ItemUpdatedData } from '@app/contracts';
import { OnEvent, OnEventBatch, Transaction } from '@app/messaging';
import { ItemViewService } from './item-view.service';

/** Feeds the read model from cataloging, the system of record for items and their status. */
@Injectable()
export class ItemViewHandler {
  constructor(private readonly items: ItemViewService) {}

  @OnEvent(ItemStatusChanged)
  async statusChanged(event: EventEnvelope<ItemStatusChangedData>, tx: Transaction): Promise<void> {
    await this.items.apply(tx.manager, factOfStatusChange(event.data));
  }

  /** A run of status changes (a shipment moving through processing): two statements for the lot. */
  @OnEventBatch(ItemStatusChanged)
  async statusesChanged(events: EventEnvelope<ItemStatusChangedData>[], tx: Transaction): Promise<void> {
    await this.items.apply(tx.manager, ...events.map((event) => factOfStatusChange(event.data)));
  }

  @OnEvent(ItemUpdated)
  async updated(event: EventEnvelope<ItemUpdatedData>, tx: Transaction): Promise<void> {
    await this.items.apply(tx.manager, factOfUpdate(event.data));
  }

  @OnEventBatch(ItemUpdated)
  async manyUpdated(events: EventEnvelope<ItemUpdatedData>[], tx: Transaction): Promise<void> {
    await this.items.apply(tx.manager, ...events.map((event) => factOfUpdate(event.data)));
  }
}
