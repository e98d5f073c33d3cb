import { DataSource } from 'typeorm';
import { ItemStatus } from '@app/contracts';
import { bearer, RunningService, startService } from '../../../test/support/service-app';
import { messagingMetrics } from '@app/messaging';
import { publishBurst } from '../../../test/support/events';
import { expectLocksInIdOrder } from '../../../test/support/lock-order';
import { eventually, TestRun } from '../../../test/support/test-run';
import { ConservationModule } from '../src/conservation.module';
import { ItemViewService } from '../src/item-view/item-view.service';
import { catalogItem, catalogMoves, deliver, itemUpdated, statusChanged } from './conservation-test-kit';

describe("conservation's read model of items, fed by cataloging's events", () => {
  const run = new TestRun();
  let service: RunningService;
  let technician: string;
  const schema = run.schemaFor('conservation');

  beforeAll(async () => {
    service = await startService(run, 'conservation', (env) => ConservationModule.forEnvironment(env));
    technician = await bearer('technician', ['CEN']);
  });

  afterAll(async () => {
    await service?.app.close();
    await run.cleanup();
  });

  const row = async (itemId: string) =>
    (await run.query<{ status: string; version: number; call_number: string | null; shelf_key: string | null; title: string }>(
      `SELECT status, version, call_number, shelf_key, title FROM "${schema}".item_view WHERE id = $1`,
      [itemId],
    ))[0];

  it('applies a burst of status changes in batches as it would one at a time: newest version wins, in any order', async () => {
    const batched = async () =>
      (await messagingMetrics.batched.get()).values.filter((v) => v.labels.service === 'conservation').reduce((sum, v) => sum + v.value, 0);
    const batchedBefore = await batched();
    const items = Array.from({ length: 40 }, () => catalogItem());
    const unknown = Array.from({ length: 5 }, () => catalogItem());
    const statuses = [ItemStatus.RECEIVED, ItemStatus.IN_PROCESS, ItemStatus.SHELF_READY, ItemStatus.IN_REPAIR];
    const at = (item: (typeof items)[number], version: number, snapshot = true) => {
      Object.assign(item, { version, status: statuses[version - 1] });
      item.snapshot = { ...item.snapshot, title: `title at version ${version}` };
      return statusChanged(item, { snapshot });
    };
    const events = items.flatMap((item, i) => {
      const inOrder = [at(item, 1), at(item, 2), at(item, 3)];
      // Every other item's versions arrive shuffled; every fourth gets a newer change without a snapshot.
      const arriving = i % 2 === 0 ? inOrder : [inOrder[2], inOrder[0], inOrder[1]];
      return i % 4 === 0 ? [...arriving, at(item, 4, false)] : arriving;
    });
    await publishBurst(run, [...events, ...unknown.map((item) => at(item, 2, false))]);

    const ids = [...items, ...unknown].map((item) => item.itemId);
    await eventually(async () => {
      const [{ n }] = await run.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".processed_message WHERE message_id = ANY($1)`, [
        [...events.map((e) => e.id)],
      ]);
      expect(Number(n)).toBe(events.length);
    });
    const rows = await run.query<{ id: string; status: string; version: number; title: string }>(
      `SELECT id, status, version, title FROM "${schema}".item_view WHERE id = ANY($1)`,
      [ids],
    );
    const expected = items.map((item, i) =>
      i % 4 === 0
        ? { id: item.itemId, status: 'IN_REPAIR', version: 4, title: 'title at version 3' }
        : { id: item.itemId, status: 'SHELF_READY', version: 3, title: 'title at version 3' },
    );
    expect(rows.sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
    expect((await batched()) - batchedBefore).toBeGreaterThan(0);
  });

  it('records an item from a status change that carries its snapshot', async () => {
    const item = catalogItem({ callNumber: 'QA76.73 .J38 S55 2010', title: 'Java in a Nutshell' });
    await catalogMoves(run, item, ItemStatus.AVAILABLE);
    expect(await row(item.itemId)).toEqual({
      status: 'AVAILABLE',
      version: 2,
      call_number: 'QA76.73 .J38 S55 2010',
      shelf_key: item.snapshot.shelfKey,
      title: 'Java in a Nutshell',
    });
    // And it is what the pull request shows.
    const response = await service.http().post('/pull-requests').set('Authorization', technician).send({ barcode: item.barcode, reason: 'repair' });
    expect(response.status).toBe(201);
    expect(response.body.item).toEqual({ title: 'Java in a Nutshell', callNumber: { value: 'QA76.73 .J38 S55 2010', scheme: 'lc' }, location: 'Adult Nonfiction', status: 'AVAILABLE' });
  });

  it('never moves an item backwards when an older event arrives late', async () => {
    const item = catalogItem();
    item.status = ItemStatus.AVAILABLE;
    item.version = 5;
    const newer = statusChanged(item);
    item.status = ItemStatus.SHELF_READY;
    item.version = 4;
    const older = statusChanged(item);
    await deliver(run, newer);
    await deliver(run, older);
    expect(await row(item.itemId)).toMatchObject({ status: 'AVAILABLE', version: 5 });

    // The same version again (a replay with another message id) changes nothing either.
    item.status = ItemStatus.MISSING;
    item.version = 5;
    await deliver(run, statusChanged(item));
    expect(await row(item.itemId)).toMatchObject({ status: 'AVAILABLE', version: 5 });
  });

  it('applies a status change without a snapshot to a known item only', async () => {
    const known = catalogItem();
    await catalogMoves(run, known, ItemStatus.AVAILABLE);
    known.status = ItemStatus.IN_REPAIR;
    known.version = 3;
    await deliver(run, statusChanged(known, { snapshot: false }));
    expect(await row(known.itemId)).toMatchObject({ status: 'IN_REPAIR', version: 3, title: known.snapshot.title });

    const unknown = catalogItem();
    unknown.status = ItemStatus.AVAILABLE;
    unknown.version = 2;
    await deliver(run, statusChanged(unknown, { snapshot: false }));
    expect(await row(unknown.itemId)).toBeUndefined();
  });

  it('locks a batch’s items in id order, as a bindery lot does, so two writers of the same items never deadlock', async () => {
    const items = Array.from({ length: 6 }, () => catalogItem());
    for (const item of items) await catalogMoves(run, item, ItemStatus.AVAILABLE);
    const dataSource = service.app.get(DataSource);
    const views = service.app.get(ItemViewService);
    // Highest id first: a write that locked in the order it was given would take a high row before the held low one.
    const descending = [...items].sort((a, b) => b.itemId.localeCompare(a.itemId));
    const facts = (status: ItemStatus, version: number, withSnapshot: boolean) =>
      descending.map((item) => ({ itemId: item.itemId, barcode: item.barcode, branch: item.branch, status, version, ...(withSnapshot ? { item: item.snapshot } : {}) }));
    const ids = items.map((item) => item.itemId);
    const table = `"${schema}".item_view`;
    await expectLocksInIdOrder(table, 'id', ids, () => dataSource.transaction((manager) => views.apply(manager, ...facts(ItemStatus.IN_REPAIR, 3, true))));
    await expectLocksInIdOrder(table, 'id', ids, () => dataSource.transaction((manager) => views.apply(manager, ...facts(ItemStatus.AVAILABLE, 4, false))));
    for (const item of items) expect(await row(item.itemId)).toMatchObject({ status: 'AVAILABLE', version: 4 });
  });

  it('takes a new call number from cataloging.item.updated, in version order', async () => {
    const item = catalogItem({ callNumber: 'QA9 .S5' });
    await catalogMoves(run, item, ItemStatus.AVAILABLE);
    const original = { ...item.snapshot };
    item.version = 3;
    item.snapshot = { ...original, callNumber: 'QB43.2 .M3', shelfKey: 'zz-newer' };
    const newer = itemUpdated(item, ['call-number']);
    item.version = 2;
    item.snapshot = { ...original, callNumber: 'PA1 .A2', shelfKey: 'aa-older' };
    const older = itemUpdated(item, ['call-number']);
    await deliver(run, newer);
    await deliver(run, older);
    expect(await row(item.itemId)).toMatchObject({ status: 'AVAILABLE', version: 3, call_number: 'QB43.2 .M3', shelf_key: 'zz-newer' });
  });
});
