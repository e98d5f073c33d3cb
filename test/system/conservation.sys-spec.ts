import type { GetMessage } from 'amqplib';
import { bearer } from '../support/service-app';
import { eventually } from '../support/test-run';
import { shelveNewBooks, systemBarcode, untilStatus } from './support/flows';
import { SystemHarness } from './support/system-harness';

jest.setTimeout(180_000);

/**
 * Issue 4 end to end: items pulled for repair and binding, repairs completed with each outcome
 * (repaired, bindery, condemned → withdrawn by disposal), a bindery lot shipped to a vendor who reads
 * the shipment event from its own queue, the lot returned — every status and history checked in
 * cataloging, the system of record.
 */
describe('pulls, repairs and outsourced binding (system)', () => {
  const system = new SystemHarness();
  const vendorPartner = 'acme-bindery';
  let technician: string;
  let senior: string;
  let admin: string;
  let vendorToken: string;

  const books = {
    torn: { barcode: systemBarcode(), title: 'Torn Pages', callNumber: 'PS3545 .I345 A6 1990' },
    broken: { barcode: systemBarcode(), title: 'Broken Spine', callNumber: 'PS3545 .I4 B7' },
    ruined: { barcode: systemBarcode(), title: 'Water Damaged', callNumber: 'QA9 .S5' },
    journal: { barcode: systemBarcode(), title: 'Journal of Things, vol. 12', callNumber: 'Q1 .N2' },
    lost: { barcode: systemBarcode(), title: 'Never Found', callNumber: 'P35 .H3' },
  };

  const conservation = () => system.http('conservation');
  const historyOf = async (barcode: string) =>
    ((await system.http('cataloging').get(`/items/${barcode}/history`).set('Authorization', technician).expect(200)).body as Array<{ from: string | null; to: string }>).map((h) => h.to);

  beforeAll(async () => {
    await system.start(['intake', 'cataloging', 'conservation', 'disposal']);
    technician = await bearer('technician', ['CEN'], { sub: 'tess' });
    senior = await bearer('senior-technician', ['CEN'], { sub: 'sam' });
    admin = await bearer('admin', ['*'], { sub: 'ada' });
    vendorToken = await bearer('bindery-vendor', [], { partnerId: vendorPartner });
    await shelveNewBooks(system, technician, Object.values(books));
    // Conservation learns of the items from cataloging's events; wait until it knows them all.
    await eventually(async () => {
      const rows = await system.run.query<{ status: string }>(`SELECT status FROM "${system.run.schemaFor('conservation')}".item_view`);
      expect(rows.filter((r) => r.status === 'AVAILABLE')).toHaveLength(Object.keys(books).length);
    }, 30_000, 200);
  }, 180_000);

  afterAll(() => system.stop(), 60_000);

  const pullRequests: Record<string, string> = {};

  it('gives the technician a pull list in shelf order and takes the items off the shelf', async () => {
    const requests: Array<[keyof typeof books, 'repair' | 'binding', string?]> = [
      ['torn', 'repair', 'torn-pages'],
      ['broken', 'repair', 'broken-spine'],
      ['ruined', 'repair', 'water-damage'],
      ['journal', 'binding'],
      ['lost', 'repair', 'detached-cover'],
    ];
    for (const [name, reason, damage] of requests) {
      const res = await conservation().post('/pull-requests').set('Authorization', technician).send({ barcode: books[name].barcode, reason, damage }).expect(201);
      pullRequests[name] = res.body.id;
    }
    await conservation().post('/pull-requests').set('Authorization', technician).send({ barcode: books.torn.barcode, reason: 'repair' }).expect(409);

    const list = await conservation().get('/pull-list?branch=CEN').set('Authorization', technician).expect(200);
    expect(list.body.data.map((e: { barcode: string }) => e.barcode)).toEqual(
      [books.lost, books.torn, books.broken, books.journal, books.ruined].map((b) => b.barcode),
    );

    for (const name of ['torn', 'broken', 'ruined', 'journal'] as const) {
      await conservation().post(`/pull-requests/${pullRequests[name]}/pulled`).set('Authorization', technician).expect(200);
    }
    await conservation().post(`/pull-requests/${pullRequests.lost}/not-found`).set('Authorization', technician).expect(200);
    await untilStatus(system, technician, [books.torn, books.broken, books.ruined].map((b) => b.barcode), 'IN_REPAIR');
    await untilStatus(system, technician, [books.journal.barcode], 'AWAITING_BINDERY');
    await untilStatus(system, technician, [books.lost.barcode], 'MISSING');
  });

  it('completes repairs with each outcome, major repairs by a senior technician only', async () => {
    const repairs = (await eventually(async () => {
      const res = await conservation().get('/repairs?branch=CEN&status=open').set('Authorization', technician).expect(200);
      expect(res.body.data).toHaveLength(3);
      return res.body.data;
    })) as Array<{ id: string; barcode: string }>;
    const repairOf = (barcode: string) => repairs.find((r) => r.barcode === barcode)!.id;

    await conservation().post(`/repairs/${repairOf(books.torn.barcode)}/complete`).set('Authorization', technician).send({ treatment: 'tear-mend', minutes: 20, outcome: 'repaired' }).expect(200);
    const refused = await conservation().post(`/repairs/${repairOf(books.broken.barcode)}/complete`).set('Authorization', technician).send({ treatment: 'rebind', outcome: 'bindery' }).expect(403);
    expect(refused.body.message).toMatch(/senior-technician/);
    await conservation().post(`/repairs/${repairOf(books.broken.barcode)}/complete`).set('Authorization', senior).send({ treatment: 'rebind', outcome: 'bindery' }).expect(200);
    await conservation().post(`/repairs/${repairOf(books.ruined.barcode)}/complete`).set('Authorization', technician).send({ treatment: 'other', outcome: 'condemned', note: 'mould throughout' }).expect(200);

    await untilStatus(system, technician, [books.torn.barcode], 'SHELF_READY');
    await untilStatus(system, technician, [books.broken.barcode], 'AWAITING_BINDERY');
    // Condemned: disposal withdraws it (reason damaged), cataloging records the withdrawal.
    await untilStatus(system, technician, [books.ruined.barcode], 'WITHDRAWN');
    const last = (await system.http('cataloging').get(`/items/${books.ruined.barcode}/history`).set('Authorization', technician).expect(200)).body.at(-1);
    expect(last).toMatchObject({ from: 'IN_REPAIR', to: 'WITHDRAWN', reason: 'withdrawn: damaged' });
  });

  it('ships a lot to the vendor, who reads the manifest from its own queue, and reshelves what comes back', async () => {
    const vendor = await conservation().post('/vendors').set('Authorization', admin).send({ name: 'Acme Library Bindery', partnerId: vendorPartner, turnaroundDays: 21 }).expect(201);
    await conservation().post('/vendors').set('Authorization', technician).send({ name: 'X', partnerId: 'x-bindery', turnaroundDays: 5 }).expect(403);
    const lot = await conservation().post('/bindery/shipments').set('Authorization', technician).send({ vendorId: vendor.body.id, branch: 'CEN' }).expect(201);
    // Conservation's view must have caught up with the repair that sent `broken` to the bindery.
    await eventually(async () => {
      await conservation().post(`/bindery/shipments/${lot.body.id}/items`).set('Authorization', technician)
        .send({
          items: [books.journal, books.broken].map((b) => ({
            barcode: b.barcode, bindingStyle: 'buckram', leafAttachment: 'oversew', clothColor: 'dark blue', foilColor: 'gold',
            spineLettering: [b.title.toUpperCase(), b.callNumber], instructions: 'keep covers',
          })),
        })
        .expect(200);
    }, 20_000, 300);
    const pdf = await conservation().get(`/bindery/shipments/${lot.body.id}/slips.pdf`).set('Authorization', technician).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(pdf.headers['content-type']).toMatch(/application\/pdf/);
    expect((pdf.body as Buffer).subarray(0, 4).toString()).toBe('%PDF');

    const dispatched = await conservation().post(`/bindery/shipments/${lot.body.id}/dispatch`).set('Authorization', technician).expect(200);
    expect(dispatched.body.expectedReturnAt).toBeTruthy();
    await untilStatus(system, technician, [books.journal.barcode, books.broken.barcode], 'AT_BINDERY');

    // The vendor, as a partner would: its own queue, the full manifest.
    const channel = await system.run.channel();
    const message = (await eventually(async () => {
      const got = await channel.get(system.run.partnerQueue(vendorPartner), { noAck: false });
      if (!got) throw new Error('no shipment event yet');
      return got;
    })) as GetMessage;
    channel.ack(message);
    await channel.close();
    expect(message.fields.routingKey).toBe(`bindery.${vendorPartner}.shipment.dispatched`);
    const manifest = JSON.parse(message.content.toString()).data;
    expect(manifest.lotNumber).toBe(dispatched.body.lotNumber);
    expect(manifest.lines.map((l: { lineNo: number; barcode: string }) => [l.lineNo, l.barcode])).toEqual([
      [1, books.journal.barcode],
      [2, books.broken.barcode],
    ]);
    expect(manifest.lines[0].slip).toMatchObject({ bindingStyle: 'buckram', spineLettering: [books.journal.title.toUpperCase(), books.journal.callNumber] });

    const seen = await conservation().get('/vendor/shipments').set('Authorization', vendorToken).expect(200);
    expect(seen.body.data.map((s: { id: string }) => s.id)).toEqual([lot.body.id]);
    await conservation().get(`/vendor/shipments/${lot.body.id}`).set('Authorization', await bearer('bindery-vendor', [], { partnerId: 'other-bindery' })).expect(404);
    await conservation().post(`/vendor/shipments/${lot.body.id}/acknowledge`).set('Authorization', vendorToken).expect(200);
    const acknowledged = await conservation().get(`/bindery/shipments/${lot.body.id}`).set('Authorization', technician).expect(200);
    expect(acknowledged.body.acknowledgedAt).toBeTruthy();

    const partial = await conservation().post(`/bindery/shipments/${lot.body.id}/returns`).set('Authorization', technician).send({ barcodes: [books.journal.barcode, books.torn.barcode] }).expect(200);
    expect(partial.body.accepted).toEqual([books.journal.barcode]);
    expect(partial.body.rejected.map((r: { barcode: string }) => r.barcode)).toEqual([books.torn.barcode]);
    await untilStatus(system, technician, [books.journal.barcode], 'SHELF_READY');
    await conservation().post(`/bindery/shipments/${lot.body.id}/returns`).set('Authorization', technician).send({ barcodes: [books.broken.barcode] }).expect(200);
    await untilStatus(system, technician, [books.broken.barcode], 'SHELF_READY');
    const closed = await conservation().get(`/bindery/shipments/${lot.body.id}`).set('Authorization', technician).expect(200);
    expect(closed.body.status).toBe('returned');
  });

  it('leaves every item with its whole story in cataloging, each transition once', async () => {
    expect(await historyOf(books.torn.barcode)).toEqual(['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE', 'IN_REPAIR', 'SHELF_READY']);
    expect(await historyOf(books.broken.barcode)).toEqual(['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE', 'IN_REPAIR', 'AWAITING_BINDERY', 'AT_BINDERY', 'SHELF_READY']);
    expect(await historyOf(books.journal.barcode)).toEqual(['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE', 'AWAITING_BINDERY', 'AT_BINDERY', 'SHELF_READY']);
    expect(await historyOf(books.ruined.barcode)).toEqual(['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE', 'IN_REPAIR', 'WITHDRAWN']);
    expect(await historyOf(books.lost.barcode)).toEqual(['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE', 'MISSING']);
  });
});
