import { canTransition, ITEM_STATUSES, ITEM_STATUS_TRANSITIONS, ItemStatus as S } from './item-status';

// The expected table, written out independently of the implementation's data so that a change to
// either side shows up as a failing pair.
const LEGAL: Array<[S, S]> = [
  [S.RECEIVED, S.AWAITING_CALL_NUMBER], [S.RECEIVED, S.IN_PROCESS], [S.RECEIVED, S.SHELF_READY], [S.RECEIVED, S.AVAILABLE],
  [S.AWAITING_CALL_NUMBER, S.IN_PROCESS], [S.AWAITING_CALL_NUMBER, S.SHELF_READY], [S.AWAITING_CALL_NUMBER, S.AVAILABLE],
  [S.AWAITING_CALL_NUMBER, S.MISSING], [S.AWAITING_CALL_NUMBER, S.WITHDRAWN],
  [S.IN_PROCESS, S.SHELF_READY], [S.IN_PROCESS, S.AVAILABLE], [S.IN_PROCESS, S.MISSING], [S.IN_PROCESS, S.WITHDRAWN],
  [S.SHELF_READY, S.AVAILABLE], [S.SHELF_READY, S.IN_REPAIR], [S.SHELF_READY, S.AWAITING_BINDERY], [S.SHELF_READY, S.MISSING], [S.SHELF_READY, S.WITHDRAWN],
  [S.AVAILABLE, S.IN_REPAIR], [S.AVAILABLE, S.AWAITING_BINDERY], [S.AVAILABLE, S.MISSING], [S.AVAILABLE, S.WITHDRAWN],
  [S.IN_REPAIR, S.SHELF_READY], [S.IN_REPAIR, S.AWAITING_BINDERY], [S.IN_REPAIR, S.WITHDRAWN],
  [S.AWAITING_BINDERY, S.AT_BINDERY], [S.AWAITING_BINDERY, S.SHELF_READY],
  [S.AT_BINDERY, S.SHELF_READY], [S.AT_BINDERY, S.MISSING],
  [S.MISSING, S.SHELF_READY], [S.MISSING, S.WITHDRAWN],
  [S.WITHDRAWN, S.LISTED_FOR_SALE], [S.WITHDRAWN, S.DISPOSED],
  [S.LISTED_FOR_SALE, S.SOLD], [S.LISTED_FOR_SALE, S.WITHDRAWN], [S.LISTED_FOR_SALE, S.DISPOSED],
];
const legal = new Set(LEGAL.map(([a, b]) => `${a}>${b}`));

describe('item status transitions', () => {
  it('covers all thirteen statuses of the lifecycle', () => {
    expect(ITEM_STATUSES).toHaveLength(13);
    expect(Object.keys(ITEM_STATUS_TRANSITIONS).sort()).toEqual([...ITEM_STATUSES].sort());
  });

  const pairs = ITEM_STATUSES.flatMap((from) => ITEM_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('answers %s -> %s exactly as the lifecycle table says', (from, to) => {
    expect(canTransition(from, to)).toBe(legal.has(`${from}>${to}`));
  });

  it('never allows staying in the same status as a transition', () => {
    for (const s of ITEM_STATUSES) expect(canTransition(s, s)).toBe(false);
  });

  it('treats sold and disposed as final', () => {
    for (const to of ITEM_STATUSES) {
      expect(canTransition(S.SOLD, to)).toBe(false);
      expect(canTransition(S.DISPOSED, to)).toBe(false);
    }
  });

  it('refuses unknown statuses instead of throwing', () => {
    expect(canTransition('NOPE' as S, S.AVAILABLE)).toBe(false);
  });
});
