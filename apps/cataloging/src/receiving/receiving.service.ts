import { Injectable, Logger } from '@nestjs/common';
import { In } from 'typeorm';
import { Barcode, CallNumber, EventEnvelope, isPhysical, ItemProcessedData, ItemReceivedData, ItemStatus } from '@app/contracts';
import { HandlerOutcome, Outcome, Transaction } from '@app/messaging';
import { Environment } from '@app/platform';
import { CatalogItem } from '../items/catalog-item.entity';
import { Admission, ItemLifecycle, Move } from '../items/item-lifecycle.service';
import { ItemsService } from '../items/items.service';
import { effectOfProcessed, statusAfterReceipt } from '../items/processing-flow';
import { RecordsService } from '../records/records.service';

/** Intake's hand-over: items enter the catalog, and leave processing for the shelvers. */
@Injectable()
export class ReceivingService {
  private readonly logger = new Logger(ReceivingService.name);

  constructor(
    private readonly records: RecordsService,
    private readonly items: ItemsService,
    private readonly lifecycle: ItemLifecycle,
    private readonly env: Environment,
  ) {}

  /**
   * `intake.item.received`: match or create the bibliographic record, enter the item as RECEIVED and
   * move it on at once to where it waits (a cataloger, processing, the shelvers, or the public). A
   * consumer's batch of them goes through the same steps with one statement each for the lot; when
   * one of them must be refused, the batch declines and each is decided alone.
   */
  async receive(tx: Transaction, events: readonly EventEnvelope<ItemReceivedData>[]): Promise<HandlerOutcome | void> {
    const arrivals = events.map((event) => ({ event, data: event.data, barcode: event.data.barcode ? Barcode.parse(event.data.barcode).value : null }));
    const known: { id: string; barcode: string | null }[] = await tx.manager.query(
      `SELECT id, barcode FROM catalog_item WHERE id = ANY($1::uuid[]) OR barcode = ANY($2::text[])`,
      [arrivals.map((a) => a.data.itemId), arrivals.flatMap((a) => (a.barcode ? [a.barcode] : []))],
    );
    const knownIds = new Set(known.map((row) => row.id));
    const barcodeOwners = new Map(known.filter((row) => row.barcode).map((row) => [row.barcode!, row.id]));
    const fresh: typeof arrivals = [];
    for (const arrival of arrivals) {
      // The inbox drops a redelivered message; this drops the same item sent again under a new message id.
      if (knownIds.has(arrival.data.itemId)) continue;
      const owner = arrival.barcode ? barcodeOwners.get(arrival.barcode) : undefined;
      if (owner !== undefined) {
        const reason = `barcode ${arrival.barcode} already belongs to item ${owner}`;
        return events.length === 1 ? Outcome.deadLetter(reason) : Outcome.retry(`${reason}; deciding the batch one item at a time`);
      }
      knownIds.add(arrival.data.itemId);
      if (arrival.barcode) barcodeOwners.set(arrival.barcode, arrival.data.itemId);
      fresh.push(arrival);
    }
    if (fresh.length === 0) return;

    const records = await this.records.matchOrCreate(tx.manager, fresh.map((arrival) => arrival.data));
    const admissions: Admission[] = fresh.map(({ event, data, barcode }, i) => {
      // The contract validated the call number for its scheme, so parsing cannot fail here.
      const callNumber = data.callNumber && data.callNumberScheme ? CallNumber.parse(data.callNumber, data.callNumberScheme) : null;
      const physical = isPhysical(data.materialType);
      const item = tx.manager.create(CatalogItem, {
        id: data.itemId,
        barcode,
        recordId: records[i].id,
        branch: data.branch,
        materialType: data.materialType,
        callNumber: callNumber?.value ?? null,
        callNumberScheme: callNumber?.scheme ?? null,
        shelfKey: callNumber?.sortKey ?? null,
        collection: data.collection ?? null,
        price: data.price ?? null,
        currency: data.price ? (data.currency ?? this.env.DEFAULT_CURRENCY) : null,
        processingComplete: !physical || data.pendingSteps.length === 0,
        conditions: [],
        checkoutCount: 0,
        lastCirculatedAt: null,
        shelvedAt: null,
        receivedAt: new Date(event.occurredAt),
      });
      item.record = records[i];
      const actor = data.receivedBy;
      const next = statusAfterReceipt({ materialType: data.materialType, hasCallNumber: callNumber !== null, pendingSteps: data.pendingSteps });
      return {
        item,
        options: { actor, reason: `received from ${data.supplier} in shipment ${data.shipmentId}`, causedBy: event },
        then: { to: next, options: { actor, reason: receiptReason(next, data.pendingSteps), causedBy: event } },
      };
    });
    await this.lifecycle.admit(tx, admissions);
  }

  /**
   * `intake.item.processed`: every required step is done. An item in process goes to the shelvers;
   * one still awaiting a call number only remembers it; one already past is left alone (late or
   * duplicate event). Before the item itself has arrived, the event waits and is retried. A batch of
   * them locks its items with one query and moves them with one update.
   */
  async processed(tx: Transaction, events: readonly EventEnvelope<ItemProcessedData>[]): Promise<HandlerOutcome | void> {
    const ids = events.map((event) => event.data.itemId);
    if (new Set(ids).size !== ids.length) return Outcome.retry('an item is named twice in this batch; deciding it one event at a time');
    const items = new Map((await this.items.lockByIds(tx.manager, ids)).map((item) => [item.id, item]));
    const moves: Move[] = [];
    const remembered: string[] = [];
    for (const event of events) {
      const data = event.data;
      const item = items.get(data.itemId);
      if (!item) return Outcome.retry(`item ${data.itemId} is not in the catalog yet (intake.item.received not seen)`);
      const effect = effectOfProcessed(item.status);
      if (effect === 'ignore') {
        this.logger.debug(`ignoring ${event.type} ${event.id}: item ${item.label} is already ${item.status}`);
      } else if (effect === 'remember') {
        if (!item.processingComplete) remembered.push(item.id);
      } else {
        const steps = data.completedSteps.length ? data.completedSteps.join(', ') : 'nothing required';
        moves.push({
          item,
          to: ItemStatus.SHELF_READY,
          options: { actor: data.completedBy, reason: `processing complete (${steps})`, causedBy: event, set: { processingComplete: true } },
        });
      }
    }
    if (remembered.length > 0) await tx.manager.update(CatalogItem, { id: In(remembered) }, { processingComplete: true });
    if (moves.length > 0) await this.lifecycle.transitionAll(tx, moves);
  }
}

function receiptReason(status: ItemStatus, pendingSteps: readonly string[]): string {
  switch (status) {
    case ItemStatus.AVAILABLE:
      return 'electronic resource: available once cataloged';
    case ItemStatus.AWAITING_CALL_NUMBER:
      return 'no call number: waits for a cataloger';
    case ItemStatus.IN_PROCESS:
      return `call number given; processing steps remain: ${pendingSteps.join(', ')}`;
    default:
      return 'call number given and nothing left to process';
  }
}
