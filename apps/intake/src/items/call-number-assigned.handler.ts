import { Injectable } from '@nestjs/common';
import { CallNumberAssigned, CallNumberAssignedData, EventEnvelope } from '@app/contracts';
import { HandlerOutcome, OnEvent, Outcome, Transaction } from '@app/messaging';
import { ItemsService } from './items.service';

/** A cataloger assigned a call number: the spine label of that item can now be printed. */
@Injectable()
export class CallNumberAssignedHandler {
  constructor(private readonly items: ItemsService) {}

  @OnEvent(CallNumberAssigned)
  async handle(event: EventEnvelope<CallNumberAssignedData>, tx: Transaction): Promise<HandlerOutcome | void> {
    if (!(await this.items.recordCallNumber(event.data, tx))) {
      return Outcome.retry(`item ${event.data.itemId} is not recorded at intake yet`);
    }
  }
}
