import { ItemStatus } from '../status/item-status';
import { ItemFact, newestFactsPerItem } from './item-facts';

const snapshot = { title: 't' } as unknown as ItemFact['item'];
const fact = (itemId: string, version: number, withSnapshot = true): ItemFact => ({
  itemId,
  barcode: null,
  branch: 'CEN',
  status: ItemStatus.IN_PROCESS,
  version,
  item: withSnapshot ? snapshot : undefined,
});
const versions = (facts: ItemFact[]) => facts.map((f) => `${f.itemId}@${f.version}`).sort();

describe('the newest facts per item in a batch', () => {
  it('keeps the newest snapshot of each item, whatever order the facts came in', () => {
    const { withSnapshot, withoutSnapshot } = newestFactsPerItem([fact('a', 2), fact('b', 1), fact('a', 3), fact('a', 1)]);
    expect(versions(withSnapshot)).toEqual(['a@3', 'b@1']);
    expect(withoutSnapshot).toEqual([]);
  });

  it('keeps a snapshot-less fact only when it is newer than the newest snapshot of its item', () => {
    const { withSnapshot, withoutSnapshot } = newestFactsPerItem([fact('a', 2), fact('a', 3, false), fact('b', 4), fact('b', 3, false), fact('c', 1, false)]);
    expect(versions(withSnapshot)).toEqual(['a@2', 'b@4']);
    expect(versions(withoutSnapshot)).toEqual(['a@3', 'c@1']);
  });
});
