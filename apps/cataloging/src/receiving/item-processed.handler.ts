import { Injectable } from '@nestjs/common';
import { EventEnvelope, ItemProcessed, ItemProcessedData } from '@app/contracts';
import { HandlerOutcome, OnEvent, OnEventBatch, Transaction } from '@app/messaging';
import { ReceivingService } from './receiving.service';

@Injectable()
export class ItemProcessedHandler {
  constructor(private readonly receiving: ReceivingService) {}

  @OnEvent(ItemProcessed)
  handle(event: EventEnvelope<ItemProcessedData>, tx: Transaction): Promise<HandlerOutcome | void> {
    return this.receiving.processed(tx, [event]);
  }

  @OnEventBatch(ItemProcessed)
  handleMany(events: EventEnvelope<ItemProcessedData>[], tx: Transaction): Promise<HandlerOutcome | void> {
    return this.receiving.processed(tx, events);
  }
}
