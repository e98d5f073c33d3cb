import { Injectable } from '@nestjs/common';
import { Barcode, CirculationFactData, EventEnvelope, ItemCheckedIn, ItemCheckedOut } from '@app/contracts';
import { HandlerOutcome, OnEvent, Outcome, Transaction } from '@app/messaging';
import { ItemLifecycle } from '../items/item-lifecycle.service';
import { ItemsService } from '../items/items.service';

/**
 * Circulation facts from the library's circulation system, kept for weeding (use counts, years since
 * last use). Events may arrive out of order, so the last-circulated date only ever moves forward.
 */
@Injectable()
export class CirculationFactsHandler {
  constructor(
    private readonly items: ItemsService,
    private readonly lifecycle: ItemLifecycle,
  ) {}

  @OnEvent(ItemCheckedOut)
  checkedOut(event: EventEnvelope<CirculationFactData>, tx: Transaction): Promise<HandlerOutcome | void> {
    return this.record(tx, event.data, true);
  }

  @OnEvent(ItemCheckedIn)
  checkedIn(event: EventEnvelope<CirculationFactData>, tx: Transaction): Promise<HandlerOutcome | void> {
    return this.record(tx, event.data, false);
  }

  private async record(tx: Transaction, data: CirculationFactData, checkout: boolean): Promise<HandlerOutcome | void> {
    const barcode = Barcode.parse(data.barcode).value;
    const item = await this.items.lock(tx.manager, { kind: 'barcode', barcode });
    // A barcode the catalog never heard of will not appear by waiting: park it for a person to look at.
    if (!item) return Outcome.deadLetter(`unknown barcode ${barcode}`);
    const occurredAt = new Date(data.occurredAt);
    const last = item.lastCirculatedAt && item.lastCirculatedAt > occurredAt ? item.lastCirculatedAt : occurredAt;
    await this.lifecycle.amend(
      tx,
      item,
      { checkoutCount: item.checkoutCount + (checkout ? 1 : 0), lastCirculatedAt: last },
      ['circulation'],
    );
  }
}
