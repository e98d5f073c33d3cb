import 'reflect-metadata';
import { isbn10CheckDigit, Isbn, ItemStatus } from '@app/contracts';
import { DeadLetterQueue, messagingMetrics } from '@app/messaging';
import { bearer, RunningService, startService } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';
import { CatalogingModule } from '../src/cataloging.module';
import {
  EventProbe, nextBarcode, nextIsbn, processed, processedData, publish, received, receivedData, TEST_BRANCHES, wasProcessed,
} from './cataloging-test-kit';
import { publishBurst } from '../../../test/support/events';

// Boots a service and waits on the broker: more than jest's default 5 s when the suite runs beside others.
jest.setTimeout(30_000);

describe('cataloging receives items from intake', () => {
  const run = new TestRun();
  let service: RunningService;
  let probe: EventProbe;
  let staff: string;

  beforeAll(async () => {
    // Retry delays long enough that an item's receipt surely lands between the first try and the retry.
    // Four lanes, so events about different items race each other as they can in production.
    service = await startService(run, 'cataloging', (env) => CatalogingModule.forEnvironment(env), {
      BRANCHES: TEST_BRANCHES,
      RETRY_DELAYS_MS: '300,1500',
      CONSUMER_LANES: 4,
    });
    probe = await EventProbe.start(run);
    staff = await bearer('technician', ['CEN']);
  });

  afterAll(async () => {
    await probe?.stop();
    await service?.app.close();
    await run.cleanup();
  });

  const item = async (ref: string) => {
    const response = await service.http().get(`/items/${ref}`).set('Authorization', staff);
    expect(response.status).toBe(200);
    return response.body;
  };
  const history = async (ref: string) => {
    const response = await service.http().get(`/items/${ref}/history`).set('Authorization', staff);
    expect(response.status).toBe(200);
    return response.body as Array<Record<string, unknown>>;
  };
  const untilStatus = (ref: string, status: ItemStatus) =>
    eventually(async () => {
      const body = await service.http().get(`/items/${ref}`).set('Authorization', staff);
      expect(body.status).toBe(200);
      expect(body.body.status).toBe(status);
      return body.body;
    });

  it('takes each kind of item to the status it waits in', async () => {
    const kinds = {
      prelabelled: receivedData({ callNumber: 'QA76.73 .J38 S55 2010', callNumberScheme: 'lc', pendingSteps: ['cover', 'stamp'] }),
      prelabelledDone: receivedData({ callNumber: '005.133 JON', callNumberScheme: 'ddc', pendingSteps: [] }),
      unlabelled: receivedData(),
      magazineNothingToDo: receivedData({ materialType: 'magazine', requiredSteps: ['stamp'], pendingSteps: [] }),
      newspaper: receivedData({ materialType: 'newspaper', requiredSteps: ['stamp'], pendingSteps: ['stamp'], price: null }),
      eResource: receivedData({ materialType: 'e-resource', barcode: null, requiredSteps: [], pendingSteps: [], price: null }),
    };
    for (const data of Object.values(kinds)) await publish(run, received(data));

    const expected: Record<keyof typeof kinds, [ItemStatus, boolean]> = {
      prelabelled: [ItemStatus.IN_PROCESS, false],
      prelabelledDone: [ItemStatus.SHELF_READY, true],
      unlabelled: [ItemStatus.AWAITING_CALL_NUMBER, false],
      magazineNothingToDo: [ItemStatus.AWAITING_CALL_NUMBER, true],
      newspaper: [ItemStatus.AWAITING_CALL_NUMBER, false],
      eResource: [ItemStatus.AVAILABLE, true],
    };
    for (const [kind, [status, processingComplete]] of Object.entries(expected)) {
      const data = kinds[kind as keyof typeof kinds];
      const body = await untilStatus(data.barcode ?? data.itemId, status);
      expect({ kind, processingComplete: body.processingComplete, version: body.version }).toEqual({ kind, processingComplete, version: 2 });
    }

    const prelabelled = await item(kinds.prelabelled.barcode!);
    expect(prelabelled).toMatchObject({
      id: kinds.prelabelled.itemId,
      branch: 'CEN',
      materialType: 'book',
      callNumber: { value: 'QA76.73 .J38 S55 2010', scheme: 'lc' },
      location: 'Adult Nonfiction',
      price: '24.95',
      currency: 'USD',
      conditions: [],
      checkoutCount: 0,
      lastCirculatedAt: null,
      shelvedAt: null,
      record: { title: 'A Test Title', creators: ['Author, Ann'], publisher: 'Test Press', publicationYear: 2020 },
    });
    const eResource = await item(kinds.eResource.itemId);
    expect(eResource).toMatchObject({ barcode: null, callNumber: null, price: null, currency: null });
  });

  it('records the receipt and the move after it, both caused by the received event and done by the receiver', async () => {
    const data = receivedData({ callNumber: 'PS3545 .I345 A6 1990', callNumberScheme: 'lc', pendingSteps: ['cover'] });
    const event = received(data);
    await publish(run, event);
    await untilStatus(data.barcode!, ItemStatus.IN_PROCESS);
    const rows = await history(data.barcode!);
    expect(rows).toEqual([
      expect.objectContaining({ version: 1, from: null, to: 'RECEIVED', actor: 'tech-anna', eventId: event.id, correlationId: event.correlationId }),
      expect.objectContaining({ version: 2, from: 'RECEIVED', to: 'IN_PROCESS', actor: 'tech-anna', eventId: event.id }),
    ]);
    expect(rows[0].reason).toContain('Acme Books');
  });

  it('publishes the status an arrival is committed with, once: the receipt itself is announced by intake’s event', async () => {
    const data = receivedData();
    const event = received(data);
    await publish(run, event);
    await eventually(() => expect(probe.of('cataloging.item.status-changed', data.itemId)).toHaveLength(1));
    const [published] = probe.of('cataloging.item.status-changed', data.itemId);
    expect(published.data).toEqual({
      itemId: data.itemId, barcode: data.barcode, branch: 'CEN', from: 'RECEIVED', to: 'AWAITING_CALL_NUMBER', version: 2, actor: 'tech-anna', reason: expect.any(String),
      // The item as it now is, for other services' read models.
      item: expect.objectContaining({ title: 'A Test Title', materialType: 'book', collection: 'Adult Nonfiction', callNumber: null, checkoutCount: 0, conditions: [] }),
    });
    expect(published).toMatchObject({ branch: 'CEN', producer: 'cataloging', causationId: event.id, correlationId: event.correlationId });
    // The outbox holds what the transaction published: one status change, not one for RECEIVED as well.
    const outbox = await run.query<{ version: number }>(
      `SELECT (payload::jsonb -> 'data' ->> 'version')::int AS version FROM "${run.schemaFor('cataloging')}".outbox_message
        WHERE type = 'cataloging.item.status-changed' AND payload::jsonb -> 'data' ->> 'itemId' = $1`,
      [data.itemId],
    );
    expect(outbox).toEqual([{ version: 2 }]);
    // The history still has both steps, the receipt's row naming intake's event.
    expect((await history(data.barcode!)).map((row) => [row.version, row.to, row.eventId])).toEqual([
      [1, 'RECEIVED', event.id],
      [2, 'AWAITING_CALL_NUMBER', event.id],
    ]);
  });

  it('joins a second copy of an ISBN to the existing record, whichever ISBN form it carries', async () => {
    const isbn = nextIsbn();
    const first9 = isbn.slice(3, 12);
    const isbn10 = `${first9.slice(0, 1)}-${first9.slice(1, 5)}-${first9.slice(5)}-${isbn10CheckDigit(first9)}`;
    const first = receivedData({ isbn, title: 'Shared Work' });
    const second = receivedData({ isbn: isbn10, title: 'Shared Work (another printing)', branch: 'NOR' });
    await publish(run, received(first));
    await publish(run, received(second));
    const admin = await bearer('admin', ['*']);
    const [a, b] = await eventually(async () => {
      const rows = await Promise.all([first, second].map((d) => service.http().get(`/items/${d.barcode}`).set('Authorization', admin)));
      rows.forEach((r) => expect(r.status).toBe(200));
      return rows.map((r) => r.body);
    });
    expect(b.record.id).toBe(a.record.id);
    expect(a.record.isbn).toBe(Isbn.parse(isbn).value);
    expect(a.record.title).toBe('Shared Work');

    // The CEN technician sees the record, and counts only the CEN copy.
    const records = await service.http().get(`/records?isbn=${isbn10}`).set('Authorization', staff);
    expect(records.status).toBe(200);
    expect(records.body.page.total).toBe(1);
    expect(records.body.data[0]).toMatchObject({ id: a.record.id, itemCounts: { total: 1, byStatus: { AWAITING_CALL_NUMBER: 1 } } });
  });

  it('joins issues of a serial by ISSN, and gives copies without identifiers records of their own', async () => {
    const issueA = receivedData({ materialType: 'magazine', issn: '0317-8471', title: 'Monthly Test', pendingSteps: ['stamp'], requiredSteps: ['stamp'] });
    const issueB = receivedData({ materialType: 'magazine', issn: '03178471', title: 'Monthly Test', pendingSteps: ['stamp'], requiredSteps: ['stamp'] });
    const plainA = receivedData({ title: 'No Identifiers' });
    const plainB = receivedData({ title: 'No Identifiers' });
    for (const data of [issueA, issueB, plainA, plainB]) await publish(run, received(data));
    const [a, b, c, d] = await eventually(() => Promise.all([issueA, issueB, plainA, plainB].map((x) => item(x.barcode!))));
    expect(b.record.id).toBe(a.record.id);
    expect(a.record.issn).toBe('0317-8471');
    expect(c.record.id).not.toBe(d.record.id);
  });

  it('applies an item sent twice once: redelivery is dropped by the inbox, a new message for a known item changes nothing', async () => {
    const data = receivedData();
    const event = received(data);
    await publish(run, event);
    await publish(run, event);
    const again = received({ ...data, title: 'Changed Title', callNumber: 'QA1 .A1', callNumberScheme: 'lc' });
    await publish(run, again);
    await eventually(async () => expect(await wasProcessed(run, again.id)).toBe(true));
    const body = await item(data.barcode!);
    expect(body).toMatchObject({ status: 'AWAITING_CALL_NUMBER', version: 2, callNumber: null, record: { title: 'A Test Title' } });
    expect(await history(data.barcode!)).toHaveLength(2);
  });

  it('parks a second item that claims a barcode already in the catalog, saying whose it is', async () => {
    const first = receivedData();
    await publish(run, received(first));
    await untilStatus(first.barcode!, ItemStatus.AWAITING_CALL_NUMBER);
    const clash = received(receivedData({ barcode: first.barcode }));
    await publish(run, clash);
    const dlq = new DeadLetterQueue(() => run.channel(), run.queues('cataloging').deadLetter);
    await eventually(async () => {
      const letter = (await dlq.list()).find((l) => l.messageId === clash.id);
      expect(letter).toMatchObject({ kind: 'rejected', reason: `barcode ${first.barcode} already belongs to item ${first.itemId}` });
    });
    const admin = await bearer('admin', ['*']);
    expect((await service.http().get(`/items/${clash.data.itemId}`).set('Authorization', admin)).status).toBe(404);
  });

  it('moves an item in process to SHELF_READY when intake reports it processed', async () => {
    const data = receivedData({ callNumber: 'QA9 .S5', callNumberScheme: 'lc', pendingSteps: ['cover'] });
    await publish(run, received(data));
    await untilStatus(data.barcode!, ItemStatus.IN_PROCESS);
    const done = processed(processedData(data, { completedSteps: ['cover'] }));
    await publish(run, done);
    const body = await untilStatus(data.barcode!, ItemStatus.SHELF_READY);
    expect(body.processingComplete).toBe(true);
    const last = (await history(data.barcode!)).at(-1);
    expect(last).toMatchObject({ version: 3, from: 'IN_PROCESS', to: 'SHELF_READY', actor: 'tech-ben', eventId: done.id });
  });

  it('retries processed-before-received and applies it once the item has arrived', async () => {
    const retriedBefore = await retriedCount();
    const data = receivedData({ callNumber: 'HF5415 .K6 1999', callNumberScheme: 'lc', pendingSteps: ['stamp'] });
    const early = processed(processedData(data));
    await publish(run, early);
    await eventually(async () => expect(await retriedCount()).toBeGreaterThan(retriedBefore));
    await publish(run, received(data));
    await untilStatus(data.barcode!, ItemStatus.SHELF_READY);
    expect((await history(data.barcode!)).map((h) => [h.to, h.eventId])).toEqual([
      ['RECEIVED', expect.any(String)],
      ['IN_PROCESS', expect.any(String)],
      ['SHELF_READY', early.id],
    ]);
  });

  it('only remembers processing for an item still awaiting a call number', async () => {
    const data = receivedData();
    await publish(run, received(data));
    await untilStatus(data.barcode!, ItemStatus.AWAITING_CALL_NUMBER);
    const done = processed(processedData(data));
    await publish(run, done);
    await eventually(async () => expect(await wasProcessed(run, done.id)).toBe(true));
    expect(await item(data.barcode!)).toMatchObject({ status: 'AWAITING_CALL_NUMBER', version: 2, processingComplete: true });
    expect(await history(data.barcode!)).toHaveLength(2);
  });

  it('ignores a late or duplicate processed event: it never moves an item backwards or twice', async () => {
    const eResource = receivedData({ materialType: 'e-resource', barcode: null, requiredSteps: [], pendingSteps: [] });
    const book = receivedData({ callNumber: 'QB43.2 .M3', callNumberScheme: 'lc', pendingSteps: ['cover'] });
    await publish(run, received(eResource));
    await publish(run, received(book));
    await untilStatus(eResource.itemId, ItemStatus.AVAILABLE);
    await untilStatus(book.barcode!, ItemStatus.IN_PROCESS);

    const late = processed(processedData(eResource, { completedSteps: [] }));
    const first = processed(processedData(book));
    const duplicate = processed(processedData(book));
    for (const event of [late, first, duplicate]) await publish(run, event);
    await eventually(async () => expect(await wasProcessed(run, duplicate.id)).toBe(true));

    expect(await item(eResource.itemId)).toMatchObject({ status: 'AVAILABLE', version: 2 });
    expect(await history(eResource.itemId)).toHaveLength(2);
    expect(await item(book.barcode!)).toMatchObject({ status: 'SHELF_READY', version: 3 });
    expect((await history(book.barcode!)).map((h) => h.eventId)).not.toContain(duplicate.id);
    await eventually(() => expect(probe.of('cataloging.item.status-changed', book.itemId).map((e) => e.data.version)).toEqual([2, 3]));
  });

  it('applies a burst of arrivals and hand-overs in batches exactly as it would one at a time', async () => {
    const schema = run.schemaFor('cataloging');
    const batchedBefore = await batchedCount();
    const dlq = new DeadLetterQueue(() => run.channel(), run.queues('cataloging').deadLetter);
    // A serial already in the catalog by its ISSN alone; a copy in the burst brings its ISBN.
    const serial = receivedData({ materialType: 'magazine', issn: '0317-8471', isbn: null, pendingSteps: [] });
    await publish(run, received(serial));
    await untilStatus(serial.barcode!, ItemStatus.AWAITING_CALL_NUMBER);
    const serialIsbn = nextIsbn();

    const isbns = Array.from({ length: 10 }, () => nextIsbn());
    const lc = { callNumber: 'QA76.73 .J38 S55 2010', callNumberScheme: 'lc' as const, pendingSteps: ['stamp'] };
    const copies = isbns.flatMap((isbn) => Array.from({ length: 4 }, () => receivedData({ ...lc, isbn })));
    const plain = Array.from({ length: 60 }, () => receivedData(lc));
    const serialCopy = receivedData({ materialType: 'magazine', issn: '0317-8471', isbn: serialIsbn, pendingSteps: [] });
    const twice = plain[0];
    const clash = nextBarcode();
    const [clashFirst, clashSecond] = [receivedData({ ...lc, barcode: clash }), receivedData({ ...lc, barcode: clash })];
    const arrivals = [...copies, ...plain, serialCopy, clashFirst, clashSecond];
    const arrivalEvents = arrivals.map((data) => received(data));
    await publishBurst(run, [...arrivalEvents, received(twice)]);

    // The two items claiming one barcode are in different lanes: whichever commits first keeps it,
    // the other is parked naming the winner, and nothing of it is stored.
    const count = async (sql: string, params: unknown[]) => Number((await run.query<{ n: string }>(sql, params))[0].n);
    const clashLetter = await eventually(async () => {
      const letter = (await dlq.list()).find((l) => l.reason?.startsWith(`barcode ${clash} already belongs to item `));
      expect(letter).toBeDefined();
      return letter!;
    });
    const [winner, loser] = clashLetter.reason?.endsWith(clashFirst.itemId) ? [clashFirst, clashSecond] : [clashSecond, clashFirst];
    expect(clashLetter.reason).toBe(`barcode ${clash} already belongs to item ${winner.itemId}`);
    const admitted = arrivals.filter((data) => data !== loser);
    const ids = admitted.map((data) => data.itemId);
    await eventually(async () => expect(await count(`SELECT count(*) AS n FROM "${schema}".catalog_item WHERE id = ANY($1)`, [ids])).toBe(ids.length));
    expect(await count(`SELECT count(*) AS n FROM "${schema}".catalog_item WHERE id = $1`, [loser.itemId])).toBe(0);

    // Four copies of one ISBN share one record, created once even when they arrive together.
    const records = await run.query<{ isbn: string; records: string; items: string }>(
      `SELECT r.isbn, count(DISTINCT r.id) AS records, count(i.id) AS items FROM "${schema}".catalog_item i JOIN "${schema}".bib_record r ON r.id = i.record_id
        WHERE r.isbn = ANY($1) GROUP BY r.isbn`,
      [isbns],
    );
    expect(records.map((r) => [r.isbn, Number(r.records), Number(r.items)]).sort()).toEqual(isbns.map((isbn) => [isbn, 1, 4]).sort());
    // The serial's record learned the ISBN, and both copies belong to it.
    const serialRecords = await run.query<{ isbn: string; issn: string }>(
      `SELECT DISTINCT r.isbn, r.issn FROM "${schema}".catalog_item i JOIN "${schema}".bib_record r ON r.id = i.record_id WHERE i.id = ANY($1)`,
      [[serial.itemId, serialCopy.itemId]],
    );
    expect(serialRecords).toEqual([{ isbn: serialIsbn, issn: '0317-8471' }]);
    // Each admitted once: two history rows, versions 1 and 2, the second to where it waits.
    const steps = await run.query<{ item_id: string; steps: string }>(
      `SELECT item_id, string_agg(coalesce(from_status, '-') || '>' || to_status || '@' || version, ' ' ORDER BY version) AS steps
         FROM "${schema}".item_status_history WHERE item_id = ANY($1) GROUP BY item_id`,
      [ids],
    );
    const expectedSteps = (data: typeof serialCopy) => (data === serialCopy ? '->RECEIVED@1 RECEIVED>AWAITING_CALL_NUMBER@2' : '->RECEIVED@1 RECEIVED>IN_PROCESS@2');
    expect(new Map(steps.map((row) => [row.item_id, row.steps]))).toEqual(new Map(admitted.map((data) => [data.itemId, expectedSteps(data)])));
    // Each admission published once, as the status it was committed with, caused by its own arrival and in its
    // correlation (not the batch's first message's).
    const singleArrivals = arrivalEvents.filter((event) => event.data !== twice && event.data !== loser);
    await eventually(() => {
      for (const event of singleArrivals) {
        expect(probe.of('cataloging.item.status-changed', event.data.itemId).map((e) => [e.data.version, e.causationId, e.correlationId])).toEqual([
          [2, event.id, event.correlationId],
        ]);
      }
    });

    // The hand-overs in one burst too: every item in process goes to the shelvers, once.
    const handOvers = admitted.filter((data) => data !== serialCopy).map((data) => processed(processedData(data, { completedSteps: ['stamp'] })));
    await publishBurst(run, handOvers);
    const inProcess = handOvers.map((event) => event.data.itemId);
    await eventually(async () =>
      expect(await count(`SELECT count(*) AS n FROM "${schema}".catalog_item WHERE id = ANY($1) AND status = 'SHELF_READY' AND version = 3 AND processing_complete`, [inProcess])).toBe(inProcess.length),
    );
    const shelfReady = await run.query<{ item_id: string; event_id: string }>(
      `SELECT item_id, event_id FROM "${schema}".item_status_history WHERE item_id = ANY($1) AND version = 3`,
      [inProcess],
    );
    expect(new Map(shelfReady.map((row) => [row.item_id, row.event_id]))).toEqual(new Map(handOvers.map((event) => [event.data.itemId, event.id])));
    // Most of this went through the batch handlers (the rest arrived alone in its lane).
    expect((await batchedCount()) - batchedBefore).toBeGreaterThan(arrivals.length);
  });
});

async function batchedCount(): Promise<number> {
  const metric = await messagingMetrics.batched.get();
  return metric.values.filter((v) => v.labels.service === 'cataloging').reduce((sum, v) => sum + v.value, 0);
}

async function retriedCount(): Promise<number> {
  const metric = await messagingMetrics.retried.get();
  return metric.values.filter((v) => v.labels.service === 'cataloging' && v.labels.type === 'intake.item.processed').reduce((sum, v) => sum + v.value, 0);
}
