import { canTransition, ITEM_STATUSES, ItemStatus as S } from '@app/contracts';
import { decideMovement, MOVEMENTS } from './movement-rule';

describe('movements reported by conservation and disposal', () => {
  it.each(Object.entries(MOVEMENTS))('%s only starts from statuses the lifecycle allows', (_name, rule) => {
    for (const from of rule.from) expect(canTransition(from, rule.to)).toBe(true);
  });

  it('applies a fact to an item in one of its starting statuses', () => {
    expect(decideMovement(S.AVAILABLE, MOVEMENTS.pulledForRepair)).toBe('apply');
    expect(decideMovement(S.IN_REPAIR, MOVEMENTS.repaired)).toBe('apply');
  });

  it('leaves an item alone when the fact has already taken it there', () => {
    expect(decideMovement(S.IN_REPAIR, MOVEMENTS.pulledForRepair)).toBe('already-there');
    expect(decideMovement(S.WITHDRAWN, MOVEMENTS.withdrawn)).toBe('already-there');
  });

  it('waits when a fact arrives before the one it follows', () => {
    expect(decideMovement(S.AVAILABLE, MOVEMENTS.repaired)).toBe('wait');
    expect(decideMovement(S.AWAITING_BINDERY, MOVEMENTS.returnedFromBindery)).toBe('wait');
    expect(decideMovement(S.WITHDRAWN, MOVEMENTS.sold)).toBe('wait');
  });

  it('never moves an item back: a late pull for an item already withdrawn is refused', () => {
    expect(decideMovement(S.WITHDRAWN, MOVEMENTS.pulledForRepair)).toBe('refuse');
    expect(decideMovement(S.SOLD, MOVEMENTS.listingWithdrawn)).toBe('refuse');
    expect(decideMovement(S.AT_BINDERY, MOVEMENTS.withdrawn)).toBe('refuse');
  });

  it('gives every status a decision for every movement', () => {
    for (const rule of Object.values(MOVEMENTS)) {
      for (const status of ITEM_STATUSES) expect(['apply', 'already-there', 'wait', 'refuse']).toContain(decideMovement(status, rule));
    }
  });
});
