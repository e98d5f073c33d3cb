import { Injectable } from '@nestjs/common';
import { EventEnvelope, ItemStatusChanged, ItemStatusChangedData } from '@app/contracts';
import { OnEvent, Transaction } from '@app/messaging';
import { ItemsService } from './items.service';

/** Mirrors cataloging's status of record into intake's view of the item. */
@Injectable()
export class ItemStatusChangedHandler {
  constructor(private readonly items: ItemsService) {}

  @OnEvent(ItemStatusChanged)
  async handle(event: EventEnvelope<ItemStatusChangedData>, tx: Transaction): Promise<void> {
    await this.items.recordStatusChange(event.data, tx);
  }
}
