import 'reflect-metadata';
import { ItemStatus, makeCodabarBarcode } from '@app/contracts';
import { expectLocksInIdOrder } from '../../../test/support/lock-order';
import { bearer, RunningService, startService } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';
import { CatalogingModule } from '../src/cataloging.module';
import { publish, received, receivedData, TEST_BRANCHES } from './cataloging-test-kit';

/** From /work/shared/fixtures/call-number-order.md: each list in ascending shelf order. */
const LC_ORDER = [
  'HD58.7 .A3 1990', 'HD58.7 .A3 2001', 'HD58.7 .B2', 'HD58.8 .C5', 'HF5415 .K6 1999', 'P35 .H3', 'PA1 .A2', 'PN1997 .C6',
  'PN1997.2 .A1', 'PN1997.85 .L3', 'PS3545 .I345 A6 1990', 'PS3545 .I4 B7', 'PS3545 .I45', 'Q1 .N2', 'QA9 .S5', 'QA76 .A1',
  'QA76.5 .M3', 'QA76.73 .J38 S55 2010', 'QA76.73 .J38 S6', 'QA76.9 .D3 D38 2004', 'QA100 .C7', 'QA760 .B5 1999', 'QB43.2 .M3',
];
const DDC_ORDER = [
  '001.9 ABE', '004 SMI', '004.16 JON', '005 BAK', '005.1 ALD', '005.13 SMI', '005.133 JON', '005.133 KER', '005.2 ABC',
  '006.3 RUS', '020 LIB', '025.3 CAT', '100 PHI', '641.5 BRO', '641.59 ALI', '641.5945 DAV', '641.595 CHE', '813.54 KIN',
];

/** Deterministic shuffle (so a failure can be replayed), far from any sorted order. */
function shuffled<T>(values: T[], seed = 7): T[] {
  const copy = [...values];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

// Boots a service and waits on the broker: more than jest's default 5 s when the suite runs beside others.
jest.setTimeout(30_000);

describe('shelvers: the shelving list in shelf order, and shelving', () => {
  const run = new TestRun();
  let service: RunningService;
  let shelver: string;
  let admin: string;

  beforeAll(async () => {
    service = await startService(run, 'cataloging', (env) => CatalogingModule.forEnvironment(env), { BRANCHES: TEST_BRANCHES });
    shelver = await bearer('technician', ['CEN', 'SHF'], { sub: 'shelly' });
    admin = await bearer('admin', ['*']);
  });

  afterAll(async () => {
    await service?.app.close();
    await run.cleanup();
  });

  const get = (path: string, auth = shelver) => service.http().get(path).set('Authorization', auth);
  const shelve = (ref: string, auth = shelver) => service.http().post(`/items/${ref}/shelve`).set('Authorization', auth);
  const untilStatus = (ref: string, status: ItemStatus) =>
    eventually(async () => {
      const response = await get(`/items/${ref}`, admin);
      expect(response.status).toBe(200);
      expect(response.body.status).toBe(status);
      return response.body;
    });
  /** A pre-labelled item with nothing left to do: SHELF_READY on arrival. */
  const shelfReady = async (callNumber: string, scheme: 'lc' | 'ddc' | 'local', overrides: Parameters<typeof receivedData>[0] = {}) => {
    const data = receivedData({ callNumber, callNumberScheme: scheme, pendingSteps: [], ...overrides });
    await publish(run, received(data));
    return data;
  };

  it('lists shelf-ready items in shelf order — LC, then Dewey, each in its own call-number order — on every page', async () => {
    const wanted = [...LC_ORDER.map((c) => ({ c, scheme: 'lc' as const })), ...DDC_ORDER.map((c) => ({ c, scheme: 'ddc' as const }))];
    const barcodeOf = new Map<string, string>();
    for (const { c, scheme } of shuffled(wanted)) {
      const data = await shelfReady(c, scheme, { branch: 'SHF', collection: scheme === 'lc' ? 'Stacks' : 'Nonfiction' });
      barcodeOf.set(c, data.barcode!);
    }
    // Neither of these belongs on this list: another branch, and an item still in process.
    await shelfReady('QA1 .A1', 'lc', { branch: 'CEN' });
    const inProcess = receivedData({ branch: 'SHF', callNumber: 'A1 .A1', callNumberScheme: 'lc', pendingSteps: ['cover'] });
    await publish(run, received(inProcess));
    await untilStatus(inProcess.barcode!, ItemStatus.IN_PROCESS);
    await eventually(async () => expect((await get('/shelving-list?branch=SHF&limit=1')).body.page.total).toBe(wanted.length));

    const expected = wanted.map(({ c }) => barcodeOf.get(c));
    const whole = await get('/shelving-list?branch=SHF&limit=1000').expect(200);
    expect(whole.body.data.map((e: { barcode: string }) => e.barcode)).toEqual(expected);
    expect(whole.body.data[0]).toEqual({
      id: expect.any(String),
      barcode: barcodeOf.get('HD58.7 .A3 1990'),
      callNumber: { value: 'HD58.7 .A3 1990', scheme: 'lc' },
      location: 'Stacks',
      title: 'A Test Title',
      creators: ['Author, Ann'],
      materialType: 'book',
      shelfReadyAt: expect.any(String),
    });

    const paged: string[] = [];
    for (let offset = 0; offset < wanted.length; offset += 7) {
      const page = await get(`/shelving-list?branch=SHF&limit=7&offset=${offset}`).expect(200);
      expect(page.body.page).toEqual({ limit: 7, offset, total: wanted.length });
      paged.push(...page.body.data.map((e: { barcode: string }) => e.barcode));
    }
    expect(paged).toEqual(expected);
  });

  it('needs a known branch of the caller', async () => {
    const missing = await get('/shelving-list');
    expect(missing.status).toBe(400);
    expect(missing.body.message.join(' ')).toContain('branch');
    expect((await get('/shelving-list?branch=NOR')).status).toBe(403);
  });

  it('makes a shelved item AVAILABLE and refuses to shelve it again, naming its status', async () => {
    const data = await shelfReady('PN1997 .C6', 'lc');
    await untilStatus(data.barcode!, ItemStatus.SHELF_READY);
    const shelved = await shelve(data.barcode!).expect(200);
    expect(shelved.body).toMatchObject({ status: 'AVAILABLE', version: 3 });
    expect(Date.parse(shelved.body.shelvedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(shelved.body.shelvedAt).toBe(shelved.body.statusChangedAt);

    const again = await shelve(data.barcode!);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`item ${data.barcode} is AVAILABLE; only SHELF_READY items can be shelved`);
    const history = (await get(`/items/${data.barcode}/history`)).body;
    expect(history.at(-1)).toMatchObject({ from: 'SHELF_READY', to: 'AVAILABLE', actor: 'shelly', reason: 'shelved' });
    expect(history).toHaveLength(3);
  });

  it('refuses to shelve an item still in process, and lets only technicians and above shelve', async () => {
    const data = receivedData({ callNumber: 'QA76 .A1', callNumberScheme: 'lc', pendingSteps: ['cover'] });
    await publish(run, received(data));
    await untilStatus(data.barcode!, ItemStatus.IN_PROCESS);
    const early = await shelve(data.barcode!);
    expect(early.status).toBe(409);
    expect(early.body.message).toContain('is IN_PROCESS');

    const ready = await shelfReady('QA76 .B1', 'lc');
    await untilStatus(ready.barcode!, ItemStatus.SHELF_READY);
    const cataloger = await bearer('cataloger', ['CEN']);
    expect((await shelve(ready.barcode!, cataloger)).status).toBe(403);
    const librarian = await bearer('librarian', ['CEN']);
    await shelve(ready.barcode!, librarian).expect(200);
  });

  it('shelves a cart, answering for each barcode: one that cannot be shelved holds back none of the others', async () => {
    const ready = await shelfReady('QA100 .C7', 'lc');
    const done = await shelfReady('QA760 .B5 1999', 'lc');
    const foreign = await shelfReady('QB43.2 .M3', 'lc', { branch: 'NOR' });
    await untilStatus(ready.barcode!, ItemStatus.SHELF_READY);
    await untilStatus(done.barcode!, ItemStatus.SHELF_READY);
    await untilStatus(foreign.barcode!, ItemStatus.SHELF_READY);
    await shelve(done.barcode!).expect(200);
    const unknown = makeCodabarBarcode('9999', 1);

    const response = await service.http().post('/items/shelve').set('Authorization', shelver)
      .send({ barcodes: [ready.barcode, done.barcode, foreign.barcode, unknown, ready.barcode] })
      .expect(200);
    expect(response.body.results).toEqual([
      { barcode: ready.barcode, ok: true, status: 'AVAILABLE' },
      { barcode: done.barcode, ok: false, status: 'AVAILABLE', error: `item ${done.barcode} is AVAILABLE; only SHELF_READY items can be shelved` },
      { barcode: foreign.barcode, ok: false, error: `item ${foreign.barcode} not found` },
      { barcode: unknown, ok: false, error: `item ${unknown} not found` },
      // The same book twice on the cart: shelved once, and the second scan says so.
      { barcode: ready.barcode, ok: false, status: 'AVAILABLE', error: `item ${ready.barcode} is AVAILABLE; only SHELF_READY items can be shelved` },
    ]);
    expect((await get(`/items/${foreign.barcode}`, admin)).body.status).toBe('SHELF_READY');
    const history = (await get(`/items/${ready.barcode}/history`, admin)).body as { to: string; actor: string; reason: string }[];
    expect(history.filter((entry) => entry.to === 'AVAILABLE')).toEqual([expect.objectContaining({ actor: 'shelly', reason: 'shelved' })]);

    // A full cart: every book shelved, each with its own history entry and shelving time.
    const cart = [];
    for (let i = 0; i < 40; i++) cart.push(await shelfReady(`QA${200 + i} .C${i % 9 + 1}`, 'lc'));
    for (const item of cart) await untilStatus(item.barcode!, ItemStatus.SHELF_READY);
    const full = await service.http().post('/items/shelve').set('Authorization', shelver).send({ barcodes: cart.map((item) => item.barcode) }).expect(200);
    expect(full.body.results).toEqual(cart.map((item) => ({ barcode: item.barcode, ok: true, status: 'AVAILABLE' })));
    for (const item of cart) {
      const view = (await get(`/items/${item.barcode}`, admin)).body;
      expect(view).toMatchObject({ status: 'AVAILABLE', shelvedAt: expect.any(String) });
    }

    const malformed = await service.http().post('/items/shelve').set('Authorization', shelver).send({ barcodes: [ready.barcode, '123'] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message.join(' ')).toContain('barcodes');
  });
  it('locks a cart’s items in id order, whatever order they were scanned in, so two carts never deadlock', async () => {
    const cart = [];
    for (let i = 0; i < 6; i++) cart.push(await shelfReady(`QA${300 + i} .L${i + 1}`, 'lc'));
    for (const item of cart) await untilStatus(item.barcode!, ItemStatus.SHELF_READY);
    const scanned = [...cart].sort((a, b) => b.itemId.localeCompare(a.itemId));
    await expectLocksInIdOrder(`"${run.schemaFor('cataloging')}".catalog_item`, 'id', cart.map((item) => item.itemId), async () => {
      const response = await service.http().post('/items/shelve').set('Authorization', shelver).send({ barcodes: scanned.map((item) => item.barcode) });
      expect(response.status).toBe(200);
    });
    for (const item of cart) expect((await get(`/items/${item.barcode}`, admin)).body.status).toBe('AVAILABLE');
  });
});
