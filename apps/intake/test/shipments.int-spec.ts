import 'reflect-metadata';
import { CallNumber } from '@app/contracts';
import { bearer, RunningService } from '../../../test/support/service-app';
import { TestRun } from '../../../test/support/test-run';
import { EventTap, line, newBarcode, startIntake, storedCounts } from './intake-fixtures';

// The integration project's testTimeout is not applied per project by jest; waits on the broker need more than 5 s under load.
jest.setTimeout(60_000);

describe('intake: receiving shipments (real PostgreSQL and RabbitMQ)', () => {
  const run = new TestRun();
  let intake: RunningService;
  let received: EventTap;
  let technician: string;

  beforeAll(async () => {
    intake = await startIntake(run);
    received = await EventTap.open(run, 'intake.item.received');
    technician = await bearer('technician', ['CEN'], { sub: 'tech-ann' });
  });

  afterAll(async () => {
    await received?.close();
    await intake?.app.close();
    await run.cleanup();
  });

  const post = (body: unknown, auth: string | null = technician) => {
    const request = intake.http().post('/shipments');
    return (auth ? request.set('Authorization', auth) : request).send(body as object);
  };

  /** Sends a bad shipment and checks it changed nothing: no shipment, item, step or outbox row. */
  async function expectRefusedWithoutEffect(body: unknown, status: number): Promise<string> {
    const before = await storedCounts(run);
    const response = await post(body).expect(status);
    expect(await storedCounts(run)).toEqual(before);
    return JSON.stringify(response.body.message);
  }

  it('records a mixed shipment with the steps each item still needs and publishes intake.item.received for each', async () => {
    const items = [
      line.prelabelledBook(),
      line.book(),
      line.magazine({ preApplied: ['cover'] }),
      line.newspaper(),
      line.eResource({ isbn: '978-0-262-03384-8' }),
    ];
    const response = await post({ supplier: 'Midwest Library Service', branch: 'CEN', items }).expect(201);
    const receipt = response.body;
    expect(receipt).toMatchObject({ supplier: 'Midwest Library Service', branch: 'CEN', receivedBy: 'tech-ann', itemCount: 5 });
    const byLine = receipt.items as Array<Record<string, unknown> & { doneSteps: Array<{ step: string; source: string }> }>;
    expect(byLine.map((item) => item.line)).toEqual([0, 1, 2, 3, 4]);
    expect(byLine.every((item) => item.status === 'RECEIVED')).toBe(true);

    const [prelabelled, unlabelled, magazine, newspaper, eResource] = byLine;
    expect(prelabelled).toMatchObject({
      barcode: items[0].barcode,
      callNumber: CallNumber.parse('QA76.73.J38 G64 2006', 'lc').value,
      requiredSteps: ['spine-label', 'cover', 'security-tag', 'stamp'],
      pendingSteps: ['cover', 'stamp'],
      awaitingCallNumber: false,
    });
    expect(prelabelled.doneSteps.map((done) => [done.step, done.source])).toEqual([['spine-label', 'vendor'], ['security-tag', 'vendor']]);
    expect(unlabelled).toMatchObject({ pendingSteps: ['spine-label', 'cover', 'security-tag', 'stamp'], doneSteps: [], awaitingCallNumber: true, callNumber: null });
    expect(magazine).toMatchObject({ requiredSteps: ['cover', 'security-tag', 'stamp'], pendingSteps: ['security-tag', 'stamp'] });
    expect(magazine.doneSteps.map((done) => done.step)).toEqual(['cover']);
    expect(newspaper).toMatchObject({ requiredSteps: ['stamp'], pendingSteps: ['stamp'] });
    expect(eResource).toMatchObject({ barcode: null, requiredSteps: [], pendingSteps: [], awaitingCallNumber: false });

    const [event] = await received.waitFor(prelabelled.id as string);
    expect(event).toMatchObject({ type: 'intake.item.received', producer: 'intake', branch: 'CEN' });
    expect(event.data).toEqual({
      itemId: prelabelled.id,
      shipmentId: receipt.id,
      branch: 'CEN',
      materialType: 'book',
      barcode: items[0].barcode,
      title: 'Java Concurrency in Practice',
      creators: ['Goetz, Brian'],
      isbn: '9780321349606',
      issn: null,
      publisher: null,
      publicationYear: null,
      callNumber: 'QA76.73 .J38 G64 2006',
      callNumberScheme: 'lc',
      collection: null,
      price: '54.99',
      currency: 'USD',
      requiredSteps: ['spine-label', 'cover', 'security-tag', 'stamp'],
      pendingSteps: ['cover', 'stamp'],
      supplier: 'Midwest Library Service',
      receivedBy: 'tech-ann',
    });
    expect((await received.waitFor(magazine.id as string))[0].data).toMatchObject({ issn: '0036-8733', pendingSteps: ['security-tag', 'stamp'] });
    expect((await received.waitFor(newspaper.id as string))[0].data).toMatchObject({ pendingSteps: ['stamp'] });
    expect((await received.waitFor(unlabelled.id as string))[0].data).toMatchObject({ callNumber: null, pendingSteps: ['spine-label', 'cover', 'security-tag', 'stamp'] });
    // An e-resource has nothing to do: cataloging sees empty pending steps and no barcode.
    expect((await received.waitFor(eResource.id as string))[0].data).toMatchObject({ barcode: null, isbn: '9780262033848', pendingSteps: [] });
  });

  it('shows a received item, its steps with who and when, and its shipment', async () => {
    const items = [line.prelabelledBook({ price: '7.5', currency: 'EUR', collection: 'adult-nonfiction' }), line.eResource()];
    const { body: receipt } = await post({ supplier: 'Baker & Taylor', branch: 'CEN', items }).expect(201);

    const { body: book } = await intake.http().get(`/items/${items[0].barcode}`).set('Authorization', technician).expect(200);
    expect(book).toMatchObject({
      id: receipt.items[0].id,
      shipmentId: receipt.id,
      line: 0,
      branch: 'CEN',
      isbn: '9780321349606',
      price: '7.50',
      currency: 'EUR',
      collection: 'adult-nonfiction',
      status: 'RECEIVED',
      pendingSteps: ['cover', 'stamp'],
      processedAt: null,
    });
    expect(book.doneSteps).toEqual([
      { step: 'spine-label', source: 'vendor', recordedBy: 'tech-ann', recordedAt: receipt.receivedAt },
      { step: 'security-tag', source: 'vendor', recordedBy: 'tech-ann', recordedAt: receipt.receivedAt },
    ]);
    // An e-resource has no barcode: it is addressed by id, and is processed the moment it arrives.
    const { body: online } = await intake.http().get(`/items/${receipt.items[1].id}`).set('Authorization', technician).expect(200);
    expect(online).toMatchObject({ barcode: null, pendingSteps: [], processedAt: receipt.receivedAt });

    const { body: shipment } = await intake.http().get(`/shipments/${receipt.id}`).set('Authorization', technician).expect(200);
    expect(shipment).toMatchObject({ id: receipt.id, supplier: 'Baker & Taylor', itemCount: 2, summary: { processed: 1, pending: 1, byStatus: { RECEIVED: 2 } } });
    expect(shipment.items.map((item: { line: number }) => item.line)).toEqual([0, 1]);

    const { body: list } = await intake.http().get('/shipments?branch=CEN&limit=1').set('Authorization', technician).expect(200);
    expect(list.page).toMatchObject({ limit: 1, offset: 0 });
    expect(list.page.total).toBeGreaterThanOrEqual(2);
    expect(list.data[0].id).toBe(receipt.id); // newest first

    const north = await bearer('technician', ['NOR']);
    await intake.http().get(`/shipments/${receipt.id}`).set('Authorization', north).expect(404);
    await intake.http().get(`/items/${items[0].barcode}`).set('Authorization', north).expect(404);
    await intake.http().get('/shipments?branch=CEN').set('Authorization', north).expect(403);
  });

  it('refuses a bad ISBN check digit, naming the line and the field, and stores nothing', async () => {
    const message = await expectRefusedWithoutEffect({ supplier: 'S', branch: 'CEN', items: [line.book(), line.book({ isbn: '9780547928228' })] }, 400);
    expect(message).toContain('items[1].isbn');
    expect(message).toContain('check digit');
  });

  it('refuses a physical item without a barcode and a barcode on an e-resource, and stores nothing', async () => {
    const missing = await expectRefusedWithoutEffect({ supplier: 'S', branch: 'CEN', items: [line.newspaper({ barcode: undefined })] }, 400);
    expect(missing).toContain('items[0].barcode: is required for a physical item');
    const onEResource = await expectRefusedWithoutEffect({ supplier: 'S', branch: 'CEN', items: [line.book(), line.eResource({ barcode: newBarcode() })] }, 400);
    expect(onEResource).toContain('items[1].barcode: must be absent: an e-resource has no barcode');
  });

  it('refuses unknown fields, an unknown branch, a call number without its scheme and a bad material type', async () => {
    expect(await expectRefusedWithoutEffect({ supplier: 'S', branch: 'CEN', items: [line.book({ colour: 'red' })] }, 400)).toContain('items[0].colour: unknown field');
    expect(await expectRefusedWithoutEffect({ supplier: 'S', branch: 'XYZ', items: [line.book()] }, 400)).toContain('branch');
    expect(await expectRefusedWithoutEffect({ supplier: 'S', branch: 'CEN', items: [line.book({ callNumber: 'QA76.73 .J38' })] }, 400)).toContain('items[0].callNumberScheme');
    expect(await expectRefusedWithoutEffect({ supplier: 'S', branch: 'CEN', items: [line.book({ materialType: 'scroll' })] }, 400)).toContain('items[0].materialType');
    expect(await expectRefusedWithoutEffect({ supplier: 'S', branch: 'CEN', items: [line.book({ preApplied: ['spine-label'] })] }, 400)).toContain('items[0].preApplied');
    expect(await expectRefusedWithoutEffect({ supplier: 'S', branch: 'CEN', items: [] }, 400)).toContain('items');
  });

  it('refuses a barcode that appears twice in the shipment, naming both lines', async () => {
    const twice = line.book();
    const message = await expectRefusedWithoutEffect({ supplier: 'S', branch: 'CEN', items: [twice, line.magazine(), { ...line.book(), barcode: twice.barcode }] }, 400);
    expect(message).toContain(`items[0].barcode and items[2].barcode: barcode ${twice.barcode} appears twice`);
  });

  it('refuses with 409 a shipment holding barcodes already received, naming each, and stores nothing of it', async () => {
    const first = [line.book(), line.book()];
    await post({ supplier: 'S', branch: 'CEN', items: first }).expect(201);
    const fresh = line.book();
    const message = await expectRefusedWithoutEffect({ supplier: 'S', branch: 'CEN', items: [fresh, first[1], first[0]] }, 409);
    expect(message).toContain(`items[1].barcode: ${first[1].barcode} is already received`);
    expect(message).toContain(`items[2].barcode: ${first[0].barcode} is already received`);
    await intake.http().get(`/items/${fresh.barcode}`).set('Authorization', technician).expect(404);
  });

  it('receives a barcode once when two shipments carrying it arrive at the same time', async () => {
    const contested = line.book();
    const responses = await Promise.all([
      post({ supplier: 'S', branch: 'CEN', items: [line.book(), contested] }),
      post({ supplier: 'S', branch: 'CEN', items: [{ ...contested }, line.magazine()] }),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(JSON.stringify(responses.find((r) => r.status === 409)!.body.message)).toContain(contested.barcode);
    const schema = run.schemaFor('intake');
    const [{ count }] = await run.query<{ count: string }>(`SELECT count(*) FROM "${schema}".item WHERE barcode = $1`, [contested.barcode]);
    expect(Number(count)).toBe(1);
  });

  it('lets only technicians and above of the owning branch receive a shipment', async () => {
    const body = { supplier: 'S', branch: 'CEN', items: [line.book()] };
    const before = await storedCounts(run);
    await post(body, null).expect(401);
    await post(body, await bearer('technician', ['NOR'])).expect(403);
    await post(body, await bearer('cataloger', ['CEN'])).expect(403);
    expect(await storedCounts(run)).toEqual(before);
    await post(body, await bearer('librarian', ['CEN'])).expect(201);
  });

  it('accepts a 10,000-line shipment in one request and stores every line, with the steps its vendor did', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) =>
      i % 10 === 9
        ? line.eResource({ title: `E-book ${i}` })
        : i % 10 === 8
          ? line.prelabelledBook({ title: `Pre-labelled ${i}`, preApplied: ['cover'] })
          : line.book({ title: `Book ${i}`, creators: ['Author, A.'], price: '12.00', isbn: undefined }),
    );
    const response = await post({ supplier: 'Bulk Books Ltd', branch: 'CEN', items }).expect(201);
    expect(response.body.items).toHaveLength(10_000);
    const schema = run.schemaFor('intake');
    const [{ count }] = await run.query<{ count: string }>(`SELECT count(*) FROM "${schema}".item WHERE shipment_id = $1`, [response.body.id]);
    expect(Number(count)).toBe(10_000);
    const vendorDone = await run.query<{ vendor_steps: string[]; received_by: string; items: string }>(
      `SELECT vendor_steps, received_by, count(*) AS items FROM "${schema}".item WHERE shipment_id = $1 GROUP BY 1, 2 ORDER BY 3`,
      [response.body.id],
    );
    expect(vendorDone).toEqual([
      { vendor_steps: ['spine-label', 'cover', 'security-tag'], received_by: 'tech-ann', items: '1000' },
      { vendor_steps: [], received_by: 'tech-ann', items: '9000' },
    ]);
    const [{ events }] = await run.query<{ events: string }>(
      `SELECT count(*) AS events FROM "${schema}".outbox_message WHERE type = 'intake.item.received' AND payload LIKE $1`,
      [`%${response.body.id}%`],
    );
    expect(Number(events)).toBe(10_000);
  }, 60_000);
});
