import { Injectable } from '@nestjs/common';
import { EventEnvelope, ItemCondemned, ItemCondemnedData } from '@app/contracts';
import { OnEvent, Transaction } from '@app/messaging';
import { WithdrawalsService } from './withdrawals.service';

/** A repair condemned the item: it is withdrawn as damaged (SPEC §2). */
@Injectable()
export class ItemCondemnedHandler {
  constructor(private readonly withdrawals: WithdrawalsService) {}

  @OnEvent(ItemCondemned)
  async handle(event: EventEnvelope<ItemCondemnedData>, tx: Transaction): Promise<void> {
    await this.withdrawals.withdrawCondemned(tx, event.data);
  }
}
