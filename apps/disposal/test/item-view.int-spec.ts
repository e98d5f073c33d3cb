import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventEnvelope, ItemSnapshot, ItemStatus, ItemStatusChanged, ItemUpdated } from '@app/contracts';
import { messagingMetrics } from '@app/messaging';
import { RunningService } from '../../../test/support/service-app';
import { publishBurst } from '../../../test/support/events';
import { expectLocksInIdOrder } from '../../../test/support/lock-order';
import { eventually, TestRun } from '../../../test/support/test-run';
import { ItemViewService } from '../src/item-view/item-view.service';
import { envelope, nextBarcode, nextIsbn, startDisposal } from './disposal-test-kit';

describe("disposal's read model of items, fed by cataloging's events in bursts", () => {
  const run = new TestRun();
  let service: RunningService;
  const schema = run.schemaFor('disposal');

  beforeAll(async () => {
    service = await startDisposal(run);
  });

  afterAll(async () => {
    await service?.app.close();
    await run.cleanup();
  });

  const batched = async () =>
    (await messagingMetrics.batched.get()).values.filter((v) => v.labels.service === 'disposal').reduce((sum, v) => sum + v.value, 0);

  it('applies status changes and updates in batches as it would one at a time: newest version wins, in any order', async () => {
    const batchedBefore = await batched();
    const statuses = [ItemStatus.RECEIVED, ItemStatus.IN_PROCESS, ItemStatus.SHELF_READY, ItemStatus.AVAILABLE, ItemStatus.WITHDRAWN];
    const items = Array.from({ length: 40 }, () => ({ itemId: randomUUID(), barcode: nextBarcode(), recordId: randomUUID(), isbn: nextIsbn() }));
    const snapshot = (item: (typeof items)[number], version: number): ItemSnapshot => ({
      recordId: item.recordId, title: `title at version ${version}`, creators: ['Author, Ann'], isbn: item.isbn, issn: null, publicationYear: 2001,
      materialType: 'book', collection: 'Adult Nonfiction', callNumber: null, callNumberScheme: null, shelfKey: null,
      checkoutCount: version, lastCirculatedAt: null, shelvedAt: null, conditions: version >= 4 ? ['worn'] : [],
    });
    const changed = (item: (typeof items)[number], version: number, withSnapshot = true) =>
      envelope(ItemStatusChanged, {
        itemId: item.itemId, barcode: item.barcode, branch: 'CEN', from: null, to: statuses[version - 1], version, actor: 'cataloging-test', reason: null,
        ...(withSnapshot ? { item: snapshot(item, version) } : {}),
      });
    const updated = (item: (typeof items)[number], version: number) =>
      envelope(ItemUpdated, { itemId: item.itemId, barcode: item.barcode, branch: 'CEN', status: statuses[2], version, changed: ['conditions'], item: snapshot(item, version) });

    const events = items.flatMap((item, i) => {
      const inOrder: EventEnvelope<object>[] = [changed(item, 1), changed(item, 2), changed(item, 3)];
      // Half arrive shuffled; a third get a newer update (conditions); a fifth a newer status change without a snapshot.
      const arriving = i % 2 === 0 ? inOrder : [inOrder[2], inOrder[0], inOrder[1]];
      if (i % 3 === 0) arriving.push(updated(item, 4));
      if (i % 5 === 0) arriving.push(changed(item, 5, false));
      return arriving;
    });
    await publishBurst(run, events);
    await eventually(async () => {
      const [{ n }] = await run.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".processed_message WHERE message_id = ANY($1)`, [
        events.map((e) => e.id),
      ]);
      expect(Number(n)).toBe(events.length);
    });

    const rows = await run.query<{ item_id: string; status: string; version: number; title: string; checkout_count: number; conditions: string[] }>(
      `SELECT item_id, status, version, title, checkout_count, conditions FROM "${schema}".item_view WHERE item_id = ANY($1) ORDER BY item_id`,
      [items.map((item) => item.itemId)],
    );
    const expected = items
      .map((item, i) => {
        const snapshotVersion = i % 3 === 0 ? 4 : 3;
        const version = i % 5 === 0 ? 5 : snapshotVersion;
        return {
          item_id: item.itemId,
          status: version === 5 ? 'WITHDRAWN' : 'SHELF_READY',
          version,
          title: `title at version ${snapshotVersion}`,
          checkout_count: snapshotVersion,
          conditions: snapshotVersion >= 4 ? ['worn'] : [],
        };
      })
      .sort((a, b) => a.item_id.localeCompare(b.item_id));
    expect(rows).toEqual(expected);
    expect((await batched()) - batchedBefore).toBeGreaterThan(0);
  });
  it('locks a batch’s items in id order, so two writers of the same items (another replica’s batch) never deadlock', async () => {
    const items = Array.from({ length: 6 }, () => ({ itemId: randomUUID(), barcode: nextBarcode() }));
    const snapshot: ItemSnapshot = {
      recordId: randomUUID(), title: 'A weeded book', creators: [], isbn: null, issn: null, publicationYear: 1990, materialType: 'book',
      collection: 'Adult Nonfiction', callNumber: null, callNumberScheme: null, shelfKey: null, checkoutCount: 0, lastCirculatedAt: null,
      shelvedAt: null, conditions: [],
    };
    // Highest id first: a write that locked in the order it was given would take a high row before the held low one.
    const descending = [...items].sort((a, b) => b.itemId.localeCompare(a.itemId));
    const facts = (status: ItemStatus, version: number, withSnapshot: boolean) =>
      descending.map((item) => ({ itemId: item.itemId, barcode: item.barcode, branch: 'CEN', status, version, ...(withSnapshot ? { item: snapshot } : {}) }));
    const dataSource = service.app.get(DataSource);
    const views = service.app.get(ItemViewService);
    await dataSource.transaction((manager) => views.apply(manager, ...facts(ItemStatus.AVAILABLE, 1, true)));
    const ids = items.map((item) => item.itemId);
    const table = `"${schema}".item_view`;
    await expectLocksInIdOrder(table, 'item_id', ids, () => dataSource.transaction((manager) => views.apply(manager, ...facts(ItemStatus.AVAILABLE, 2, true))));
    await expectLocksInIdOrder(table, 'item_id', ids, () => dataSource.transaction((manager) => views.apply(manager, ...facts(ItemStatus.WITHDRAWN, 3, false))));
    const rows = await run.query<{ status: string; version: number }>(`SELECT status, version FROM ${table} WHERE item_id = ANY($1)`, [ids]);
    expect(rows).toEqual(items.map(() => ({ status: 'WITHDRAWN', version: 3 })));
  });
});
