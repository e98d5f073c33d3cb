import { ItemStatus } from '@app/contracts';
import { bearer, RunningService, startService } from '../../../test/support/service-app';
import { TestRun } from '../../../test/support/test-run';
import { ConservationModule } from '../src/conservation.module';
import { CatalogItem, catalogItem, catalogMoves, EventProbe, onShelf } from './conservation-test-kit';

/** /work/shared/fixtures/call-number-order.md, ascending shelf order. */
const LC_ORDER = [
  'HD58.7 .A3 1990', 'HD58.7 .A3 2001', 'HD58.7 .B2', 'HD58.8 .C5', 'HF5415 .K6 1999', 'P35 .H3', 'PA1 .A2', 'PN1997 .C6',
  'PN1997.2 .A1', 'PN1997.85 .L3', 'PS3545 .I345 A6 1990', 'PS3545 .I4 B7', 'PS3545 .I45', 'Q1 .N2', 'QA9 .S5', 'QA76 .A1',
  'QA76.5 .M3', 'QA76.73 .J38 S55 2010', 'QA76.73 .J38 S6', 'QA76.9 .D3 D38 2004', 'QA100 .C7', 'QA760 .B5 1999', 'QB43.2 .M3',
];
const DDC_ORDER = [
  '001.9 ABE', '004 SMI', '004.16 JON', '005 BAK', '005.1 ALD', '005.13 SMI', '005.133 JON', '005.133 KER', '005.2 ABC',
  '006.3 RUS', '020 LIB', '025.3 CAT', '100 PHI', '641.5 BRO', '641.59 ALI', '641.5945 DAV', '641.595 CHE', '813.54 KIN',
];

describe('pull requests and pull lists', () => {
  const run = new TestRun();
  let service: RunningService;
  let probe: EventProbe;
  let technician: string;

  beforeAll(async () => {
    service = await startService(run, 'conservation', (env) => ConservationModule.forEnvironment(env), {
      BRANCHES: 'CEN:Central Library,NOR:North Branch,PLS:Pull List Branch',
    });
    probe = await EventProbe.start(run, 'pulls');
    technician = await bearer('technician', ['CEN']);
  });

  afterAll(async () => {
    await probe?.stop();
    await service?.app.close();
    await run.cleanup();
  });

  const http = () => service.http();
  const requestPull = (barcode: string, reason = 'repair', auth = technician, extra: Record<string, unknown> = {}) =>
    http().post('/pull-requests').set('Authorization', auth).send({ barcode, reason, ...extra });
  const shelved = async (overrides: Parameters<typeof catalogItem>[0] = {}, status = ItemStatus.AVAILABLE): Promise<CatalogItem> => {
    const item = catalogItem(overrides);
    await onShelf(run, [item], status);
    return item;
  };

  describe('requesting a pull', () => {
    it('accepts an item on the shelf, AVAILABLE or SHELF_READY, with its damage and note', async () => {
      const available = await shelved();
      const shelfReady = await shelved({}, ItemStatus.SHELF_READY);
      const first = await requestPull(available.barcode, 'repair', technician, { damage: 'broken-spine', note: 'spine split at the head' });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        itemId: available.itemId,
        barcode: available.barcode,
        branch: 'CEN',
        reason: 'repair',
        damage: 'broken-spine',
        note: 'spine split at the head',
        status: 'open',
        requestedBy: 'technician-CEN',
        repairId: null,
      });
      expect((await requestPull(shelfReady.barcode, 'binding')).status).toBe(201);
      const fetched = await http().get(`/pull-requests/${first.body.id}`).set('Authorization', technician);
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(first.body);
    });

    it.each([ItemStatus.IN_REPAIR, ItemStatus.AWAITING_BINDERY, ItemStatus.AT_BINDERY, ItemStatus.MISSING, ItemStatus.WITHDRAWN, ItemStatus.IN_PROCESS])(
      'refuses an item that is %s, naming its status',
      async (status) => {
        const item = await shelved({}, status);
        const response = await requestPull(item.barcode);
        expect(response.status).toBe(409);
        expect(response.body.message).toBe(`item ${item.barcode} is ${status}; only an item on the shelf (AVAILABLE or SHELF_READY) can be pulled`);
      },
    );

    it('refuses a second open request for the same item, and takes a new one once the first is cancelled', async () => {
      const item = await shelved();
      const first = await requestPull(item.barcode, 'repair');
      expect(first.status).toBe(201);
      const second = await requestPull(item.barcode, 'binding');
      expect(second.status).toBe(409);
      expect(second.body.message).toContain(`item ${item.barcode} already has an open pull request ${first.body.id}`);

      const cancelled = await http().post(`/pull-requests/${first.body.id}/cancel`).set('Authorization', technician);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', closedBy: 'technician-CEN' });
      expect((await requestPull(item.barcode, 'binding')).status).toBe(201);
    });

    it('answers 404 for an unknown barcode and for an item of a branch the caller does not work for', async () => {
      const unknown = catalogItem();
      const response = await requestPull(unknown.barcode);
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`item ${unknown.barcode} not found`);

      const north = await shelved({ branch: 'NOR' });
      expect((await requestPull(north.barcode)).status).toBe(404);
      const northTechnician = await bearer('technician', ['NOR']);
      expect((await requestPull(north.barcode, 'repair', northTechnician)).status).toBe(201);
    });

    it('refuses bad input with a 400 naming the field, and changes nothing', async () => {
      const item = await shelved();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ barcode: item.barcode, reason: 'weeding' }, 'reason'],
        [{ barcode: '31234000000018', reason: 'repair' }, 'barcode'],
        [{ barcode: item.barcode, reason: 'repair', damage: 'chewed' }, 'damage'],
        [{ barcode: item.barcode, reason: 'repair', urgent: true }, 'urgent: unknown field'],
      ];
      for (const [body, field] of cases) {
        const response = await http().post('/pull-requests').set('Authorization', technician).send(body);
        expect(response.status).toBe(400);
        expect(response.body.message.join(' ')).toContain(field);
      }
      expect((await requestPull(item.barcode)).status).toBe(201);
    });

    it('is technician work: a cataloger may read but not request', async () => {
      const item = await shelved();
      const cataloger = await bearer('cataloger', ['CEN']);
      const response = await requestPull(item.barcode, 'repair', cataloger);
      expect(response.status).toBe(403);
      expect(response.body.message).toContain('technician');
      expect((await http().get('/pull-list?branch=CEN').set('Authorization', cataloger)).status).toBe(200);
    });
  });

  describe('the pull list', () => {
    let pls: string;
    let expected: string[];

    beforeAll(async () => {
      pls = await bearer('technician', ['PLS']);
      const calls = [...LC_ORDER.map((callNumber) => ({ callNumber, scheme: 'lc' as const })), ...DDC_ORDER.map((callNumber) => ({ callNumber, scheme: 'ddc' as const }))];
      const items = calls.map((call) => catalogItem({ branch: 'PLS', ...call, collection: call.scheme === 'lc' ? 'Stacks' : 'Popular' }));
      await onShelf(run, items);
      // Requested in reverse shelf order and mixed reasons, so neither insertion nor reason can fake the order.
      for (const [i, item] of [...items].reverse().entries()) {
        expect((await requestPull(item.barcode, i % 3 === 0 ? 'binding' : 'repair', pls)).status).toBe(201);
      }
      expected = items.map((item) => item.snapshot.callNumber!);
      // A closed request is not on the list.
      const cancelled = await http().post('/pull-requests').set('Authorization', pls).send({ barcode: (await shelved({ branch: 'PLS', callNumber: 'A1 .B2' })).barcode, reason: 'repair' });
      expect(cancelled.status).toBe(201);
      expect((await http().post(`/pull-requests/${cancelled.body.id}/cancel`).set('Authorization', pls)).status).toBe(200);
    });

    it('lists open requests in shelf order (LC, then Dewey), the same walk across pages', async () => {
      const walked: string[] = [];
      for (let offset = 0; offset < expected.length; offset += 4) {
        const page = await http().get(`/pull-list?branch=PLS&limit=4&offset=${offset}`).set('Authorization', pls);
        expect(page.status).toBe(200);
        expect(page.body.page).toEqual({ limit: 4, offset, total: expected.length });
        walked.push(...page.body.data.map((entry: { callNumber: { value: string } }) => entry.callNumber.value));
      }
      expect(walked).toEqual(expected);
    });

    it('shows what a technician needs at the shelf: location, call number, title, barcode, reason, who asked and when', async () => {
      const page = await http().get('/pull-list?branch=PLS&limit=1').set('Authorization', pls);
      expect(page.body.data[0]).toEqual({
        id: expect.any(String),
        itemId: expect.any(String),
        barcode: expect.any(String),
        callNumber: { value: 'HD58.7 .A3 1990', scheme: 'lc' },
        location: 'Stacks',
        title: expect.any(String),
        reason: expect.stringMatching(/^(repair|binding)$/),
        damage: null,
        note: null,
        requestedAt: expect.any(String),
        requestedBy: 'technician-PLS',
      });
    });

    it('filters by reason, keeping shelf order', async () => {
      const binding = await http().get('/pull-list?branch=PLS&reason=binding&limit=1000').set('Authorization', pls);
      const values = binding.body.data.map((entry: { callNumber: { value: string }; reason: string }) => {
        expect(entry.reason).toBe('binding');
        return entry.callNumber.value;
      });
      expect(values.length).toBe(binding.body.page.total);
      expect(values.length).toBeGreaterThan(5);
      expect(values).toEqual(expected.filter((value) => values.includes(value)));
    });

    it("refuses another branch's list (403) and an unknown branch (400)", async () => {
      expect((await http().get('/pull-list?branch=PLS').set('Authorization', technician)).status).toBe(403);
      const unknown = await http().get('/pull-list?branch=XYZ').set('Authorization', pls);
      expect(unknown.status).toBe(400);
      expect(unknown.body.message.join(' ')).toContain('branch');
    });
  });

  describe('walking the list', () => {
    it('marks an item pulled for repair: publishes conservation.item.pulled and opens a repair work order', async () => {
      const item = await shelved();
      const request = await requestPull(item.barcode, 'repair', technician, { damage: 'loose-pages' });
      const pulled = await http().post(`/pull-requests/${request.body.id}/pulled`).set('Authorization', technician);
      expect(pulled.status).toBe(200);
      expect(pulled.body).toMatchObject({ status: 'pulled', closedBy: 'technician-CEN', repairId: expect.any(String) });

      const event = await probe.one('conservation.item.pulled', (data) => data.itemId === item.itemId);
      expect(event).toMatchObject({
        producer: 'conservation',
        branch: 'CEN',
        data: { itemId: item.itemId, barcode: item.barcode, branch: 'CEN', pullRequestId: request.body.id, reason: 'repair', pulledBy: 'technician-CEN' },
      });
      const repair = await http().get(`/repairs/${pulled.body.repairId}`).set('Authorization', technician);
      expect(repair.status).toBe(200);
      expect(repair.body).toMatchObject({ pullRequestId: request.body.id, itemId: item.itemId, status: 'open', damage: 'loose-pages', openedBy: 'technician-CEN' });
      expect((await http().get(`/pull-requests/${request.body.id}`).set('Authorization', technician)).body.repairId).toBe(pulled.body.repairId);
    });

    it('marks an item pulled for binding without a repair work order', async () => {
      const item = await shelved();
      const request = await requestPull(item.barcode, 'binding');
      const pulled = await http().post(`/pull-requests/${request.body.id}/pulled`).set('Authorization', technician);
      expect(pulled.body).toMatchObject({ status: 'pulled', repairId: null });
      const event = await probe.one('conservation.item.pulled', (data) => data.itemId === item.itemId);
      expect(event.data.reason).toBe('binding');
      const repairs = await run.query(`SELECT 1 FROM "${run.schemaFor('conservation')}".repair WHERE item_id = $1`, [item.itemId]);
      expect(repairs).toHaveLength(0);
    });

    it('reports an item not on the shelf: publishes conservation.item.not-found', async () => {
      const item = await shelved();
      const request = await requestPull(item.barcode, 'repair');
      const notFound = await http().post(`/pull-requests/${request.body.id}/not-found`).set('Authorization', technician);
      expect(notFound.status).toBe(200);
      expect(notFound.body).toMatchObject({ status: 'not-found', repairId: null });
      const event = await probe.one('conservation.item.not-found', (data) => data.itemId === item.itemId);
      expect(event.data).toEqual({ itemId: item.itemId, barcode: item.barcode, branch: 'CEN', pullRequestId: request.body.id, reportedBy: 'technician-CEN' });
    });

    it('acts only on an open request (409 naming its state)', async () => {
      const item = await shelved();
      const request = await requestPull(item.barcode, 'repair');
      await http().post(`/pull-requests/${request.body.id}/pulled`).set('Authorization', technician);
      for (const action of ['pulled', 'not-found', 'cancel']) {
        const again = await http().post(`/pull-requests/${request.body.id}/${action}`).set('Authorization', technician);
        expect(again.status).toBe(409);
        expect(again.body.message).toContain(`pull request ${request.body.id} is pulled; only an open request`);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(probe.of('conservation.item.pulled', (data) => data.itemId === item.itemId)).toHaveLength(1);
      const repairs = await run.query(`SELECT 1 FROM "${run.schemaFor('conservation')}".repair WHERE item_id = $1`, [item.itemId]);
      expect(repairs).toHaveLength(1);
    });

    it('refuses a new request until the catalog has recorded the last pull', async () => {
      const item = await shelved();
      const request = await requestPull(item.barcode, 'repair');
      await http().post(`/pull-requests/${request.body.id}/pulled`).set('Authorization', technician);
      const tooSoon = await requestPull(item.barcode, 'binding');
      expect(tooSoon.status).toBe(409);
      expect(tooSoon.body.message).toContain('the catalog has not recorded it yet');

      // Cataloging records the pull, the repair ends, the item is back on the reshelving cart.
      await catalogMoves(run, item, ItemStatus.IN_REPAIR);
      await catalogMoves(run, item, ItemStatus.SHELF_READY);
      expect((await requestPull(item.barcode, 'binding')).status).toBe(201);
    });

    it('refuses to mark pulled an item the catalog took off the shelf since the request', async () => {
      const item = await shelved();
      const request = await requestPull(item.barcode, 'repair');
      await catalogMoves(run, item, ItemStatus.WITHDRAWN);
      const pulled = await http().post(`/pull-requests/${request.body.id}/pulled`).set('Authorization', technician);
      expect(pulled.status).toBe(409);
      expect(pulled.body.message).toContain(`item ${item.barcode} is WITHDRAWN`);
      expect((await http().post(`/pull-requests/${request.body.id}/cancel`).set('Authorization', technician)).status).toBe(200);
    });

    it("hides another branch's requests (404) and answers 400 for a malformed id", async () => {
      const north = await shelved({ branch: 'NOR' });
      const northTechnician = await bearer('technician', ['NOR']);
      const request = await requestPull(north.barcode, 'repair', northTechnician);
      expect((await http().get(`/pull-requests/${request.body.id}`).set('Authorization', technician)).status).toBe(404);
      expect((await http().post(`/pull-requests/${request.body.id}/pulled`).set('Authorization', technician)).status).toBe(404);
      expect((await http().get(`/pull-requests/${request.body.id}`).set('Authorization', await bearer('admin', []))).status).toBe(200);
      expect((await http().get('/pull-requests/not-a-uuid').set('Authorization', technician)).status).toBe(400);
    });
  });
});
