import { Injectable } from '@nestjs/common';
import {
  BinderyItemsReturned, EventEnvelope, ItemPulled, ItemPulledData, ItemsReturnedData, PullNotFound, PullNotFoundData,
  RepairCompleted, RepairCompletedData, ShipmentDispatched, ShipmentDispatchedData,
} from '@app/contracts';
import { OnEvent, Transaction } from '@app/messaging';
import { MOVEMENTS } from './movement-rule';
import { MovementsService } from './movements.service';

/** Pulls, repairs and the bindery, as conservation reports them, moving the status of record. */
@Injectable()
export class ConservationEventsHandler {
  constructor(private readonly movements: MovementsService) {}

  @OnEvent(ItemPulled)
  pulled(event: EventEnvelope<ItemPulledData>, tx: Transaction) {
    const { itemId, pullRequestId, reason, pulledBy } = event.data;
    const rule = reason === 'repair' ? MOVEMENTS.pulledForRepair : MOVEMENTS.pulledForBinding;
    return this.movements.apply(tx, event, [{ itemId, factId: pullRequestId, rule, actor: pulledBy, reason: `pulled for ${reason}` }]);
  }

  @OnEvent(PullNotFound)
  notFound(event: EventEnvelope<PullNotFoundData>, tx: Transaction) {
    const { itemId, pullRequestId, reportedBy } = event.data;
    return this.movements.apply(tx, event, [{ itemId, factId: pullRequestId, rule: MOVEMENTS.notFoundOnShelf, actor: reportedBy, reason: 'not found on the shelf when pulled' }]);
  }

  @OnEvent(RepairCompleted)
  repairCompleted(event: EventEnvelope<RepairCompletedData>, tx: Transaction) {
    const { itemId, repairId, outcome, treatment, completedBy } = event.data;
    // A condemned item stays in repair until disposal withdraws it.
    if (outcome === 'condemned') return;
    const rule = outcome === 'repaired' ? MOVEMENTS.repaired : MOVEMENTS.repairNeedsBindery;
    const reason = outcome === 'repaired' ? `repaired (${treatment})` : `repair needs the bindery (${treatment})`;
    return this.movements.apply(tx, event, [{ itemId, factId: repairId, rule, actor: completedBy, reason }]);
  }

  @OnEvent(ShipmentDispatched)
  dispatched(event: EventEnvelope<ShipmentDispatchedData>, tx: Transaction) {
    const { shipmentId, lines, lotNumber, partnerId, dispatchedBy } = event.data;
    return this.movements.apply(
      tx,
      event,
      lines.map((line) => ({ itemId: line.itemId, factId: shipmentId, rule: MOVEMENTS.dispatchedToBindery, actor: dispatchedBy, reason: `sent to bindery ${partnerId} in lot ${lotNumber}` })),
    );
  }

  @OnEvent(BinderyItemsReturned)
  returned(event: EventEnvelope<ItemsReturnedData>, tx: Transaction) {
    const { items, shipmentId, returnedBy } = event.data;
    return this.movements.apply(
      tx,
      event,
      items.map((item) => ({ itemId: item.itemId, factId: shipmentId, rule: MOVEMENTS.returnedFromBindery, actor: returnedBy, reason: `back from the bindery (shipment ${shipmentId})` })),
    );
  }
}
