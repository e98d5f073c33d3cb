/**
 * The item lifecycle of SPEC §2. Cataloging holds the status of record; every service that moves an
 * item asks `canTransition` first, so the rules live here and nowhere else.
 */
export enum ItemStatus {
  RECEIVED = 'RECEIVED',
  AWAITING_CALL_NUMBER = 'AWAITING_CALL_NUMBER',
  IN_PROCESS = 'IN_PROCESS',
  SHELF_READY = 'SHELF_READY',
  AVAILABLE = 'AVAILABLE',
  IN_REPAIR = 'IN_REPAIR',
  AWAITING_BINDERY = 'AWAITING_BINDERY',
  AT_BINDERY = 'AT_BINDERY',
  MISSING = 'MISSING',
  WITHDRAWN = 'WITHDRAWN',
  LISTED_FOR_SALE = 'LISTED_FOR_SALE',
  SOLD = 'SOLD',
  DISPOSED = 'DISPOSED',
}

export const ITEM_STATUSES: readonly ItemStatus[] = Object.values(ItemStatus);

const S = ItemStatus;

/** Legal moves, as data. A status absent from a list cannot be reached from that status. */
export const ITEM_STATUS_TRANSITIONS: Readonly<Record<ItemStatus, readonly ItemStatus[]>> = {
  // Received items wait for a cataloger, go into processing, or (pre-labelled with nothing left to do,
  // or electronic) skip straight ahead.
  [S.RECEIVED]: [S.AWAITING_CALL_NUMBER, S.IN_PROCESS, S.SHELF_READY, S.AVAILABLE],
  [S.AWAITING_CALL_NUMBER]: [S.IN_PROCESS, S.SHELF_READY, S.AVAILABLE, S.MISSING, S.WITHDRAWN],
  [S.IN_PROCESS]: [S.SHELF_READY, S.AVAILABLE, S.MISSING, S.WITHDRAWN],
  // Shelf-ready items are on the reshelving cart: shelved, or pulled again before they reach the shelf.
  [S.SHELF_READY]: [S.AVAILABLE, S.IN_REPAIR, S.AWAITING_BINDERY, S.MISSING, S.WITHDRAWN],
  [S.AVAILABLE]: [S.IN_REPAIR, S.AWAITING_BINDERY, S.MISSING, S.WITHDRAWN],
  // A repair ends repaired (reshelving), sent to the bindery, or condemned.
  [S.IN_REPAIR]: [S.SHELF_READY, S.AWAITING_BINDERY, S.WITHDRAWN],
  [S.AWAITING_BINDERY]: [S.AT_BINDERY, S.SHELF_READY],
  // Items come back from the bindery to reshelving; one the vendor lost is missing.
  [S.AT_BINDERY]: [S.SHELF_READY, S.MISSING],
  // A missing item that turns up goes back through reshelving; a long-missing one is withdrawn.
  [S.MISSING]: [S.SHELF_READY, S.WITHDRAWN],
  [S.WITHDRAWN]: [S.LISTED_FOR_SALE, S.DISPOSED],
  [S.LISTED_FOR_SALE]: [S.SOLD, S.WITHDRAWN, S.DISPOSED],
  [S.SOLD]: [],
  [S.DISPOSED]: [],
};

export function canTransition(from: ItemStatus, to: ItemStatus): boolean {
  return ITEM_STATUS_TRANSITIONS[from]?.includes(to) ?? false;
}

/** Statuses hidden from ordinary item searches (SPEC §5) and from the public catalog. */
export const OUT_OF_COLLECTION_STATUSES: readonly ItemStatus[] = [S.WITHDRAWN, S.SOLD, S.DISPOSED];

/** On the shelf, or on its way there: the only statuses an item can be pulled from. */
export const ON_SHELF_STATUSES: readonly ItemStatus[] = [S.AVAILABLE, S.SHELF_READY];

export function isItemStatus(value: unknown): value is ItemStatus {
  return typeof value === 'string' && (ITEM_STATUSES as readonly string[]).includes(value);
}
