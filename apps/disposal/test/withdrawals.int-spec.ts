import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { ItemCondemned, ItemStatus, ItemStatusChanged } from '@app/contracts';
import { bearer, RunningService } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';
import { CatalogSimulator, counts, envelope, nextBarcode, Probe, publish, startDisposal } from './disposal-test-kit';

describe('disposal: withdrawals and the read model of items (real PostgreSQL and RabbitMQ)', () => {
  const run = new TestRun();
  const schema = run.schemaFor('disposal');
  let disposal: RunningService;
  let catalog: CatalogSimulator;
  let events: Probe;
  let librarian: string;
  let technician: string;

  beforeAll(async () => {
    disposal = await startDisposal(run);
    catalog = new CatalogSimulator(run);
    events = await Probe.events(run, 'disposal.#');
    librarian = await bearer('librarian', ['WD1', 'WD2', 'CEN'], { sub: 'librarian-lena' });
    technician = await bearer('technician', ['WD1', 'WD2', 'CEN'], { sub: 'tech-tom' });
  });

  afterAll(async () => {
    await events?.close();
    await disposal?.app.close();
    await run.cleanup();
  });

  const withdraw = (body: Record<string, unknown>, auth = librarian) => disposal.http().post('/withdrawals').set('Authorization', auth).send(body);
  const viewOf = async (itemId: string) => (await run.query<{ status: string; version: number; title: string }>(`SELECT status, version, title FROM "${schema}".item_view WHERE item_id = $1`, [itemId]))[0];

  describe('the read model', () => {
    it('applies cataloging events only forwards: a late, older version changes nothing', async () => {
      const item = await catalog.shelve({ branch: 'CEN', title: 'Versioned' });
      const late = envelope(ItemStatusChanged, { itemId: item.itemId, barcode: item.barcode, branch: 'CEN', from: null, to: ItemStatus.AVAILABLE, version: 1, actor: 'c', reason: null, item: { ...item.snapshot, title: 'Stale title' } });
      await catalog.setStatus(item.itemId, ItemStatus.IN_REPAIR);
      await catalog.update(item.itemId, { title: 'Current title' }, ['call-number']);
      await publish(run, late);
      const marker = await catalog.shelve({ branch: 'CEN', title: 'Marker' }); // consumed after the late one
      await catalog.applied(marker);
      expect(await viewOf(item.itemId)).toEqual({ status: 'IN_REPAIR', version: 3, title: 'Current title' });
    });

    it('moves a known item on a status change without a snapshot, and ignores one about an unknown item', async () => {
      const known = await catalog.shelve({ branch: 'CEN', title: 'Known' });
      await catalog.setStatus(known.itemId, ItemStatus.MISSING, { withSnapshot: false });
      expect(await viewOf(known.itemId)).toEqual({ status: 'MISSING', version: 2, title: 'Known' });
      const unknownId = randomUUID();
      await publish(run, envelope(ItemStatusChanged, { itemId: unknownId, barcode: nextBarcode(), branch: 'CEN', from: null, to: ItemStatus.AVAILABLE, version: 4, actor: 'c', reason: null }));
      const marker = await catalog.shelve({ branch: 'CEN', title: 'Marker 2' });
      await catalog.applied(marker);
      expect(await viewOf(unknownId)).toBeUndefined();
    });
  });

  describe('POST /withdrawals', () => {
    it('withdraws an item of the collection with its reason and publishes disposal.item.withdrawn', async () => {
      const item = await catalog.shelve({ branch: 'WD1', title: 'Superseded edition', callNumber: ['QA76.73 .J38 S55 2010', 'lc'] });
      const { body } = await withdraw({ barcode: item.barcode, reason: 'superseded' }).expect(201);
      expect(body).toMatchObject({
        itemId: item.itemId, barcode: item.barcode, branch: 'WD1', title: 'Superseded edition', callNumber: 'QA76.73 .J38 S55 2010',
        reason: 'superseded', source: 'librarian', withdrawnBy: 'librarian-lena', disposition: 'withdrawn',
      });
      const [event] = await events.waitFor('disposal.item.withdrawn', { itemId: item.itemId });
      expect(event.data).toEqual({ itemId: item.itemId, barcode: item.barcode, branch: 'WD1', withdrawalId: body.id, reason: 'superseded', withdrawnBy: 'librarian-lena' });
      expect(event).toMatchObject({ type: 'disposal.item.withdrawn', producer: 'disposal', branch: 'WD1' });
      // Before cataloging has applied it, a second withdrawal is refused all the same.
      expect((await withdraw({ barcode: item.barcode, reason: 'duplicate' }).expect(409)).body.message).toContain('is WITHDRAWN');
      // Items of the collection in other statuses than AVAILABLE may go too: a MISSING one, say.
      const missing = await catalog.shelve({ branch: 'WD1', title: 'Long missing' }, ItemStatus.MISSING);
      await withdraw({ barcode: missing.barcode, reason: 'missing' }).expect(201);
    });

    it('requires a reason from the list, naming the field, and changes nothing', async () => {
      const item = await catalog.shelve({ branch: 'WD1' });
      const before = await counts(run);
      expect(JSON.stringify((await withdraw({ barcode: item.barcode }).expect(400)).body.message)).toContain('reason');
      expect(JSON.stringify((await withdraw({ barcode: item.barcode, reason: 'boring' }).expect(400)).body.message)).toContain('reason');
      expect(JSON.stringify((await withdraw({ barcode: '123', reason: 'lost' }).expect(400)).body.message)).toContain('barcode');
      await withdraw({ barcode: item.barcode, reason: 'lost', note: 'extra' }).expect(400);
      expect(await counts(run)).toEqual(before);
    });

    it('answers 404 for an unknown item or one of another branch, and 403 to technicians', async () => {
      await withdraw({ barcode: nextBarcode(), reason: 'lost' }).expect(404);
      const foreign = await catalog.shelve({ branch: 'NOR' });
      expect((await withdraw({ barcode: foreign.barcode, reason: 'lost' }).expect(404)).body.message).toContain(foreign.barcode);
      const item = await catalog.shelve({ branch: 'WD1' });
      await withdraw({ barcode: item.barcode, reason: 'lost' }, technician).expect(403);
    });

    it.each([
      ItemStatus.AT_BINDERY, ItemStatus.AWAITING_BINDERY, ItemStatus.IN_REPAIR, ItemStatus.WITHDRAWN, ItemStatus.LISTED_FOR_SALE,
      ItemStatus.SOLD, ItemStatus.DISPOSED, ItemStatus.RECEIVED,
    ])('refuses to withdraw an item that is %s, naming the status, and changes nothing', async (status) => {
      const item = await catalog.shelve({ branch: 'WD1' }, status);
      const before = await counts(run);
      const { body } = await withdraw({ barcode: item.barcode, reason: 'damaged' }).expect(409);
      expect(body.message).toContain(`item ${item.barcode} is ${status}`);
      expect(await counts(run)).toEqual(before);
    });

    it('lists withdrawals by branch, reason and period, newest first', async () => {
      const a = await catalog.shelve({ branch: 'WD2' });
      const b = await catalog.shelve({ branch: 'WD2' });
      await withdraw({ barcode: a.barcode, reason: 'duplicate' }).expect(201);
      await withdraw({ barcode: b.barcode, reason: 'lost' }).expect(201);
      const list = (query: string) => disposal.http().get(`/withdrawals?${query}`).set('Authorization', technician).expect(200);
      expect((await list('branch=WD2')).body.data.map((w: { itemId: string }) => w.itemId)).toEqual([b.itemId, a.itemId]);
      expect((await list('branch=WD2&reason=duplicate')).body.data.map((w: { itemId: string }) => w.itemId)).toEqual([a.itemId]);
      const today = new Date().toISOString().slice(0, 10);
      expect((await list(`branch=WD2&from=${today}&to=${today}`)).body.page.total).toBe(2);
      expect((await list('branch=WD2&to=2000-01-01')).body.page.total).toBe(0);
      await disposal.http().get('/withdrawals?branch=NOR').set('Authorization', technician).expect(403);
      await disposal.http().get('/withdrawals?from=yesterday').set('Authorization', technician).expect(400);
    });
  });

  describe('conservation condemning an item', () => {
    const condemned = (item: { itemId: string; barcode: string; branch: string }, repairId = randomUUID()) =>
      envelope(ItemCondemned, { itemId: item.itemId, barcode: item.barcode, branch: item.branch, repairId, reason: 'text block shattered', condemnedBy: 'senior-sam' });

    it('withdraws the item as damaged, once, however often the event comes', async () => {
      const item = await catalog.shelve({ branch: 'WD1', title: 'Condemned' }, ItemStatus.IN_REPAIR);
      const event = condemned(item);
      await publish(run, event);
      await publish(run, event); // a redelivery
      await publish(run, condemned(item)); // and a second condemnation of the same item
      const [withdrawn] = await events.waitFor('disposal.item.withdrawn', { itemId: item.itemId });
      expect(withdrawn.data).toMatchObject({ reason: 'damaged', withdrawnBy: 'senior-sam', branch: 'WD1', barcode: item.barcode });
      const marker = await catalog.shelve({ branch: 'WD1' });
      await catalog.applied(marker);
      await eventually(async () => {
        const rows = await run.query(`SELECT 1 FROM "${schema}".processed_message WHERE type = 'conservation.item.condemned'`);
        expect(rows.length).toBeGreaterThanOrEqual(2);
      });
      const rows = await run.query<{ reason: string; source: string; repair_id: string; note: string; title: string }>(
        `SELECT reason, source, repair_id, note, title FROM "${schema}".withdrawal WHERE item_id = $1`,
        [item.itemId],
      );
      expect(rows).toEqual([{ reason: 'damaged', source: 'conservation', repair_id: event.data.repairId, note: 'text block shattered', title: 'Condemned' }]);
      const published = await run.query(`SELECT 1 FROM "${schema}".outbox_message WHERE type = 'disposal.item.withdrawn' AND payload LIKE $1`, [`%${item.itemId}%`]);
      expect(published).toHaveLength(1);
    });

    it('withdraws an item the read model has not seen yet, from what the event says', async () => {
      const item = { itemId: randomUUID(), barcode: nextBarcode(), branch: 'WD1' };
      await publish(run, condemned(item));
      const [withdrawn] = await events.waitFor('disposal.item.withdrawn', { itemId: item.itemId });
      expect(withdrawn.data).toMatchObject({ barcode: item.barcode, branch: 'WD1', reason: 'damaged' });
    });

    it('closes the item\'s open weeding proposals', async () => {
      await disposal.http().put('/weeding-rules/WD2').set('Authorization', librarian)
        .send({ rules: [{ maxAgeYears: null, maxYearsWithoutUse: null, conditions: ['worn'], keepLastCopy: false }] }).expect(200);
      const item = await catalog.shelve({ branch: 'WD2', conditions: ['worn'] });
      const { body: weedingRun } = await disposal.http().post('/weeding-runs').set('Authorization', librarian).send({ branch: 'WD2' }).expect(201);
      expect(weedingRun.candidates.map((c: { itemId: string }) => c.itemId)).toEqual([item.itemId]);
      await publish(run, condemned(item));
      await events.waitFor('disposal.item.withdrawn', { itemId: item.itemId });
      const { body } = await disposal.http().get(`/weeding-runs/${weedingRun.id}`).set('Authorization', librarian).expect(200);
      expect(body).toMatchObject({ open: false, candidates: [expect.objectContaining({ status: 'withdrawn' })] });
    });
  });

  describe('disposing of a withdrawn item never listed', () => {
    it('needs cataloging to have made it WITHDRAWN, then publishes disposal.item.disposed once', async () => {
      const item = await catalog.shelve({ branch: 'WD1', title: 'To recycle' });
      const { body: withdrawal } = await withdraw({ barcode: item.barcode, reason: 'damaged' }).expect(201);
      const dispose = (body: Record<string, unknown>, auth = technician) => disposal.http().post(`/withdrawals/${withdrawal.id}/dispose`).set('Authorization', auth).send(body);
      expect((await dispose({ method: 'recycle' }).expect(409)).body.message).toContain('is AVAILABLE');

      await catalog.setStatus(item.itemId, ItemStatus.WITHDRAWN);
      expect(JSON.stringify((await dispose({ method: 'burn' }).expect(400)).body.message)).toContain('method');
      await dispose({ method: 'recycle' }, await bearer('technician', ['NOR'])).expect(404);
      const { body } = await dispose({ method: 'recycle' }).expect(200);
      expect(body).toMatchObject({ id: withdrawal.id, disposition: 'disposed' });
      const [event] = await events.waitFor('disposal.item.disposed', { itemId: item.itemId });
      expect(event.data).toEqual({ itemId: item.itemId, barcode: item.barcode, branch: 'WD1', listingId: null, method: 'recycle', disposedBy: 'tech-tom' });

      await catalog.setStatus(item.itemId, ItemStatus.DISPOSED);
      expect((await dispose({ method: 'donate' }).expect(409)).body.message).toContain('DISPOSED');
      expect(events.of('disposal.item.disposed', { itemId: item.itemId })).toHaveLength(1);
    });
  });
});
