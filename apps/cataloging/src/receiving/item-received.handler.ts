import { Injectable } from '@nestjs/common';
import { EventEnvelope, ItemReceived, ItemReceivedData } from '@app/contracts';
import { HandlerOutcome, OnEvent, OnEventBatch, Transaction } from '@app/messaging';
import { ReceivingService } from './receiving.service';

@Injectable()
export class ItemReceivedHandler {
  constructor(private readonly receiving: ReceivingService) {}

  @OnEvent(ItemReceived)
  handle(event: EventEnvelope<ItemReceivedData>, tx: Transaction): Promise<HandlerOutcome | void> {
    return this.receiving.receive(tx, [event]);
  }

  @OnEventBatch(ItemReceived)
  handleMany(events: EventEnvelope<ItemReceivedData>[], tx: Transaction): Promise<HandlerOutcome | void> {
    return this.receiving.receive(tx, events);
  }
}
