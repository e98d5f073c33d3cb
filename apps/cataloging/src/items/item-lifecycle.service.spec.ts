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

describe('ItemLifecycle.transitionAll', () => {
  it('writes one UPDATE per kind of move, leaving alone a column whose change is undefined', async () => {
    const statements: { sql: string; params: unknown[] }[] = [];
    const manager = {
      connection: {
        // The history insert (insertEntities) reads the entity's columns; this test counts the UPDATEs only.
        driver: { normalizeType: () => 'text' },
        getMetadata: () => ({
          tableName: 'item_status_history',
          columns: [],
          findColumnWithPropertyName: (property: string) =>
            ({ status: { databaseName: 'status', type: 'text' }, version: { databaseName: 'version', type: 'integer' }, statusChangedAt: { databaseName: 'status_changed_at', type: 'timestamptz' }, shelvedAt: { databaseName: 'shelved_at', type: 'timestamptz' } })[property],
        }),
      },
      query: async (sql: string, params: unknown[]) => {
        statements.push({ sql, params });
        return sql.includes('WITH moved') ? (JSON.parse(params[0] as string) as { id: string }[]).map(({ id }) => ({ id })) : [];
      },
      findBy: async () => [],
      insert: async () => undefined,
    };
    const tx = { manager, publish: () => ({ id: 'e', correlationId: 'c' }) } as unknown as Transaction;
    const record = { id: 'r', title: 't', creators: [], isbn: null, issn: null, publicationYear: null };
    const make = (id: string) =>
      Object.assign(new CatalogItem(), { id, barcode: null, status: ItemStatus.SHELF_READY, version: 3, recordId: 'r', record, conditions: [], checkoutCount: 0 });
    const [a, b] = [make('00000000-0000-4000-8000-00000000000a'), make('00000000-0000-4000-8000-00000000000b')];
    await new ItemLifecycle().transitionAll(tx, [
      { item: a, to: ItemStatus.AVAILABLE, options: { actor: 'x', set: { shelvedAt: new Date('2026-01-01T00:00:00Z') } } },
      { item: b, to: ItemStatus.AVAILABLE, options: { actor: 'x', set: { shelvedAt: undefined } } },
    ]);
    const updates = statements.filter((s) => s.sql.includes('WITH moved'));
    expect(updates).toHaveLength(2);
    expect(updates.map((u) => u.sql.includes('shelved_at'))).toEqual([true, false]);
    expect([a.version, b.version, a.status, b.status]).toEqual([4, 4, ItemStatus.AVAILABLE, ItemStatus.AVAILABLE]);
  });
});
