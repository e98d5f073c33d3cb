import { ItemStatus } from '@app/contracts';
import { bearer, RunningService, startService } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';
import { ConservationModule } from '../src/conservation.module';
import { CatalogItem, catalogItem, catalogMoves, EventProbe, onShelf } from './conservation-test-kit';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('bindery vendors, lots, and the vendor side', () => {
  const run = new TestRun();
  let service: RunningService;
  let probe: EventProbe;
  let admin: string;
  let technician: string;
  let acme: { id: string; partnerId: string };
  let hf: { id: string; partnerId: string };

  beforeAll(async () => {
    service = await startService(run, 'conservation', (env) => ConservationModule.forEnvironment(env), {
      BRANCHES: 'CEN:Central Library,NOR:North Branch',
    });
    probe = await EventProbe.start(run, 'bindery');
    admin = await bearer('admin', []);
    technician = await bearer('technician', ['CEN']);
    const created = await Promise.all([
      service.http().post('/vendors').set('Authorization', admin).send({ name: 'Acme Bookbinding', partnerId: 'acme-bindery', turnaroundDays: 35, webhookUrl: 'http://127.0.0.1:9/hooks' }),
      service.http().post('/vendors').set('Authorization', admin).send({ name: 'HF Group', partnerId: 'hf-group', turnaroundDays: 28 }),
    ]);
    for (const response of created) expect(response.status).toBe(201);
    [acme, hf] = created.map((response) => response.body);
  });

  afterAll(async () => {
    await probe?.stop();
    await service?.app.close();
    await run.cleanup();
  });

  const http = () => service.http();
  const awaitingBindery = async (count: number, branch = 'CEN'): Promise<CatalogItem[]> => {
    const items = Array.from({ length: count }, (_, i) => catalogItem({ branch, callNumber: `QA76.${i + 1} .B${i + 1}`, title: `Journal of Binding, vol. ${i + 1}` }));
    await onShelf(run, items, ItemStatus.AWAITING_BINDERY);
    return items;
  };
  const slip = (item: CatalogItem, overrides: Record<string, unknown> = {}) => ({
    barcode: item.barcode,
    bindingStyle: 'buckram',
    leafAttachment: 'oversew',
    clothColor: 'dark blue',
    foilColor: 'gold',
    spineLettering: ['JOURNAL OF BINDING', 'V.1', '2019', item.snapshot.callNumber],
    instructions: 'keep covers',
    ...overrides,
  });
  const openLot = async (vendorId = acme.id, branch = 'CEN', auth = technician) => {
    const response = await http().post('/bindery/shipments').set('Authorization', auth).send({ vendorId, branch });
    expect(response.status).toBe(201);
    return response.body as { id: string; lotNumber: string };
  };
  const addItems = (lotId: string, items: Array<Record<string, unknown>>, auth = technician) =>
    http().post(`/bindery/shipments/${lotId}/items`).set('Authorization', auth).send({ items });
  const dispatch = (lotId: string, auth = technician) => http().post(`/bindery/shipments/${lotId}/dispatch`).set('Authorization', auth);
  const returns = (lotId: string, barcodes: string[]) => http().post(`/bindery/shipments/${lotId}/returns`).set('Authorization', technician).send({ barcodes });
  const dispatchedLot = async (vendorId: string, count = 2) => {
    const items = await awaitingBindery(count);
    const lot = await openLot(vendorId);
    expect((await addItems(lot.id, items.map((item) => slip(item)))).status).toBe(200);
    const sent = await dispatch(lot.id);
    expect(sent.status).toBe(200);
    return { lot: sent.body, items };
  };

  /** Reads the vendor's own queue with amqplib, as the vendor would. */
  const vendorMessages = async (partnerId: string, count: number) => {
    const channel = await run.channel();
    const queue = run.partnerQueue(partnerId);
    const messages: Array<{ routingKey: string; exchange: string; body: { type: string; data: Record<string, unknown> } }> = [];
    try {
      await eventually(async () => {
        const message = await channel.get(queue, { noAck: true });
        if (message) messages.push({ routingKey: message.fields.routingKey, exchange: message.fields.exchange, body: JSON.parse(message.content.toString('utf8')) });
        expect(messages.length).toBeGreaterThanOrEqual(count);
      });
    } finally {
      await channel.close();
    }
    return messages;
  };

  describe('vendors', () => {
    it('lets only an admin register and list vendors', async () => {
      for (const role of ['technician', 'senior-technician', 'librarian'] as const) {
        const auth = await bearer(role, ['CEN']);
        const create = await http().post('/vendors').set('Authorization', auth).send({ name: 'Nope', partnerId: 'nope-bindery', turnaroundDays: 10 });
        expect(create.status).toBe(403);
        expect(create.body.message).toContain('admin');
        expect((await http().get('/vendors').set('Authorization', auth)).status).toBe(403);
      }
      const list = await http().get('/vendors').set('Authorization', admin);
      expect(list.status).toBe(200);
      expect(list.body.page.total).toBe(2);
      expect(list.body.data).toEqual([
        expect.objectContaining({ name: 'Acme Bookbinding', partnerId: 'acme-bindery', turnaroundDays: 35, webhookUrl: 'http://127.0.0.1:9/hooks', queue: run.partnerQueue('acme-bindery') }),
        expect.objectContaining({ name: 'HF Group', partnerId: 'hf-group', turnaroundDays: 28, webhookUrl: null }),
      ]);
    });

    it("declares the vendor's own queue on the partners exchange when it is registered", async () => {
      const channel = await run.channel();
      try {
        await expect(channel.checkQueue(run.partnerQueue('hf-group'))).resolves.toMatchObject({ queue: run.partnerQueue('hf-group') });
      } finally {
        await channel.close().catch(() => undefined);
      }
    });

    it('refuses a partner id that is taken (409) or not a lower-case id (400)', async () => {
      const taken = await http().post('/vendors').set('Authorization', admin).send({ name: 'Acme Again', partnerId: 'acme-bindery', turnaroundDays: 20 });
      expect(taken.status).toBe(409);
      expect(taken.body.message).toContain('acme-bindery');
      for (const partnerId of ['Acme', 'acme.bindery', 'a']) {
        const bad = await http().post('/vendors').set('Authorization', admin).send({ name: 'Bad', partnerId, turnaroundDays: 20 });
        expect(bad.status).toBe(400);
        expect(bad.body.message.join(' ')).toContain('partnerId');
      }
      const noTurnaround = await http().post('/vendors').set('Authorization', admin).send({ name: 'Bad', partnerId: 'slow-bindery', turnaroundDays: 0 });
      expect(noTurnaround.status).toBe(400);
      expect((await http().get('/vendors').set('Authorization', admin)).body.page.total).toBe(2);
    });
  });

  describe('preparing a lot', () => {
    it('opens lots numbered <branch>-<yyyymmdd>-<n>', async () => {
      const first = await openLot();
      const second = await openLot(hf.id);
      const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      expect(first.lotNumber).toMatch(new RegExp(`^CEN-${today}-\\d+$`));
      expect(Number(second.lotNumber.split('-')[2])).toBe(Number(first.lotNumber.split('-')[2]) + 1);
      const missing = await http().post('/bindery/shipments').set('Authorization', technician).send({ vendorId: '00000000-0000-4000-8000-000000000000', branch: 'CEN' });
      expect(missing.status).toBe(404);
    });

    it('adds items awaiting the bindery with their slips, numbering lines from 1', async () => {
      const items = await awaitingBindery(3);
      const lot = await openLot();
      const added = await addItems(lot.id, [slip(items[0]), slip(items[1], { bindingStyle: 'c-cloth', instructions: null })]);
      expect(added.status).toBe(200);
      expect((await addItems(lot.id, [slip(items[2], { leafAttachment: 'recase' })])).status).toBe(200);

      const view = await http().get(`/bindery/shipments/${lot.id}`).set('Authorization', technician);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ lotNumber: lot.lotNumber, branch: 'CEN', status: 'open', vendor: { id: acme.id, name: 'Acme Bookbinding', partnerId: 'acme-bindery' }, lineCount: 3, returnedCount: 0, dispatchedAt: null, acknowledgedAt: null });
      expect(view.body.lines.map((line: { lineNo: number; barcode: string }) => [line.lineNo, line.barcode])).toEqual(items.map((item, i) => [i + 1, item.barcode]));
      expect(view.body.lines[0]).toMatchObject({
        itemId: items[0].itemId,
        callNumber: 'QA76.1 .B1',
        title: 'Journal of Binding, vol. 1',
        slip: { bindingStyle: 'buckram', leafAttachment: 'oversew', clothColor: 'dark blue', foilColor: 'gold', spineLettering: ['JOURNAL OF BINDING', 'V.1', '2019', 'QA76.1 .B1'], instructions: 'keep covers' },
      });
      expect(view.body.lines[1].slip).toMatchObject({ bindingStyle: 'c-cloth', instructions: null });
    });

    it('refuses items not awaiting the bindery, naming their status, and adds nothing of the request', async () => {
      const [ready] = await awaitingBindery(1);
      const onTheShelf = catalogItem({ callNumber: 'QA100 .C7' });
      await onShelf(run, [onTheShelf]);
      const lot = await openLot();
      const response = await addItems(lot.id, [slip(ready), slip(onTheShelf)]);
      expect(response.status).toBe(409);
      expect(response.body.message).toBe(`items[1]: item ${onTheShelf.barcode} is AVAILABLE; only an item AWAITING_BINDERY can go into a bindery lot`);
      expect((await http().get(`/bindery/shipments/${lot.id}`).set('Authorization', technician)).body.lines).toEqual([]);
    });

    it('refuses an item that is already in a lot not yet back', async () => {
      const [item] = await awaitingBindery(1);
      const first = await openLot();
      const second = await openLot();
      expect((await addItems(first.id, [slip(item)])).status).toBe(200);
      const twice = await addItems(second.id, [slip(item)]);
      expect(twice.status).toBe(409);
      expect(twice.body.message).toContain(`item ${item.barcode} is already line 1 of lot ${first.lotNumber}`);
      expect((await addItems(first.id, [slip(item)])).status).toBe(409);
    });

    it("refuses an item of another branch: 409 for someone who may see it, 404 for someone who may not", async () => {
      const [north] = await awaitingBindery(1, 'NOR');
      const lot = await openLot(acme.id, 'CEN', admin);
      const byAdmin = await addItems(lot.id, [slip(north)], admin);
      expect(byAdmin.status).toBe(409);
      expect(byAdmin.body.message).toContain(`item ${north.barcode} belongs to branch NOR, not to the lot's branch CEN`);
      const byTechnician = await addItems(lot.id, [slip(north)]);
      expect(byTechnician.status).toBe(404);
      expect(byTechnician.body.message).toBe(`items[0]: item ${north.barcode} not found`);
    });

    it('refuses malformed slips and repeated barcodes with a 400 naming the field', async () => {
      const [item] = await awaitingBindery(1);
      const lot = await openLot();
      const style = await addItems(lot.id, [slip(item, { bindingStyle: 'spiral' })]);
      expect(style.status).toBe(400);
      expect(style.body.message.join(' ')).toContain('items[0].bindingStyle');
      const lettering = await addItems(lot.id, [slip(item, { spineLettering: 'ONE LINE' })]);
      expect(lettering.status).toBe(400);
      expect(lettering.body.message.join(' ')).toContain('items[0].spineLettering');
      const repeated = await addItems(lot.id, [slip(item), slip(item)]);
      expect(repeated.status).toBe(400);
      expect(repeated.body.message).toContain('items[1].barcode');
      expect((await addItems(lot.id, [])).status).toBe(400);
    });

    it('prints the binding slips as a PDF: a manifest page and one slip page per item', async () => {
      const items = await awaitingBindery(3);
      const lot = await openLot();
      await addItems(lot.id, items.map((item) => slip(item)));
      const response = await http().get(`/bindery/shipments/${lot.id}/slips.pdf`).set('Authorization', technician).buffer(true).parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      expect(response.headers['content-disposition']).toContain(`${lot.lotNumber}-slips.pdf`);
      const pdf = response.body as Buffer;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.toString('latin1').match(/\/Type \/Page\b/g)).toHaveLength(items.length + 1);
    });
  });

  describe('dispatching', () => {
    it('refuses to dispatch an empty lot', async () => {
      const lot = await openLot();
      const response = await dispatch(lot.id);
      expect(response.status).toBe(409);
      expect(response.body.message).toBe(`lot ${lot.lotNumber} has no items; add items before dispatching it`);
    });

    it("sends the lot: expected return after the vendor's turnaround, the event on library.events, the manifest on the vendor's own queue", async () => {
      const items = await awaitingBindery(2);
      const lot = await openLot();
      await addItems(lot.id, items.map((item) => slip(item)));
      const before = Date.now();
      const response = await dispatch(lot.id);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'dispatched', dispatchedBy: 'technician-CEN', overdue: false });
      const dispatchedAt = Date.parse(response.body.dispatchedAt);
      expect(dispatchedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(response.body.expectedReturnAt) - dispatchedAt).toBe(35 * DAY_MS);

      const event = await probe.one('conservation.bindery.shipment.dispatched', (data) => data.shipmentId === lot.id);
      const manifest = {
        shipmentId: lot.id,
        lotNumber: lot.lotNumber,
        vendorId: acme.id,
        partnerId: 'acme-bindery',
        branch: 'CEN',
        dispatchedAt: response.body.dispatchedAt,
        expectedReturnAt: response.body.expectedReturnAt,
        dispatchedBy: 'technician-CEN',
        lines: items.map((item, i) => ({
          lineNo: i + 1,
          itemId: item.itemId,
          barcode: item.barcode,
          callNumber: item.snapshot.callNumber,
          title: item.snapshot.title,
          slip: { bindingStyle: 'buckram', leafAttachment: 'oversew', clothColor: 'dark blue', foilColor: 'gold', spineLettering: ['JOURNAL OF BINDING', 'V.1', '2019', item.snapshot.callNumber], instructions: 'keep covers' },
        })),
      };
      expect(event.data).toEqual(manifest);

      const [message] = await vendorMessages('acme-bindery', 1);
      expect(message.exchange).toBe(run.partnersExchange);
      expect(message.routingKey).toBe('bindery.acme-bindery.shipment.dispatched');
      expect(message.body).toMatchObject({ type: 'conservation.bindery.shipment.dispatched', producer: 'conservation', data: manifest });

      const again = await dispatch(lot.id);
      expect(again.status).toBe(409);
      expect(again.body.message).toBe(`lot ${lot.lotNumber} is dispatched; only an open lot can be dispatched`);
      const [late] = await awaitingBindery(1);
      const added = await addItems(lot.id, [slip(late)]);
      expect(added.status).toBe(409);
      expect(added.body.message).toBe(`lot ${lot.lotNumber} is dispatched; items can be added only while it is open`);
    });

    it('keeps a lot open while one of its items is no longer awaiting the bindery', async () => {
      const items = await awaitingBindery(2);
      const lot = await openLot(hf.id);
      await addItems(lot.id, items.map((item) => slip(item)));
      await catalogMoves(run, items[1], ItemStatus.SHELF_READY);
      const response = await dispatch(lot.id);
      expect(response.status).toBe(409);
      expect(response.body.message).toContain(`line 2: item ${items[1].barcode} is SHELF_READY`);
      expect((await http().get(`/bindery/shipments/${lot.id}`).set('Authorization', technician)).body.status).toBe('open');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(probe.of('conservation.bindery.shipment.dispatched', (data) => data.shipmentId === lot.id)).toHaveLength(0);
    });
  });

  describe('returns', () => {
    it('answers each barcode: accepted, or rejected with its reason; the lot closes when every line is back', async () => {
      const { lot, items } = await dispatchedLot(acme.id, 3);
      const [a, b, c] = items.map((item) => item.barcode);
      const stranger = catalogItem().barcode;

      const first = await returns(lot.id, [a, stranger]);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ accepted: [a], rejected: [{ barcode: stranger, reason: 'not in the lot' }], status: 'dispatched' });
      const returned = await probe.one('conservation.bindery.items.returned', (data) => data.shipmentId === lot.id);
      expect(returned.data).toEqual({ shipmentId: lot.id, branch: 'CEN', items: [{ itemId: items[0].itemId, barcode: a, branch: 'CEN' }], returnedBy: 'technician-CEN' });

      const second = await returns(lot.id, [a, b, c, c]);
      expect(second.body).toEqual({
        accepted: [b, c],
        rejected: [{ barcode: a, reason: 'already returned' }, { barcode: c, reason: 'listed twice in this request' }],
        status: 'returned',
      });
      const closed = await probe.one('conservation.bindery.shipment.returned', (data) => data.shipmentId === lot.id);
      expect(closed.data).toMatchObject({ shipmentId: lot.id, lotNumber: lot.lotNumber, partnerId: 'acme-bindery', branch: 'CEN', lineCount: 3 });
      expect(probe.of('conservation.bindery.items.returned', (data) => data.shipmentId === lot.id)).toHaveLength(2);

      const view = await http().get(`/bindery/shipments/${lot.id}`).set('Authorization', technician);
      expect(view.body).toMatchObject({ status: 'returned', returnedAt: closed.data.returnedAt, lineCount: 3, returnedCount: 3 });
      expect(view.body.lines.every((line: { returnedAt: string | null }) => line.returnedAt !== null)).toBe(true);

      const afterClose = await returns(lot.id, [b]);
      expect(afterClose.body).toEqual({ accepted: [], rejected: [{ barcode: b, reason: 'already returned' }], status: 'returned' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(probe.of('conservation.bindery.shipment.returned', (data) => data.shipmentId === lot.id)).toHaveLength(1);
    });

    it('takes no returns for a lot that has not been dispatched', async () => {
      const [item] = await awaitingBindery(1);
      const lot = await openLot();
      await addItems(lot.id, [slip(item)]);
      const response = await returns(lot.id, [item.barcode]);
      expect(response.status).toBe(409);
      expect(response.body.message).toContain(`lot ${lot.lotNumber} is open`);
    });

    it('lists dispatched lots past their expected return as overdue, until they are back', async () => {
      const late = await dispatchedLot(hf.id, 1);
      const onTime = await dispatchedLot(hf.id, 1);
      await run.query(`UPDATE "${run.schemaFor('conservation')}".bindery_shipment SET expected_return_at = now() - interval '2 days' WHERE id = $1`, [late.lot.id]);

      const overdue = await http().get('/bindery/shipments?overdue=true&branch=CEN').set('Authorization', technician);
      expect(overdue.status).toBe(200);
      expect(overdue.body.data.map((lot: { id: string }) => lot.id)).toEqual([late.lot.id]);
      expect(overdue.body.data[0]).toMatchObject({ overdue: true, status: 'dispatched', lineCount: 1, returnedCount: 0 });
      const dispatched = await http().get('/bindery/shipments?status=dispatched&limit=1000').set('Authorization', technician);
      expect(dispatched.body.data.map((lot: { id: string }) => lot.id)).toEqual(expect.arrayContaining([late.lot.id, onTime.lot.id]));

      await returns(late.lot.id, [late.items[0].barcode]);
      expect((await http().get('/bindery/shipments?overdue=true').set('Authorization', technician)).body.data).toEqual([]);
    });
  });

  describe('the vendor side', () => {
    let acmeLot: { id: string; lotNumber: string };
    let hfLot: { id: string };
    let openAcmeLot: { id: string };
    let acmeToken: string;
    let hfToken: string;

    beforeAll(async () => {
      acmeLot = (await dispatchedLot(acme.id, 2)).lot;
      hfLot = (await dispatchedLot(hf.id, 1)).lot;
      openAcmeLot = await openLot(acme.id);
      acmeToken = await bearer('bindery-vendor', [], { partnerId: 'acme-bindery', sub: 'acme-clerk' });
      hfToken = await bearer('bindery-vendor', [], { partnerId: 'hf-group', sub: 'hf-clerk' });
    });

    it('shows a vendor its own dispatched lots only', async () => {
      const list = await http().get('/vendor/shipments?limit=1000').set('Authorization', acmeToken);
      expect(list.status).toBe(200);
      const ids = list.body.data.map((lot: { id: string }) => lot.id);
      expect(ids).toContain(acmeLot.id);
      expect(ids).not.toContain(hfLot.id);
      expect(ids).not.toContain(openAcmeLot.id);
      expect(list.body.data.every((lot: { status: string }) => lot.status !== 'open')).toBe(true);

      const one = await http().get(`/vendor/shipments/${acmeLot.id}`).set('Authorization', acmeToken);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: acmeLot.id, lotNumber: acmeLot.lotNumber, status: 'dispatched', lineCount: 2, acknowledgedAt: null });
      expect(one.body.lines.map((line: { lineNo: number }) => line.lineNo)).toEqual([1, 2]);
      expect(one.body.lines[0].slip).toMatchObject({ bindingStyle: 'buckram', spineLettering: expect.any(Array) });
    });

    it("answers 404 for another vendor's lot and for a lot not yet dispatched", async () => {
      for (const [id, token] of [[hfLot.id, acmeToken], [acmeLot.id, hfToken], [openAcmeLot.id, acmeToken]]) {
        expect((await http().get(`/vendor/shipments/${id}`).set('Authorization', token)).status).toBe(404);
        expect((await http().post(`/vendor/shipments/${id}/acknowledge`).set('Authorization', token)).status).toBe(404);
      }
      const unknownVendor = await bearer('bindery-vendor', [], { partnerId: 'nobody-bindery' });
      const empty = await http().get('/vendor/shipments').set('Authorization', unknownVendor);
      expect(empty.body).toEqual({ data: [], page: { limit: 50, offset: 0, total: 0 } });
    });

    it('records an acknowledgement the library sees on the lot; acknowledging again changes nothing', async () => {
      const first = await http().post(`/vendor/shipments/${acmeLot.id}/acknowledge`).set('Authorization', acmeToken);
      expect(first.status).toBe(200);
      expect(first.body.acknowledgedAt).toEqual(expect.any(String));
      const library = await http().get(`/bindery/shipments/${acmeLot.id}`).set('Authorization', technician);
      expect(library.body).toMatchObject({ acknowledgedAt: first.body.acknowledgedAt, acknowledgedBy: 'acme-clerk' });
      const again = await http().post(`/vendor/shipments/${acmeLot.id}/acknowledge`).set('Authorization', acmeToken);
      expect(again.status).toBe(200);
      expect(again.body.acknowledgedAt).toBe(first.body.acknowledgedAt);
    });

    it('keeps partners and staff apart', async () => {
      expect((await http().get('/bindery/shipments').set('Authorization', acmeToken)).status).toBe(403);
      expect((await http().get(`/bindery/shipments/${acmeLot.id}`).set('Authorization', acmeToken)).status).toBe(403);
      expect((await http().get('/vendor/shipments').set('Authorization', technician)).status).toBe(403);
      expect((await http().get('/vendor/shipments').set('Authorization', admin)).status).toBe(403);
    });
  });

  describe('branches', () => {
    it("keeps a branch's lots from staff of other branches", async () => {
      const { lot } = await dispatchedLot(acme.id, 1);
      const north = await bearer('technician', ['NOR']);
      expect((await http().get(`/bindery/shipments/${lot.id}`).set('Authorization', north)).status).toBe(404);
      expect((await http().get(`/bindery/shipments/${lot.id}/slips.pdf`).set('Authorization', north)).status).toBe(404);
      expect((await http().post(`/bindery/shipments/${lot.id}/returns`).set('Authorization', north).send({ barcodes: [catalogItem().barcode] })).status).toBe(404);
      expect((await http().get('/bindery/shipments?branch=CEN').set('Authorization', north)).status).toBe(403);
      expect((await http().post('/bindery/shipments').set('Authorization', north).send({ vendorId: acme.id, branch: 'CEN' })).status).toBe(403);

      const northLot = await openLot(acme.id, 'NOR', north);
      const mine = await http().get('/bindery/shipments?limit=1000').set('Authorization', north);
      expect(mine.body.data.map((l: { id: string }) => l.id)).toEqual([northLot.id]);
    });
  });
});
