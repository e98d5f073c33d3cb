import type { GetMessage } from 'amqplib';
import { bearer } from '../support/service-app';
import { eventually } from '../support/test-run';
import { circulate, shelveNewBooks, systemBarcode, untilStatus } from './support/flows';
import { SystemHarness } from './support/system-harness';

jest.setTimeout(180_000);

/**
 * Issue 5 end to end: shelved items with a circulation history are weeded by the branch's rules, the
 * approved ones pulled and withdrawn, some listed on the sales platform (which reads its own queue and
 * reports sales, one of them twice), the rest donated — and the revenue report adds up.
 */
describe('weeding, withdrawal and sales (system)', () => {
  const system = new SystemHarness();
  const platform = 'booksale-co';
  let technician: string;
  let librarian: string;
  let platformToken: string;

  const books = {
    oldUnused: { barcode: systemBarcode(), title: 'Fortran for Beginners', callNumber: 'QA76.73 .F25 M3 1980', publicationYear: 1980 },
    oldButUsed: { barcode: systemBarcode(), title: 'The C Programming Language', callNumber: 'QA76.73 .C15 K47 1985', publicationYear: 1985 },
    recent: { barcode: systemBarcode(), title: 'Rust in Action', callNumber: 'QA76.73 .R87 M38 2024', publicationYear: 2024 },
    worn: { barcode: systemBarcode(), title: 'Cooking Basics', callNumber: 'TX714 .C66 2020', publicationYear: 2020 },
    copyA: { barcode: systemBarcode(), title: 'COBOL Handbook', callNumber: 'QA76.73 .C25 H3 1975', publicationYear: 1975, isbn: '0-306-40615-2', collection: 'Classics' },
    copyB: { barcode: systemBarcode(), title: 'COBOL Handbook', callNumber: 'QA76.73 .C25 H3 1975 c.2', publicationYear: 1975, isbn: '0-306-40615-2', collection: 'Classics' },
    ancient: { barcode: systemBarcode(), title: 'Punched Cards', callNumber: 'QA76.5 .P8 1970', publicationYear: 1970 },
  };
  const all = Object.values(books);

  beforeAll(async () => {
    await system.start(['intake', 'cataloging', 'disposal']);
    technician = await bearer('technician', ['CEN'], { sub: 'tess' });
    librarian = await bearer('librarian', ['CEN'], { sub: 'libby' });
    platformToken = await bearer('sales-platform', [], { partnerId: platform });
    await shelveNewBooks(system, technician, all);
    await circulate(system, books.oldUnused.barcode, '2012-05-01T10:00:00.000Z');
    await circulate(system, books.oldButUsed.barcode, '2026-10-01T10:00:00.000Z');
    for (const copy of [books.copyA, books.copyB]) await circulate(system, copy.barcode, '2010-01-10T10:00:00.000Z');
    await circulate(system, books.ancient.barcode, '2011-03-03T10:00:00.000Z');
    await system.http('cataloging').put(`/items/${books.worn.barcode}/conditions`).set('Authorization', technician).send({ conditions: ['worn'] }).expect(200);
    // Cataloging counts the circulation facts, then tells disposal through its item events. Disposal's
    // read model is internal: the test only waits until it has caught up with cataloging's versions.
    await eventually(async () => {
      const item = (await system.http('cataloging').get(`/items/${books.ancient.barcode}`).set('Authorization', technician).expect(200)).body;
      expect(item.checkoutCount).toBe(1);
      const versions = new Map<string, number>();
      for (const book of all) versions.set(book.barcode, (await system.http('cataloging').get(`/items/${book.barcode}`).set('Authorization', technician)).body.version);
      const seen = await system.run.query<{ barcode: string; version: number }>(`SELECT barcode, version FROM "${system.run.schemaFor('disposal')}".item_view`);
      expect(new Map(seen.map((r) => [r.barcode, r.version]))).toEqual(versions);
    }, 30_000, 200);
  }, 180_000);

  afterAll(() => system.stop(), 60_000);

  let candidates: Array<{ id: string; barcode: string; reasons: string[] }> = [];

  it('finds exactly the items the rules name, sparing the last copy', async () => {
    await system.http('disposal').put('/weeding-rules/CEN').set('Authorization', librarian)
      .send({
        rules: [
          // Classics: weed old, unused copies, but never the last one.
          { collection: 'Classics', maxAgeYears: 20, maxYearsWithoutUse: 5, conditions: [], keepLastCopy: true },
          { collection: 'Adult Nonfiction', maxAgeYears: 20, maxYearsWithoutUse: 5, conditions: ['worn'], keepLastCopy: false },
        ],
      })
      .expect(200);
    const res = await system.http('disposal').post('/weeding-runs').set('Authorization', librarian).send({ branch: 'CEN' }).expect(201);
    candidates = res.body.candidates;
    const found = candidates.map((c) => c.barcode);
    expect(found).toEqual(expect.arrayContaining([books.oldUnused.barcode, books.worn.barcode, books.ancient.barcode]));
    expect(found.filter((b) => b === books.copyA.barcode || b === books.copyB.barcode)).toHaveLength(1);
    expect(found).toHaveLength(4);
    const worn = candidates.find((c) => c.barcode === books.worn.barcode)!;
    expect(worn.reasons.join(' ')).toMatch(/worn/);
  });

  it('pulls and withdraws the approved candidates, keeping the others on the shelf', async () => {
    const kept = candidates.find((c) => c.barcode === books.ancient.barcode)!;
    const approved = candidates.filter((c) => c !== kept);
    for (const c of approved) await system.http('disposal').post(`/weeding-candidates/${c.id}/approve`).set('Authorization', librarian).expect(200);
    await system.http('disposal').post(`/weeding-candidates/${kept.id}/keep`).set('Authorization', librarian).expect(200);
    await system.http('disposal').post(`/weeding-candidates/${approved[0].id}/approve`).set('Authorization', technician).expect(403);

    const pullList = await system.http('disposal').get('/pull-list?branch=CEN').set('Authorization', technician).expect(200);
    const listed = pullList.body.data.map((e: { barcode: string }) => e.barcode);
    expect(new Set(listed)).toEqual(new Set(approved.map((c) => c.barcode)));
    // Shelf order: QA76.73 .C25 < QA76.73 .F25 < TX714.
    expect(listed.at(-1)).toBe(books.worn.barcode);

    for (const c of approved) await system.http('disposal').post(`/weeding-candidates/${c.id}/pulled`).set('Authorization', technician).expect(200);
    await untilStatus(system, technician, approved.map((c) => c.barcode), 'WITHDRAWN');
    await untilStatus(system, technician, [books.ancient.barcode, books.recent.barcode, books.oldButUsed.barcode], 'AVAILABLE');
    const history = (await system.http('cataloging').get(`/items/${books.oldUnused.barcode}/history`).set('Authorization', technician).expect(200)).body;
    expect(history.at(-1)).toMatchObject({ from: 'AVAILABLE', to: 'WITHDRAWN', reason: 'withdrawn: weeded' });
    const hidden = await system.http('cataloging').get(`/items?branch=CEN&barcode=${books.oldUnused.barcode}`).set('Authorization', technician).expect(200);
    expect(hidden.body.data).toHaveLength(0);
    const shown = await system.http('cataloging').get(`/items?branch=CEN&barcode=${books.oldUnused.barcode}&includeWithdrawn=true`).set('Authorization', technician).expect(200);
    expect(shown.body.data).toHaveLength(1);
  });

  it('lists withdrawn items to the sales platform, which reads them from its own queue and reports sales', async () => {
    const channel = await system.run.channel();
    const queue = system.run.partnerQueue(platform);
    const toSell = [books.oldUnused, books.worn];
    const listings: Record<string, string> = {};
    for (const [i, book] of toSell.entries()) {
      const res = await system.http('disposal').post('/listings').set('Authorization', technician)
        .send({ barcode: book.barcode, condition: i === 0 ? 'good' : 'acceptable', channel: platform })
        .expect(201);
      listings[book.barcode] = res.body.id;
    }
    await untilStatus(system, technician, toSell.map((b) => b.barcode), 'LISTED_FOR_SALE');

    const received: GetMessage[] = [];
    await eventually(async () => {
      const message = await channel.get(queue, { noAck: false });
      if (message) received.push(message);
      expect(received).toHaveLength(2);
    });
    for (const message of received) channel.ack(message);
    const bodies = received.map((m) => JSON.parse(m.content.toString()));
    expect(bodies.map((b) => b.data.barcode).sort()).toEqual(toSell.map((b) => b.barcode).sort());
    expect(bodies.every((b) => b.data.exLibrary === true && /^\d+\.\d{2}$/.test(b.data.price))).toBe(true);
    expect(received.every((m) => m.fields.routingKey === `sales.${platform}.item.listed`)).toBe(true);
    await channel.close();

    const visible = await system.http('disposal').get('/platform/listings').set('Authorization', platformToken).expect(200);
    expect(visible.body.data).toHaveLength(2);
    await system.http('disposal').get(`/platform/listings/${listings[books.worn.barcode]}`).set('Authorization', await bearer('sales-platform', [], { partnerId: 'other-platform' })).expect(404);

    const sale = { price: '7.25', currency: 'USD', orderRef: 'ORD-1001', soldAt: '2026-11-20T12:00:00.000Z' };
    await system.http('disposal').post(`/platform/listings/${listings[books.oldUnused.barcode]}/sale`).set('Authorization', platformToken).send(sale).expect(201);
    const again = await system.http('disposal').post(`/platform/listings/${listings[books.oldUnused.barcode]}/sale`).set('Authorization', platformToken).send(sale).expect(200);
    expect(again.body.orderRef).toBe('ORD-1001');
    await system.http('disposal').post(`/platform/listings/${listings[books.worn.barcode]}/sale`).set('Authorization', platformToken)
      .send({ price: '2.50', currency: 'USD', orderRef: 'ORD-1002', soldAt: '2026-11-21T12:00:00.000Z' })
      .expect(201);
    await untilStatus(system, technician, toSell.map((b) => b.barcode), 'SOLD');
    const history = (await system.http('cataloging').get(`/items/${books.oldUnused.barcode}/history`).set('Authorization', technician).expect(200)).body;
    expect(history.filter((h: { to: string }) => h.to === 'SOLD')).toHaveLength(1);
  });

  it('donates the withdrawn copy that was not listed and reports the revenue that adds up', async () => {
    const copy = candidates.find((c) => c.barcode === books.copyA.barcode || c.barcode === books.copyB.barcode)!;
    const withdrawals = await system.http('disposal').get('/withdrawals?branch=CEN').set('Authorization', librarian).expect(200);
    const withdrawal = withdrawals.body.data.find((w: { barcode: string }) => w.barcode === copy.barcode);
    await system.http('disposal').post(`/withdrawals/${withdrawal.id}/dispose`).set('Authorization', technician).send({ method: 'donate' }).expect(200);
    await untilStatus(system, technician, [copy.barcode], 'DISPOSED');

    const report = await system.http('disposal').get('/reports/revenue?branch=CEN&from=2026-11-01&to=2026-11-30').set('Authorization', librarian).expect(200);
    expect(report.body.itemsSold).toBe(2);
    expect(JSON.stringify(report.body.totals)).toContain('9.75');
    const csv = await system.http('disposal').get('/reports/revenue?branch=CEN&from=2026-11-01&to=2026-11-30').set('Authorization', librarian).set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toContain('9.75');
  });
});
