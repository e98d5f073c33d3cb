import { Injectable, Logger } from '@nestjs/common';
import { Barcode, CallNumber, EventEnvelope, isPhysical, ItemProcessedData, ItemReceivedData, ItemStatus } from '@app/contracts';
import { HandlerOutcome, Outcome, Transaction } from '@app/messaging';
import { Environment } from '@app/platform';
import { CatalogItem } from '../items/catalog-item.entity';
import { ItemLifecycle } from '../items/item-lifecycle.service';
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
   * move it on at once to where it waits (a cataloger, processing, the shelvers, or the public).
   */
  async receive(tx: Transaction, event: EventEnvelope<ItemReceivedData>): Promise<HandlerOutcome | void> {
    const data = event.data;
    const barcode = data.barcode ? Barcode.parse(data.barcode).value : null;
    const known: { id: string }[] = await tx.manager.query(`SELECT id FROM catalog_item WHERE id = $1 OR barcode = $2`, [data.itemId, barcode]);
    // The inbox drops a redelivered message; this drops the same item sent again under a new message id.
    if (known.some((row) => row.id === data.itemId)) return;
    if (known.length > 0) return Outcome.deadLetter(`barcode ${barcode} already belongs to item ${known[0].id}`);

    const record = await this.records.matchOrCreate(tx.manager, data);
    // The contract validated the call number for its scheme, so parsing cannot fail here.
    const callNumber = data.callNumber && data.callNumberScheme ? CallNumber.parse(data.callNumber, data.callNumberScheme) : null;
    const physical = isPhysical(data.materialType);
    const item = tx.manager.create(CatalogItem, {
      id: data.itemId,
      barcode,
      recordId: record.id,
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
    item.record = record;

    const actor = data.receivedBy;
    await this.lifecycle.admit(tx, item, { actor, reason: `received from ${data.supplier} in shipment ${data.shipmentId}`, causedBy: event });
    const next = statusAfterReceipt({ materialType: data.materialType, hasCallNumber: callNumber !== null, pendingSteps: data.pendingSteps });
    await this.lifecycle.transition(tx, item, next, { actor, reason: receiptReason(next, data.pendingSteps), causedBy: event });
  }

  /**
   * `intake.item.processed`: every required step is done. An item in process goes to the shelvers;
   * one still awaiting a call number only remembers it; one already past is left alone (late or
   * duplicate event). Before the item itself has arrived, the event waits and is retried.
   */
  async processed(tx: Transaction, event: EventEnvelope<ItemProcessedData>): Promise<HandlerOutcome | void> {
    const data = event.data;
    const item = await this.items.lockById(tx.manager, data.itemId);
    if (!item) return Outcome.retry(`item ${data.itemId} is not in the catalog yet (intake.item.received not seen)`);

    const effect = effectOfProcessed(item.status);
    if (effect === 'ignore') {
      this.logger.debug(`ignoring ${event.type} ${event.id}: item ${item.label} is already ${item.status}`);
      return;
    }
    if (effect === 'remember') {
      if (!item.processingComplete) await tx.manager.update(CatalogItem, { id: item.id }, { processingComplete: true });
      return;
    }
    const steps = data.completedSteps.length ? data.completedSteps.join(', ') : 'nothing required';
    await this.lifecycle.transition(tx, item, ItemStatus.SHELF_READY, {
      actor: data.completedBy,
      reason: `processing complete (${steps})`,
      causedBy: event,
      set: { processingComplete: true },
    });
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
