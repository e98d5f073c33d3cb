import { Injectable } from '@nestjs/common';
import { EventEnvelope, ItemStatusChanged, ItemStatusChangedData } from '@app/contracts';
import { OnEvent, OnEventBatch, Transaction } from '@app/messaging';
import { ItemsService } from './items.service';

/** Mirrors cataloging's status of record into intake's view of the item. */
@Injectable()
export class ItemStatusChangedHandler {
  constructor(private readonly items: ItemsService) {}

  @OnEvent(ItemStatusChanged)
  async handle(event: EventEnvelope<ItemStatusChangedData>, tx: Transaction): Promise<void> {
    await this.items.recordStatusChanges([event.data], tx);
  }

  /** A run of them (a shipment moving through processing): one statement for the lot. */
  @OnEventBatch(ItemStatusChanged)
  async handleMany(events: EventEnvelope<ItemStatusChangedData>[], tx: Transaction): Promise<void> {
    await this.items.recordStatusChanges(events.map((event) => event.data), tx);
  }
}
