import { Injectable } from '@nestjs/common';
import {
  EventEnvelope, ItemDisposed, ItemDisposedData, ItemListed, ItemListedData, ItemSold, ItemSoldData, ItemWithdrawn, ItemWithdrawnData,
  ListingWithdrawn, ListingWithdrawnData, WeedingPullNotFound, WeedingPullNotFoundData,
} from '@app/contracts';
import { OnEvent, Transaction } from '@app/messaging';
import { MOVEMENTS } from './movement-rule';
import { MovementsService } from './movements.service';

/** Weeding, withdrawals and sales, as disposal reports them, moving the status of record. */
@Injectable()
export class DisposalEventsHandler {
  constructor(private readonly movements: MovementsService) {}

  @OnEvent(ItemWithdrawn)
  withdrawn(event: EventEnvelope<ItemWithdrawnData>, tx: Transaction) {
    const { itemId, reason, withdrawnBy } = event.data;
    return this.movements.apply(tx, event, [{ itemId, rule: MOVEMENTS.withdrawn, actor: withdrawnBy, reason: `withdrawn: ${reason}` }]);
  }

  @OnEvent(WeedingPullNotFound)
  notFound(event: EventEnvelope<WeedingPullNotFoundData>, tx: Transaction) {
    const { itemId, reportedBy } = event.data;
    return this.movements.apply(tx, event, [{ itemId, rule: MOVEMENTS.notFoundOnShelf, actor: reportedBy, reason: 'not found on the shelf when pulled for weeding' }]);
  }

  @OnEvent(ItemListed)
  listed(event: EventEnvelope<ItemListedData>, tx: Transaction) {
    const { itemId, channel, price, currency, condition } = event.data;
    return this.movements.apply(tx, event, [
      { itemId, rule: MOVEMENTS.listed, actor: `disposal:${channel}`, reason: `listed on ${channel}: ${condition}, ${price} ${currency}` },
    ]);
  }

  @OnEvent(ListingWithdrawn)
  listingWithdrawn(event: EventEnvelope<ListingWithdrawnData>, tx: Transaction) {
    const { itemId, channel } = event.data;
    return this.movements.apply(tx, event, [{ itemId, rule: MOVEMENTS.listingWithdrawn, actor: `disposal:${channel}`, reason: `listing on ${channel} withdrawn` }]);
  }

  @OnEvent(ItemSold)
  sold(event: EventEnvelope<ItemSoldData>, tx: Transaction) {
    const { itemId, channel, price, currency, orderRef } = event.data;
    return this.movements.apply(tx, event, [{ itemId, rule: MOVEMENTS.sold, actor: channel, reason: `sold on ${channel} for ${price} ${currency} (order ${orderRef})` }]);
  }

  @OnEvent(ItemDisposed)
  disposed(event: EventEnvelope<ItemDisposedData>, tx: Transaction) {
    const { itemId, method, disposedBy } = event.data;
    return this.movements.apply(tx, event, [{ itemId, rule: MOVEMENTS.disposed, actor: disposedBy, reason: method === 'donate' ? 'donated' : 'recycled' }]);
  }
}
