import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { ItemStatusChanged, ItemStatusChangedData } from '@app/contracts';
import { DeadLetterQueue, messagingMetrics, UnitOfWork } from '@app/messaging';
import { buildEvent, publishBurst } from '../../../test/support/events';
import { expectLocksInIdOrder } from '../../../test/support/lock-order';
import { bearer, RunningService } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';
import { ItemsService } from '../src/items/items.service';
import { EventTap, line, newBarcode, publishAsCataloging, startIntake } from './intake-fixtures';

interface Received {
  id: string;
  barcode: string | null;
  pendingSteps: string[];
}

// The integration project's testTimeout is not applied per project by jest; waits on the broker need more than 5 s under load.
jest.setTimeout(60_000);

describe('intake: processing steps and what cataloging tells intake (real PostgreSQL and RabbitMQ)', () => {
  const run = new TestRun();
  let intake: RunningService;
  let processed: EventTap;
  let technician: string;

  beforeAll(async () => {
    intake = await startIntake(run);
    processed = await EventTap.open(run, 'intake.item.processed');
    technician = await bearer('technician', ['CEN'], { sub: 'tech-tom' });
  });

  afterAll(async () => {
    await processed?.close();
    await intake?.app.close();
    await run.cleanup();
  });

  async function receive(items: object[], branch = 'CEN'): Promise<Received[]> {
    const auth = branch === 'CEN' ? technician : await bearer('technician', [branch]);
    return (await intake.http().post('/shipments').set('Authorization', auth).send({ supplier: 'S', branch, items }).expect(201)).body.items;
  }
  const step = (ref: string, name: string, auth = technician) => intake.http().post(`/items/${ref}/steps`).set('Authorization', auth).send({ step: name });
  const view = async (ref: string) => (await intake.http().get(`/items/${ref}`).set('Authorization', technician).expect(200)).body;
  const callNumberAssigned = (item: Received, callNumber = 'QA76.73 .J38 S55 2010') =>
    publishAsCataloging(run, 'cataloging.call-number.assigned', {
      itemId: item.id,
      barcode: item.barcode,
      branch: 'CEN',
      callNumber,
      scheme: 'lc',
      shelfKey: 'QA 0076.73 J38 S55 2010',
      assignedBy: 'cat-cora',
    });
  const statusChanged = (item: Received, to: string, version: number, from: string | null = null) =>
    publishAsCataloging(run, 'cataloging.item.status-changed', { itemId: item.id, barcode: item.barcode, branch: 'CEN', from, to, version, actor: 'cat-cora', reason: null });
  const processedMessage = async (messageId: string) =>
    run.query(`SELECT 1 FROM "${run.schemaFor('intake')}".processed_message WHERE message_id = $1`, [messageId]);

  it('records a step with who did it and when, and leaves the rest pending', async () => {
    const [book] = await receive([line.book()]);
    const { body } = await step(book.barcode!, 'cover').expect(200);
    expect(body.pendingSteps).toEqual(['spine-label', 'security-tag', 'stamp']);
    expect(body.doneSteps).toEqual([{ step: 'cover', source: 'technician', recordedBy: 'tech-tom', recordedAt: expect.any(String) }]);
    expect(body.processedAt).toBeNull();
    const stored = await run.query<{ step: string; recorded_by: string }>(
      `SELECT step, recorded_by FROM "${run.schemaFor('intake')}".processing_step WHERE item_id = $1`,
      [book.id],
    );
    expect(stored).toEqual([{ step: 'cover', recorded_by: 'tech-tom' }]);
  });

  it('refuses a step that is not in the item’s profile (400) and one already recorded (409)', async () => {
    const [newspaper, book] = await receive([line.newspaper(), line.prelabelledBook()]);
    const notInProfile = await step(newspaper.barcode!, 'cover').expect(400);
    expect(notInProfile.body.message).toBe(`cover is not a processing step of item ${newspaper.barcode} (its steps: stamp)`);
    const vendorDid = await step(book.barcode!, 'security-tag').expect(409);
    expect(vendorDid.body.message).toBe(`security-tag is already recorded on item ${book.barcode}`);
    await step(book.barcode!, 'cover').expect(200);
    expect((await step(book.barcode!, 'cover').expect(409)).body.message).toBe(`cover is already recorded on item ${book.barcode}`);
  });

  it('refuses steps on an e-resource, on items of other branches, by catalogers, and for unknown or malformed barcodes', async () => {
    const [eResource] = await receive([line.eResource()]);
    expect((await step(eResource.id, 'stamp').expect(400)).body.message).toMatch(/e-resource: it has no processing steps/);
    const [northern] = await receive([line.book()], 'NOR');
    await step(northern.barcode!, 'cover').expect(404);
    await step(northern.barcode!, 'cover', await bearer('cataloger', ['NOR'])).expect(403);
    await step(newBarcode(), 'cover').expect(404);
    await step('12345', 'cover').expect(400);
    await step(northern.barcode!, 'Not A Step!', await bearer('technician', ['NOR'])).expect(400);
  });

  it('refuses the spine label before a call number exists, and accepts it once cataloging assigned one', async () => {
    const [book] = await receive([line.book()]);
    const early = await step(book.barcode!, 'spine-label').expect(409);
    expect(early.body.message).toBe(`item ${book.barcode} has no call number yet; a cataloger must assign one before the spine label`);

    await callNumberAssigned(book);
    await eventually(async () => expect((await view(book.barcode!)).callNumber).toBe('QA76.73 .J38 S55 2010'));
    const { body } = await step(book.barcode!, 'spine-label').expect(200);
    expect(body).toMatchObject({ callNumber: 'QA76.73 .J38 S55 2010', callNumberScheme: 'lc', awaitingCallNumber: false });
  });

  it('retries a call number for an item intake has not received, and parks it when it never arrives', async () => {
    const dlq = new DeadLetterQueue(() => run.channel(), run.queues('intake').deadLetter);
    const stranger = { id: randomUUID(), barcode: newBarcode(), pendingSteps: [] };
    const messageId = await callNumberAssigned(stranger);
    await eventually(async () => {
      const letter = (await dlq.list()).find((l) => l.messageId === messageId);
      expect(letter?.kind).toBe('failed');
      expect(letter?.reason).toContain(`item ${stranger.id} is not recorded at intake yet`);
    });
  }, 30_000);

  it('publishes intake.item.processed when the last pending step is recorded, and only then', async () => {
    const [book] = await receive([line.prelabelledBook()]);
    expect(book.pendingSteps).toEqual(['cover', 'stamp']);
    await step(book.barcode!, 'cover').expect(200);
    const { body } = await step(book.barcode!, 'stamp').expect(200);
    expect(body.pendingSteps).toEqual([]);
    expect(body.processedAt).toEqual(expect.any(String));
    const [event] = await processed.waitFor(book.id);
    expect(event).toMatchObject({ type: 'intake.item.processed', producer: 'intake', branch: 'CEN' });
    expect(event.data).toEqual({
      itemId: book.id,
      barcode: book.barcode,
      branch: 'CEN',
      completedSteps: ['spine-label', 'cover', 'security-tag', 'stamp'],
      completedBy: 'tech-tom',
    });
    // Exactly one, and none for an item that arrived with nothing to do.
    const [eResource] = await receive([line.eResource()]);
    const [marker] = await receive([line.newspaper()]);
    await step(marker.barcode!, 'stamp').expect(200);
    await processed.waitFor(marker.id);
    expect(processed.about(book.id)).toHaveLength(1);
    expect(processed.about(eResource.id)).toHaveLength(0);
  });

  it('records a step for a cart of items, answering per item without one failure holding up the others', async () => {
    const [a, b, c, newspaper] = await receive([line.book(), line.book(), line.magazine(), line.newspaper()]);
    await step(b.barcode!, 'cover').expect(200);
    const [northern] = await receive([line.book()], 'NOR');
    const unknown = newBarcode();
    const { body } = await intake
      .http()
      .post('/steps')
      .set('Authorization', technician)
      .send({ step: 'cover', barcodes: [a.barcode, b.barcode, c.id, newspaper.barcode, unknown, 'not-a-barcode', northern.barcode, a.barcode] })
      .expect(200);
    const results = body.results as Array<{ barcode: string; ok: boolean; status?: number; error?: string; item?: { id: string; pendingSteps: string[] } }>;
    expect(results.map((r) => [r.barcode, r.ok, r.status])).toEqual([
      [a.barcode, true, undefined],
      [b.barcode, false, 409],
      [c.id, true, undefined],
      [newspaper.barcode, false, 400],
      [unknown, false, 404],
      ['not-a-barcode', false, 400],
      [northern.barcode, false, 404],
      [a.barcode, false, 409], // the same item twice in one cart: the second is already recorded
    ]);
    expect(results[0].item).toMatchObject({ id: a.id, pendingSteps: ['spine-label', 'security-tag', 'stamp'] });
    expect(results[2].item).toMatchObject({ id: c.id, pendingSteps: ['security-tag', 'stamp'] });
    expect(results[3].error).toMatch(/cover is not a processing step/);
    expect((await view(a.barcode!)).doneSteps.map((d: { step: string }) => d.step)).toEqual(['cover']);
    expect((await view(newspaper.barcode!)).doneSteps).toEqual([]);
  });

  it('locks a cart’s items in id order, whatever order they were scanned in, so two carts never deadlock', async () => {
    const items = await receive(Array.from({ length: 6 }, () => line.book()));
    const scanned = [...items].sort((a, b) => b.id.localeCompare(a.id));
    await expectLocksInIdOrder(`"${run.schemaFor('intake')}".item`, 'id', items.map((item) => item.id), async () => {
      const response = await intake.http().post('/steps').set('Authorization', technician).send({ step: 'cover', barcodes: scanned.map((item) => item.barcode) });
      expect(response.status).toBe(200);
    });
    for (const item of items) expect((await view(item.barcode!)).doneSteps.map((d: { step: string }) => d.step)).toEqual(['cover']);
  });

  it('publishes intake.item.processed for each cart item whose last step it was', async () => {
    const newspapers = await receive([line.newspaper(), line.newspaper(), line.newspaper()]);
    const { body } = await intake.http().post('/steps').set('Authorization', technician).send({ step: 'stamp', barcodes: newspapers.map((n) => n.barcode) }).expect(200);
    expect(body.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    for (const newspaper of newspapers) expect(await processed.waitFor(newspaper.id)).toHaveLength(1);
  });

  it('lets only technicians and above record a cart, and bounds its size', async () => {
    await intake.http().post('/steps').set('Authorization', await bearer('cataloger', ['CEN'])).send({ step: 'cover', barcodes: [newBarcode()] }).expect(403);
    await intake.http().post('/steps').send({ step: 'cover', barcodes: [newBarcode()] }).expect(401);
    await intake.http().post('/steps').set('Authorization', technician).send({ step: 'cover', barcodes: [] }).expect(400);
    const tooMany = Array.from({ length: 1001 }, () => newBarcode());
    await intake.http().post('/steps').set('Authorization', technician).send({ step: 'cover', barcodes: tooMany }).expect(400);
  });

  it('keeps the status current from cataloging and never moves it back for an older version', async () => {
    const [book] = await receive([line.book()]);
    await statusChanged(book, 'AWAITING_CALL_NUMBER', 1, 'RECEIVED');
    await eventually(async () => expect((await view(book.barcode!)).status).toBe('AWAITING_CALL_NUMBER'));
    await statusChanged(book, 'SHELF_READY', 3, 'IN_PROCESS');
    await eventually(async () => expect((await view(book.barcode!)).status).toBe('SHELF_READY'));

    const late = await statusChanged(book, 'IN_PROCESS', 2, 'AWAITING_CALL_NUMBER');
    await eventually(async () => expect(await processedMessage(late)).toHaveLength(1));
    expect((await view(book.barcode!)).status).toBe('SHELF_READY');

    // An item intake never received is none of its business: acknowledged, not parked.
    const dlq = new DeadLetterQueue(() => run.channel(), run.queues('intake').deadLetter);
    const foreign = await statusChanged({ id: randomUUID(), barcode: null, pendingSteps: [] }, 'AVAILABLE', 1);
    await eventually(async () => expect(await processedMessage(foreign)).toHaveLength(1));
    expect((await dlq.list()).some((l) => l.messageId === foreign)).toBe(false);
  });

  it('keeps the status current from a burst of changes, applied in batches: the newest version wins in any order', async () => {
    const batched = async () =>
      (await messagingMetrics.batched.get()).values.filter((v) => v.labels.service === 'intake').reduce((sum, v) => sum + v.value, 0);
    const batchedBefore = await batched();
    const items = await receive(Array.from({ length: 60 }, () => line.book()));
    const change = (item: Received, to: string, version: number) =>
      buildEvent(ItemStatusChanged, { itemId: item.id, barcode: item.barcode, branch: 'CEN', from: null, to: to as never, version, actor: 'cat-cora', reason: null });
    const events = items.flatMap((item, i) => {
      const inOrder = [change(item, 'RECEIVED', 1), change(item, 'IN_PROCESS', 2), change(item, 'SHELF_READY', 3)];
      return i % 2 === 0 ? inOrder : [inOrder[2], inOrder[0], inOrder[1]];
    });
    await publishBurst(run, events);
    await eventually(async () => {
      const rows = await run.query(`SELECT 1 FROM "${run.schemaFor('intake')}".processed_message WHERE message_id = ANY($1)`, [events.map((e) => e.id)]);
      expect(rows).toHaveLength(events.length);
    });
    const statuses = await run.query<{ status: string; status_version: number }>(
      `SELECT status, status_version FROM "${run.schemaFor('intake')}".item WHERE id = ANY($1)`,
      [items.map((item) => item.id)],
    );
    expect(statuses).toHaveLength(items.length);
    expect(statuses.every((row) => row.status === 'SHELF_READY' && row.status_version === 3)).toBe(true);
    expect((await batched()) - batchedBefore).toBeGreaterThan(0);
  });

  it('takes a batch of status changes in item id order, as a cart locks its items, so the two never deadlock', async () => {
    const items = await receive(Array.from({ length: 6 }, () => line.book()));
    // Highest id first: a write that locked in the order it was given would take a high row before the held low one.
    const changes = [...items]
      .sort((a, b) => b.id.localeCompare(a.id))
      .map((item) => ({ itemId: item.id, barcode: item.barcode, branch: 'CEN', from: 'RECEIVED', to: 'IN_PROCESS', version: 2, actor: 'cat-cora', reason: null }));
    const uow = intake.app.get(UnitOfWork);
    const itemsService = intake.app.get(ItemsService);
    await expectLocksInIdOrder(`"${run.schemaFor('intake')}".item`, 'id', items.map((item) => item.id), () =>
      uow.run((tx) => itemsService.recordStatusChanges(changes as ItemStatusChangedData[], tx)),
    );
    const statuses = await run.query<{ status: string }>(`SELECT status FROM "${run.schemaFor('intake')}".item WHERE id = ANY($1)`, [items.map((item) => item.id)]);
    expect(statuses.map((row) => row.status)).toEqual(items.map(() => 'IN_PROCESS'));
  });

  it('lists items by status, shipment and pending work, within the caller’s branches, in pages', async () => {
    const items = await receive([line.newspaper(), line.newspaper(), line.eResource()]);
    const shipmentId = (await view(items[0].barcode!)).shipmentId;
    const list = async (query: string) => (await intake.http().get(`/items?${query}`).set('Authorization', technician).expect(200)).body;

    const all = await list(`shipmentId=${shipmentId}`);
    expect(all.page).toEqual({ limit: 50, offset: 0, total: 3 });
    expect(all.data.map((i: { line: number }) => i.line)).toEqual([0, 1, 2]);
    expect((await list(`shipmentId=${shipmentId}&pending=true`)).page.total).toBe(2);
    expect((await list(`shipmentId=${shipmentId}&pending=false`)).data.map((i: { id: string }) => i.id)).toEqual([items[2].id]);
    const second = await list(`shipmentId=${shipmentId}&limit=1&offset=1`);
    expect(second.data.map((i: { id: string }) => i.id)).toEqual([items[1].id]);

    await statusChanged(items[0], 'IN_PROCESS', 1, 'RECEIVED');
    await eventually(async () => expect((await list(`shipmentId=${shipmentId}&status=IN_PROCESS`)).data.map((i: { id: string }) => i.id)).toEqual([items[0].id]));
    await statusChanged(items[1], 'WITHDRAWN', 1, 'RECEIVED');
    await eventually(async () => expect((await list(`shipmentId=${shipmentId}&status=WITHDRAWN`)).page.total).toBe(1));
    // Ordinary lists leave withdrawn items out unless asked (SPEC §5).
    expect((await list(`shipmentId=${shipmentId}`)).page.total).toBe(2);
    expect((await list(`shipmentId=${shipmentId}&includeWithdrawn=true`)).page.total).toBe(3);

    const [northern] = await receive([line.book()], 'NOR');
    expect((await list('limit=1000')).data.some((i: { id: string }) => i.id === northern.id)).toBe(false);
    await intake.http().get('/items?branch=NOR').set('Authorization', technician).expect(403);
    await intake.http().get('/items?branch=ZZZ').set('Authorization', technician).expect(400);
    await intake.http().get('/items?status=LOST').set('Authorization', technician).expect(400);
    await intake.http().get('/items').expect(401);
  });
});
