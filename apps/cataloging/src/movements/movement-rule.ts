import { ItemStatus } from '@app/contracts';

/**
 * How a fact reported by another service moves an item: the status it leads to, the statuses it may
 * start from, and the statuses in which an earlier fact has not landed yet (so the message waits and
 * is retried rather than refused).
 */
export interface MovementRule {
  to: ItemStatus;
  from: readonly ItemStatus[];
  waitFor?: readonly ItemStatus[];
}

export type MovementDecision = 'apply' | 'already-there' | 'wait' | 'refuse';

/**
 * Pure: what to do with a fact given the item's current status. An item already where the fact leads
 * stays put (a duplicate under a new id, or a replay); an item past it is refused, never moved back.
 */
export function decideMovement(current: ItemStatus, rule: MovementRule): MovementDecision {
  if (current === rule.to) return 'already-there';
  if (rule.from.includes(current)) return 'apply';
  if (rule.waitFor?.includes(current)) return 'wait';
  return 'refuse';
}

const S = ItemStatus;
const ON_SHELF = [S.AVAILABLE, S.SHELF_READY] as const;

/** The status of record each fact of conservation and disposal leads to. */
export const MOVEMENTS = {
  pulledForRepair: { to: S.IN_REPAIR, from: ON_SHELF },
  pulledForBinding: { to: S.AWAITING_BINDERY, from: ON_SHELF },
  notFoundOnShelf: { to: S.MISSING, from: ON_SHELF },
  // A repair finishes only after its pull: until the pull lands the item is still on the shelf.
  repaired: { to: S.SHELF_READY, from: [S.IN_REPAIR], waitFor: ON_SHELF },
  repairNeedsBindery: { to: S.AWAITING_BINDERY, from: [S.IN_REPAIR], waitFor: ON_SHELF },
  dispatchedToBindery: { to: S.AT_BINDERY, from: [S.AWAITING_BINDERY], waitFor: [...ON_SHELF, S.IN_REPAIR] },
  returnedFromBindery: { to: S.SHELF_READY, from: [S.AT_BINDERY], waitFor: [S.AWAITING_BINDERY] },
  // Condemned in repair, weeded from the shelf, or long missing (the disposal service checks the reason).
  withdrawn: {
    to: S.WITHDRAWN,
    from: [S.AVAILABLE, S.SHELF_READY, S.IN_REPAIR, S.MISSING, S.AWAITING_CALL_NUMBER, S.IN_PROCESS],
  },
  listed: { to: S.LISTED_FOR_SALE, from: [S.WITHDRAWN] },
  listingWithdrawn: { to: S.WITHDRAWN, from: [S.LISTED_FOR_SALE] },
  sold: { to: S.SOLD, from: [S.LISTED_FOR_SALE], waitFor: [S.WITHDRAWN] },
  disposed: { to: S.DISPOSED, from: [S.WITHDRAWN, S.LISTED_FOR_SALE] },
} satisfies Record<string, MovementRule>;
