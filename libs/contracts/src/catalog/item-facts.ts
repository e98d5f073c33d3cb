import type { ItemSnapshot, ItemStatusChangedData, ItemUpdatedData } from '../events/cataloging.events';
import type { ItemStatus } from '../status/item-status';

/**
 * What one of cataloging's item events says about an item, as the other services' read models keep
 * it: identity, status, the version every item event is ordered by, and (nearly always) a snapshot.
 */
export interface ItemFact {
  itemId: string;
  barcode: string | null;
  branch: string;
  status: ItemStatus;
  version: number;
  item?: ItemSnapshot;
}

export function factOfStatusChange(data: ItemStatusChangedData): ItemFact {
  return { itemId: data.itemId, barcode: data.barcode ?? null, branch: data.branch, status: data.to, version: data.version, item: data.item };
}

export function factOfUpdate(data: ItemUpdatedData): ItemFact {
  return { itemId: data.itemId, barcode: data.barcode ?? null, branch: data.branch, status: data.status, version: data.version, item: data.item };
}

/**
 * The facts that matter from a batch, for a read model that keeps only the newest version of each
 * item: per item, the newest fact with a snapshot (it may create the row) and, when newer still,
 * the newest without one (it may only move a known row). Applying the first group, then the second,
 * each only where its version is newer than the stored one, leaves the same rows as applying every
 * fact in turn — and needs one statement per group instead of one per fact.
 */
export function newestFactsPerItem(facts: readonly ItemFact[]): { withSnapshot: ItemFact[]; withoutSnapshot: ItemFact[] } {
  const withSnapshot = new Map(newestPerItem(facts.filter((fact) => fact.item)).map((fact) => [fact.itemId, fact]));
  const withoutSnapshot = newestPerItem(facts.filter((fact) => !fact.item)).filter((fact) => (withSnapshot.get(fact.itemId)?.version ?? 0) < fact.version);
  return { withSnapshot: [...withSnapshot.values()], withoutSnapshot };
}

/** The newest of each item's facts (by the version every item event carries), in first-seen order. */
export function newestPerItem<T extends { itemId: string; version: number }>(facts: readonly T[]): T[] {
  const newest = new Map<string, T>();
  for (const fact of facts) {
    const held = newest.get(fact.itemId);
    if (!held || held.version < fact.version) newest.set(fact.itemId, fact);
  }
  return [...newest.values()];
}
