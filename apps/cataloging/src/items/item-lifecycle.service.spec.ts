import 'reflect-metadata';
import { ItemStatus } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { CatalogItem } from './catalog-item.entity';
import { IllegalTransitionError, ItemLifecycle } from './item-lifecycle.service';

describe('ItemLifecycle.transition', () => {
  const untouchable = new Proxy({} as Transaction, {
    get: (_target, property) => {
      throw new Error(`the transaction was used (${String(property)}) for a refused move`);
    },
  });

  const item = (status: ItemStatus, barcode: string | null = '31234000000017') =>
    Object.assign(new CatalogItem(), { id: '6d1f6a8e-8a4b-4c43-9d53-0b4c2f1f0e11', barcode, status, version: 4 });

  it('refuses a move the transition table refuses, naming the item and its current status, before writing anything', async () => {
    const available = item(ItemStatus.AVAILABLE);
    const refusal = new ItemLifecycle().transition(untouchable, available, ItemStatus.IN_PROCESS, { actor: 'cato' });
    await expect(refusal).rejects.toThrow(IllegalTransitionError);
    await expect(refusal).rejects.toThrow('item 31234000000017 is AVAILABLE; it cannot become IN_PROCESS');
    expect(available).toMatchObject({ status: ItemStatus.AVAILABLE, version: 4 });
  });

  it('names an item without a barcode by its id', async () => {
    const eResource = item(ItemStatus.AVAILABLE, null);
    await expect(new ItemLifecycle().transition(untouchable, eResource, ItemStatus.SHELF_READY, { actor: 'x' })).rejects.toThrow(
      `item ${eResource.id} is AVAILABLE; it cannot become SHELF_READY`,
    );
  });

  it('answers 409 for a refused move', () => {
    expect(new IllegalTransitionError(item(ItemStatus.SOLD), ItemStatus.AVAILABLE).getStatus()).toBe(409);
  });
});
