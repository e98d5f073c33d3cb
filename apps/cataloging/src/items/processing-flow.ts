import { isPhysical, ItemStatus, MaterialType } from '@app/contracts';

/**
 * Where a new item goes on its way to the shelf (SPEC §2), as pure decisions: the handlers and the
 * call-number use case ask these, then move the item through `ItemLifecycle`.
 */

export interface ReceivedItemFacts {
  materialType: MaterialType;
  hasCallNumber: boolean;
  pendingSteps: readonly string[];
}

/** The status an item takes right after `RECEIVED`. */
export function statusAfterReceipt(item: ReceivedItemFacts): ItemStatus {
  // An electronic resource is available once cataloged: no call number, no shelf, no steps.
  if (!isPhysical(item.materialType)) return ItemStatus.AVAILABLE;
  if (!item.hasCallNumber) return ItemStatus.AWAITING_CALL_NUMBER;
  return item.pendingSteps.length > 0 ? ItemStatus.IN_PROCESS : ItemStatus.SHELF_READY;
}

/** The status an item awaiting a call number takes once it has one. */
export function statusAfterCallNumber(processingComplete: boolean): ItemStatus {
  return processingComplete ? ItemStatus.SHELF_READY : ItemStatus.IN_PROCESS;
}

/**
 * What `intake.item.processed` does to an item in a given status: move it to the shelvers, just
 * remember that processing is done (it still waits for a cataloger), or nothing at all — an item
 * already past processing got a late or duplicate event, and events never move items backwards.
 */
export type ProcessedEffect = 'to-shelf-ready' | 'remember' | 'ignore';

export function effectOfProcessed(status: ItemStatus): ProcessedEffect {
  if (status === ItemStatus.IN_PROCESS) return 'to-shelf-ready';
  if (status === ItemStatus.AWAITING_CALL_NUMBER || status === ItemStatus.RECEIVED) return 'remember';
  return 'ignore';
}
