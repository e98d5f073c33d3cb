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
    const { itemId, withdrawalId, reason, withdrawnBy } = event.data;
    return this.movements.apply(tx, event, [{ itemId, factId: withdrawalId, rule: MOVEMENTS.withdrawn, actor: withdrawnBy, reason: `withdrawn: ${reason}` }]);
  }

  @OnEvent(WeedingPullNotFound)
  notFound(event: EventEnvelope<WeedingPullNotFoundData>, tx: Transaction) {
    const { itemId, candidateId, reportedBy } = event.data;
    return this.movements.apply(tx, event, [{ itemId, factId: candidateId, rule: MOVEMENTS.notFoundOnShelf, actor: reportedBy, reason: 'not found on the shelf when pulled for weeding' }]);
  }

  @OnEvent(ItemListed)
  listed(event: EventEnvelope<ItemListedData>, tx: Transaction) {
    const { itemId, listingId, channel, price, currency, condition } = event.data;
    return this.movements.apply(tx, event, [
      { itemId, factId: listingId, rule: MOVEMENTS.listed, actor: `disposal:${channel}`, reason: `listed on ${channel}: ${condition}, ${price} ${currency}` },
    ]);
  }

  @OnEvent(ListingWithdrawn)
  listingWithdrawn(event: EventEnvelope<ListingWithdrawnData>, tx: Transaction) {
    const { itemId, listingId, channel } = event.data;
    return this.movements.apply(tx, event, [{ itemId, factId: listingId, rule: MOVEMENTS.listingWithdrawn, actor: `disposal:${channel}`, reason: `listing on ${channel} withdrawn` }]);
  }

  @OnEvent(ItemSold)
  sold(event: EventEnvelope<ItemSoldData>, tx: Transaction) {
    const { itemId, listingId, channel, price, currency, orderRef } = event.data;
    return this.movements.apply(tx, event, [{ itemId, factId: listingId, rule: MOVEMENTS.sold, actor: channel, reason: `sold on ${channel} for ${price} ${currency} (order ${orderRef})` }]);
  }

  @OnEvent(ItemDisposed)
  disposed(event: EventEnvelope<ItemDisposedData>, tx: Transaction) {
    const { itemId, listingId, method, disposedBy } = event.data;
    // An item is disposed of once: the listing it was offered in, if any, names the fact.
    return this.movements.apply(tx, event, [{ itemId, factId: listingId ?? 'unlisted', rule: MOVEMENTS.disposed, actor: disposedBy, reason: method === 'donate' ? 'donated' : 'recycled' }]);
  }
}
