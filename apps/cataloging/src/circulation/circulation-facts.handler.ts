import { Injectable } from '@nestjs/common';
import { Barcode, CirculationFactData, EventEnvelope, ItemCheckedIn, ItemCheckedOut } from '@app/contracts';
import { HandlerOutcome, OnEvent, Outcome, Transaction } from '@app/messaging';
import { firstApplication } from '../items/applied-facts';
import { ItemLifecycle } from '../items/item-lifecycle.service';
import { ItemsService } from '../items/items.service';

/**
 * Circulation facts from the library's circulation system, kept for weeding (use counts, years since
 * last use). Events may arrive out of order, so the last-circulated date only ever moves forward;
 * the same checkout sent twice (even under a new message id) counts once.
 */
@Injectable()
export class CirculationFactsHandler {
  constructor(
    private readonly items: ItemsService,
    private readonly lifecycle: ItemLifecycle,
  ) {}

  @OnEvent(ItemCheckedOut)
  checkedOut(event: EventEnvelope<CirculationFactData>, tx: Transaction): Promise<HandlerOutcome | void> {
    return this.record(tx, event, true);
  }

  @OnEvent(ItemCheckedIn)
  checkedIn(event: EventEnvelope<CirculationFactData>, tx: Transaction): Promise<HandlerOutcome | void> {
    return this.record(tx, event, false);
  }

  private async record(tx: Transaction, event: EventEnvelope<CirculationFactData>, checkout: boolean): Promise<HandlerOutcome | void> {
    const data = event.data;
    const barcode = Barcode.parse(data.barcode).value;
    const item = await this.items.lock(tx.manager, { kind: 'barcode', barcode });
    // A barcode the catalog never heard of will not appear by waiting: park it for a person to look at.
    if (!item) return Outcome.deadLetter(`unknown barcode ${barcode}`);
    const occurredAt = new Date(data.occurredAt);
    // A checkout is that barcode at that moment: the circulation system sending it again counts once.
    if (!(await firstApplication(tx.manager, `${event.type}/${barcode}/${occurredAt.toISOString()}`, item.id, event.id))) return;
    const last = item.lastCirculatedAt && item.lastCirculatedAt > occurredAt ? item.lastCirculatedAt : occurredAt;
    await this.lifecycle.amend(
      tx,
      item,
      { checkoutCount: item.checkoutCount + (checkout ? 1 : 0), lastCirculatedAt: last },
      ['circulation'],
    );
  }
}
