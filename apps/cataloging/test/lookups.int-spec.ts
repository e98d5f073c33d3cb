import 'reflect-metadata';
import { isbn10CheckDigit, ItemStatus, makeCodabarBarcode } from '@app/contracts';
import { DeadLetterQueue } from '@app/messaging';
import { bearer, RunningService, startService } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';
import { CatalogingModule } from '../src/cataloging.module';
import {
  checkedIn, checkedOut, EventProbe, nextIsbn, publish, received, receivedData, TEST_BRANCHES, wasProcessed,
} from './cataloging-test-kit';

// Boots a service and waits on the broker: more than jest's default 5 s when the suite runs beside others.
jest.setTimeout(30_000);

describe('lookups, searches and circulation facts', () => {
  const run = new TestRun();
  let service: RunningService;
  let probe: EventProbe;
  let staff: string;
  let admin: string;
  const isbn = nextIsbn();
  const first9 = isbn.slice(3, 12);
  const isbn10 = first9 + isbn10CheckDigit(first9);

  // The LOOK branch's collection, plus one copy elsewhere.
  const awaiting = receivedData({ branch: 'LOOK', title: 'The Art of Computer Programming', isbn, creators: ['Knuth, Donald'] });
  const inProcess = receivedData({ branch: 'LOOK', title: 'Structure and Interpretation', callNumber: 'QA76.6 .A255 1996', callNumberScheme: 'lc', pendingSteps: ['cover'] });
  const toWithdraw = receivedData({ branch: 'LOOK', title: 'Obsolete Manual', callNumber: 'QA76.73 .B3 1985', callNumberScheme: 'lc', pendingSteps: [] });
  const eResource = receivedData({ branch: 'LOOK', materialType: 'e-resource', barcode: null, title: 'Online Art of Programming', requiredSteps: [], pendingSteps: [] });
  const elsewhere = receivedData({ branch: 'NOR', title: 'The Art of Computer Programming', isbn });

  beforeAll(async () => {
    service = await startService(run, 'cataloging', (env) => CatalogingModule.forEnvironment(env), { BRANCHES: TEST_BRANCHES });
    probe = await EventProbe.start(run);
    staff = await bearer('technician', ['LOOK', 'CIRC'], { sub: 'lou' });
    admin = await bearer('admin', ['*']);
    for (const data of [awaiting, inProcess, toWithdraw, eResource, elsewhere]) await publish(run, received(data));
    await eventually(async () => {
      for (const data of [awaiting, inProcess, toWithdraw, eResource, elsewhere]) {
        expect((await get(`/items/${data.barcode ?? data.itemId}`, admin)).status).toBe(200);
      }
    });
    // Nothing in this issue withdraws items yet: put one into WITHDRAWN directly for the search filters.
    await run.query(`UPDATE "${run.schemaFor('cataloging')}".catalog_item SET status = 'WITHDRAWN' WHERE id = $1`, [toWithdraw.itemId]);
  });

  afterAll(async () => {
    await probe?.stop();
    await service?.app.close();
    await run.cleanup();
  });

  function get(path: string, auth = staff) {
    return service.http().get(path).set('Authorization', auth);
  }
  const barcodesOf = (body: { data: Array<{ barcode: string | null; id: string }> }) => body.data.map((i) => i.barcode ?? i.id).sort();

  it('shows one item by barcode or by id, with its record, call number and facts', async () => {
    const byBarcode = await get(`/items/${inProcess.barcode}`).expect(200);
    expect(byBarcode.body).toEqual({
      id: inProcess.itemId,
      barcode: inProcess.barcode,
      branch: 'LOOK',
      materialType: 'book',
      status: 'IN_PROCESS',
      version: 2,
      callNumber: { value: 'QA76.6 .A255 1996', scheme: 'lc' },
      location: 'Adult Nonfiction',
      record: { id: expect.any(String), title: 'Structure and Interpretation', creators: ['Author, Ann'], isbn: null, issn: null, publisher: 'Test Press', publicationYear: 2020 },
      price: '24.95',
      currency: 'USD',
      processingComplete: false,
      conditions: [],
      checkoutCount: 0,
      lastCirculatedAt: null,
      shelvedAt: null,
      receivedAt: expect.any(String),
      statusChangedAt: expect.any(String),
    });
    const byId = await get(`/items/${inProcess.itemId}`).expect(200);
    expect(byId.body).toEqual(byBarcode.body);
    expect((await get(`/items/${eResource.itemId}`).expect(200)).body).toMatchObject({ barcode: null, status: 'AVAILABLE' });
  });

  it("answers 404 for another branch's item and for an unknown one, 400 for a malformed barcode", async () => {
    const foreign = await get(`/items/${elsewhere.barcode}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.message).toBe(`item ${elsewhere.barcode} not found`);
    expect((await get(`/items/${elsewhere.barcode}/history`)).status).toBe(404);
    expect((await get(`/items/${makeCodabarBarcode('9999', 2)}`)).status).toBe(404);
    const malformed = await get('/items/12345');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^barcode: /);
  });

  it("searches the caller's branches and leaves withdrawn items out unless asked", async () => {
    const ordinary = await get('/items').expect(200);
    expect(barcodesOf(ordinary.body)).toEqual([awaiting.barcode, inProcess.barcode, eResource.itemId].sort());
    const withWithdrawn = await get('/items?includeWithdrawn=true').expect(200);
    expect(barcodesOf(withWithdrawn.body)).toEqual([awaiting.barcode, inProcess.barcode, toWithdraw.barcode, eResource.itemId].sort());
    const namedStatus = await get('/items?status=WITHDRAWN').expect(200);
    expect(barcodesOf(namedStatus.body)).toEqual([toWithdraw.barcode]);
    const twoStatuses = await get('/items?status=IN_PROCESS,AWAITING_CALL_NUMBER').expect(200);
    expect(barcodesOf(twoStatuses.body)).toEqual([awaiting.barcode, inProcess.barcode].sort());
    expect((await get(`/items?barcode=${toWithdraw.barcode}`)).body.data).toEqual([]);
    expect((await get(`/items?barcode=${toWithdraw.barcode}&includeWithdrawn=true`)).body.data).toHaveLength(1);
  });

  it('filters by ISBN in either form, title substring in any case, call number prefix and branch', async () => {
    expect(barcodesOf((await get(`/items?isbn=${isbn10}`).expect(200)).body)).toEqual([awaiting.barcode]);
    expect(barcodesOf((await get(`/items?isbn=${isbn}`, admin).expect(200)).body)).toEqual([awaiting.barcode, elsewhere.barcode].sort());
    expect(barcodesOf((await get('/items?title=art%20of').expect(200)).body)).toEqual([awaiting.barcode, eResource.itemId].sort());
    expect(barcodesOf((await get('/items?callNumber=qa76.6').expect(200)).body)).toEqual([inProcess.barcode]);
    expect(barcodesOf((await get('/items?callNumber=QA76&includeWithdrawn=true').expect(200)).body)).toEqual([inProcess.barcode, toWithdraw.barcode].sort());
    expect(barcodesOf((await get('/items?branch=NOR', admin).expect(200)).body)).toEqual([elsewhere.barcode]);
    const paged = await get('/items?limit=1&offset=1').expect(200);
    expect(paged.body.page).toEqual({ limit: 1, offset: 1, total: 3 });
    expect(paged.body.data).toHaveLength(1);
  });

  it('refuses a foreign branch with 403 and bad filters with 400 naming them', async () => {
    const foreign = await get('/items?branch=NOR');
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toContain('NOR');
    const bad = await get('/items?isbn=978-0-00-000000-1&status=LOST&includeWithdrawn=maybe&limit=5000');
    expect(bad.status).toBe(400);
    const message = (bad.body.message as string[]).join('\n');
    for (const field of ['isbn', 'status', 'includeWithdrawn', 'limit']) expect(message).toContain(`${field}:`);
  });

  it("finds records by ISBN, ISSN or title, counting items per status in the caller's branches only", async () => {
    const byIsbn = await get(`/records?isbn=${isbn10}`).expect(200);
    expect(byIsbn.body.page.total).toBe(1);
    expect(byIsbn.body.data[0]).toMatchObject({
      title: 'The Art of Computer Programming',
      isbn,
      creators: ['Knuth, Donald'],
      itemCounts: { total: 1, byStatus: { AWAITING_CALL_NUMBER: 1 } },
    });
    const asAdmin = await get(`/records?isbn=${isbn}`, admin).expect(200);
    expect(asAdmin.body.data[0].itemCounts).toEqual({ total: 2, byStatus: { AWAITING_CALL_NUMBER: 2 } });

    const byTitle = await get('/records?title=ART%20OF').expect(200);
    expect(byTitle.body.data.map((r: { title: string }) => r.title)).toEqual(['Online Art of Programming', 'The Art of Computer Programming']);

    const detail = await get(`/records/${byIsbn.body.data[0].id}`).expect(200);
    expect(detail.body.items.map((i: { barcode: string }) => i.barcode)).toEqual([awaiting.barcode]);
    expect(detail.body.items[0]).toMatchObject({ status: 'AWAITING_CALL_NUMBER', branch: 'LOOK' });
    expect((await get('/records/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get('/records/not-a-uuid')).status).toBe(400);
  });

  it('counts checkouts and keeps the latest circulation date, whatever order the facts arrive in', async () => {
    const data = receivedData({ branch: 'CIRC', callNumber: '813.54 KIN', callNumberScheme: 'ddc', pendingSteps: [] });
    await publish(run, received(data));
    await eventually(async () => expect((await get(`/items/${data.barcode}`)).status).toBe(200));
    const fact = (occurredAt: string) => ({ barcode: data.barcode!, occurredAt, branch: 'CIRC' });

    const events = [
      checkedOut(fact('2026-03-01T10:00:00.000Z')),
      checkedIn(fact('2026-03-15T10:00:00.000Z')),
      checkedOut(fact('2026-02-01T10:00:00.000Z')), // late: counts, but does not move the date back
    ];
    for (const event of events) await publish(run, event);
    await eventually(async () => expect(await wasProcessed(run, events[2].id)).toBe(true));
    // Three circulation facts, three item versions on top of the two status changes.
    expect((await get(`/items/${data.barcode}`)).body).toMatchObject({ checkoutCount: 2, lastCirculatedAt: '2026-03-15T10:00:00.000Z', status: 'SHELF_READY', version: 5 });
    expect((await get(`/items/${data.barcode}/history`)).body).toHaveLength(2);
    await eventually(() => expect(probe.of('cataloging.item.updated', data.itemId)).toHaveLength(3));
    expect(probe.of('cataloging.item.updated', data.itemId).at(-1)!.data).toMatchObject({
      changed: ['circulation'],
      version: 5,
      item: { checkoutCount: 2, lastCirculatedAt: '2026-03-15T10:00:00.000Z' },
    });
  });

  it('parks a circulation fact about an unknown barcode in the dead-letter queue, saying why', async () => {
    const unknown = makeCodabarBarcode('9999', 3);
    const event = checkedOut({ barcode: unknown, occurredAt: new Date().toISOString(), branch: 'CIRC' });
    await publish(run, event);
    const dlq = new DeadLetterQueue(() => run.channel(), run.queues('cataloging').deadLetter);
    await eventually(async () => {
      const letter = (await dlq.list()).find((l) => l.messageId === event.id);
      expect(letter).toMatchObject({ kind: 'rejected', reason: `unknown barcode ${unknown}` });
    });
  });
});
