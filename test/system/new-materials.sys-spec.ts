import { makeCodabarBarcode } from '@app/contracts';
import { bearer } from '../support/service-app';
import { eventually } from '../support/test-run';
import { SystemHarness } from './support/system-harness';

/**
 * Issue 3 end to end, as users would drive it: a technician receives a mixed shipment and processes
 * it, a cataloger assigns the missing call number, the shelvers shelve — across the intake and
 * cataloging processes, over HTTP only.
 */
describe('new materials: from a supplier shipment to the shelf (system)', () => {
  const system = new SystemHarness();
  const barcode = (n: number) => makeCodabarBarcode('2024', 9000 + n);
  const [preLabelled, unlabelled, magazine, newspaper] = [1, 2, 3, 4].map(barcode);
  let technician: string;
  let cataloger: string;
  let eResourceId: string;

  const catalogItem = async (ref: string) => (await system.http('cataloging').get(`/items/${ref}`).set('Authorization', technician).expect(200)).body;
  const statusOf = async (ref: string) => (await catalogItem(ref)).status as string;
  const expectStatus = (ref: string, status: string) => eventually(async () => expect(await statusOf(ref)).toBe(status), 20_000, 100);
  const historyOf = async (ref: string) =>
    (await system.http('cataloging').get(`/items/${ref}/history`).set('Authorization', technician).expect(200)).body as Array<{
      from: string | null;
      to: string;
      actor: string;
      eventId: string;
    }>;
  const step = (ref: string, name: string) => system.http('intake').post(`/items/${ref}/steps`).set('Authorization', technician).send({ step: name });

  beforeAll(async () => {
    await system.start(['intake', 'cataloging']);
    technician = await bearer('technician', ['CEN'], { sub: 'tess' });
    cataloger = await bearer('cataloger', ['CEN'], { sub: 'cato' });
  }, 120_000);

  afterAll(() => system.stop(), 60_000);

  it('receives a mixed shipment and each item enters the catalog in its right status', async () => {
    const res = await system
      .http('intake')
      .post('/shipments')
      .set('Authorization', technician)
      .send({
        supplier: 'Baker & Taylor',
        branch: 'CEN',
        items: [
          { materialType: 'book', title: 'Java Software Solutions', barcode: preLabelled, isbn: '978-0-13-376251-8', callNumber: 'QA76.73.J38 S55 2010', callNumberScheme: 'lc', securityTag: 'strip', preApplied: ['cover'], creators: ['Lewis, John'], publicationYear: 2010, price: '89.99' },
          { materialType: 'book', title: 'Database Systems', barcode: unlabelled, isbn: '0-306-40615-2', creators: ['Date, C. J.'], publicationYear: 2004 },
          { materialType: 'magazine', title: 'The Atlantic, November 2026', barcode: magazine, issn: '1072-7825', callNumber: 'PER ATLANTIC 2026-11', callNumberScheme: 'local' },
          { materialType: 'newspaper', title: 'The New York Times, 25 November 2026', barcode: newspaper, callNumber: 'NEWS NYT 2026-11-25', callNumberScheme: 'local' },
          { materialType: 'e-resource', title: 'Introduction to Algorithms (online)', isbn: '978-0-262-04630-5' },
        ],
      })
      .expect(201);
    const lines = res.body.items as Array<{ id: string; barcode: string | null; pendingSteps: string[] }>;
    expect(lines.map((l) => l.pendingSteps)).toEqual([
      ['stamp'],
      ['spine-label', 'cover', 'security-tag', 'stamp'],
      ['cover', 'security-tag', 'stamp'],
      ['stamp'],
      [],
    ]);
    eResourceId = lines[4].id;
    expect(lines[4].barcode).toBeNull();

    await expectStatus(preLabelled, 'IN_PROCESS');
    await expectStatus(unlabelled, 'AWAITING_CALL_NUMBER');
    await expectStatus(magazine, 'IN_PROCESS');
    await expectStatus(newspaper, 'IN_PROCESS');
    await expectStatus(eResourceId, 'AVAILABLE');
  });

  it('lets technicians process a cart and single items, refusing the spine label before a call number', async () => {
    const cart = await system.http('intake').post('/steps').set('Authorization', technician).send({ step: 'stamp', barcodes: [preLabelled, magazine, newspaper] }).expect(200);
    expect(cart.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, true]);
    await step(magazine, 'cover').expect(200);
    await step(magazine, 'security-tag').expect(200);

    const early = await step(unlabelled, 'spine-label').expect(409);
    expect(early.body.message).toMatch(/call number/);
    for (const name of ['cover', 'security-tag', 'stamp']) await step(unlabelled, name).expect(200);

    await expectStatus(preLabelled, 'SHELF_READY');
    await expectStatus(magazine, 'SHELF_READY');
    await expectStatus(newspaper, 'SHELF_READY');
    expect(await statusOf(unlabelled)).toBe('AWAITING_CALL_NUMBER');
  });

  it('puts the unlabelled book in the cataloger queue and unlocks its spine label once a call number is assigned', async () => {
    const queue = await system.http('cataloging').get('/call-number-queue?branch=CEN').set('Authorization', cataloger).expect(200);
    expect(queue.body.data.map((i: { barcode: string }) => i.barcode)).toEqual([unlabelled]);
    await system.http('cataloging').put(`/items/${unlabelled}/call-number`).set('Authorization', technician).send({ callNumber: 'QA76.9.D3 D38 2004', scheme: 'lc' }).expect(403);
    await system.http('cataloging').put(`/items/${unlabelled}/call-number`).set('Authorization', cataloger).send({ callNumber: 'QA76.9.D3 D38 2004', scheme: 'lc' }).expect(200);
    await expectStatus(unlabelled, 'IN_PROCESS');
    // Intake learns of the call number from cataloging's event; until then the label stays refused.
    await eventually(async () => step(unlabelled, 'spine-label').expect(200), 20_000, 200);
    await expectStatus(unlabelled, 'SHELF_READY');
  });

  it('gives the shelvers their list in shelf order and makes shelved items available', async () => {
    const list = await system.http('cataloging').get('/shelving-list?branch=CEN').set('Authorization', technician).expect(200);
    // LC call numbers in shelf order (QA76.73 before QA76.9), then the local scheme.
    expect(list.body.data.map((i: { barcode: string }) => i.barcode)).toEqual([preLabelled, unlabelled, newspaper, magazine]);
    for (const item of [preLabelled, unlabelled, magazine, newspaper]) {
      await system.http('cataloging').post(`/items/${item}/shelve`).set('Authorization', technician).expect(200);
    }
    for (const item of [preLabelled, unlabelled, magazine, newspaper]) expect(await statusOf(item)).toBe('AVAILABLE');
    const again = await system.http('cataloging').post(`/items/${preLabelled}/shelve`).set('Authorization', technician).expect(409);
    expect(again.body.message).toMatch(/AVAILABLE/);
  });

  it('keeps each item history complete and in order, every transition once', async () => {
    const paths: Record<string, string[]> = {
      [preLabelled]: ['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE'],
      [unlabelled]: ['RECEIVED', 'AWAITING_CALL_NUMBER', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE'],
      [magazine]: ['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE'],
      [newspaper]: ['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE'],
      [eResourceId]: ['RECEIVED', 'AVAILABLE'],
    };
    for (const [ref, path] of Object.entries(paths)) {
      const history = await historyOf(ref);
      expect(history.map((h) => h.to)).toEqual(path);
      expect(history.map((h) => h.from)).toEqual([null, ...path.slice(0, -1)]);
      expect(history.every((h) => typeof h.actor === 'string' && h.actor.length > 0)).toBe(true);
    }
    const shelved = (await historyOf(preLabelled)).at(-1)!;
    expect(shelved.actor).toBe('tess');
  });

  it('shows the intake view in step with the catalog', async () => {
    await eventually(async () => {
      const item = (await system.http('intake').get(`/items/${unlabelled}`).set('Authorization', technician).expect(200)).body;
      expect(item.status).toBe('AVAILABLE');
      expect(item.pendingSteps).toEqual([]);
    }, 20_000, 200);
  });

  it('groups the second copy of a title under the first copy record', async () => {
    const copy = barcode(5);
    await system.http('intake').post('/shipments').set('Authorization', technician)
      .send({ supplier: 'Baker & Taylor', branch: 'CEN', items: [{ materialType: 'book', title: 'Database Systems', barcode: copy, isbn: '9780306406157' }] })
      .expect(201);
    await expectStatus(copy, 'AWAITING_CALL_NUMBER');
    const [first, second] = await Promise.all([catalogItem(unlabelled), catalogItem(copy)]);
    expect(second.record.id).toBe(first.record.id);
  });
});
