import 'reflect-metadata';
import { CallNumber, ItemStatus } from '@app/contracts';
import { bearer, RunningService, startService } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';
import { CatalogingModule } from '../src/cataloging.module';
import { EventProbe, processed, processedData, publish, received, receivedData, TEST_BRANCHES } from './cataloging-test-kit';

// Boots a service and waits on the broker: more than jest's default 5 s when the suite runs beside others.
jest.setTimeout(30_000);

describe('catalogers: the call-number queue and assigning call numbers', () => {
  const run = new TestRun();
  let service: RunningService;
  let probe: EventProbe;
  let cataloger: string;
  let technician: string;
  let admin: string;

  beforeAll(async () => {
    service = await startService(run, 'cataloging', (env) => CatalogingModule.forEnvironment(env), { BRANCHES: TEST_BRANCHES });
    probe = await EventProbe.start(run);
    cataloger = await bearer('cataloger', ['CEN', 'QUE'], { sub: 'cato' });
    technician = await bearer('technician', ['CEN', 'QUE'], { sub: 'tess' });
    admin = await bearer('admin', ['*']);
  });

  afterAll(async () => {
    await probe?.stop();
    await service?.app.close();
    await run.cleanup();
  });

  const get = (path: string, auth = technician) => service.http().get(path).set('Authorization', auth);
  const assign = (ref: string, body: object, auth = cataloger) => service.http().put(`/items/${ref}/call-number`).set('Authorization', auth).send(body);
  const untilStatus = (ref: string, status: ItemStatus) =>
    eventually(async () => {
      const response = await get(`/items/${ref}`, admin);
      expect(response.status).toBe(200);
      expect(response.body.status).toBe(status);
      return response.body;
    });
  const receiveAndWait = async (data: ReturnType<typeof receivedData>, status: ItemStatus, occurredAt?: string) => {
    await publish(run, received(data, { occurredAt }));
    return untilStatus(data.barcode ?? data.itemId, status);
  };

  it('lists the items awaiting a call number in a branch, oldest received first, across pages', async () => {
    const day = (n: number) => new Date(Date.UTC(2026, 0, n)).toISOString();
    const items = [3, 1, 4, 2].map((n) => ({ n, data: receivedData({ branch: 'QUE', title: `Queued ${n}` }) }));
    for (const { n, data } of items) await receiveAndWait(data, ItemStatus.AWAITING_CALL_NUMBER, day(n));
    // Not in the queue: another branch, and a pre-labelled item of the same branch.
    await receiveAndWait(receivedData({ branch: 'NOR' }), ItemStatus.AWAITING_CALL_NUMBER);
    await receiveAndWait(receivedData({ branch: 'QUE', callNumber: 'QA76 .A1', callNumberScheme: 'lc' }), ItemStatus.IN_PROCESS);

    const oldestFirst = [...items].sort((a, b) => a.n - b.n).map((i) => i.data.barcode);
    const all = await get('/call-number-queue?branch=QUE', cataloger).expect(200);
    expect(all.body.data.map((i: { barcode: string }) => i.barcode)).toEqual(oldestFirst);
    expect(all.body.page).toEqual({ limit: 50, offset: 0, total: 4 });
    expect(all.body.data[0]).toMatchObject({ status: 'AWAITING_CALL_NUMBER', record: { title: 'Queued 1' }, receivedAt: day(1) });

    const pages = [];
    for (const offset of [0, 2]) pages.push(...(await get(`/call-number-queue?branch=QUE&limit=2&offset=${offset}`)).body.data);
    expect(pages.map((i: { barcode: string }) => i.barcode)).toEqual(oldestFirst);
  });

  it("keeps the queue to the caller's branches: a foreign branch is 403, no branch means the caller's own", async () => {
    const foreign = await get('/call-number-queue?branch=NOR', cataloger);
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toContain('NOR');
    const unknown = await get('/call-number-queue?branch=XYZ', cataloger);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message.join(' ')).toContain('branch');
    const own = await get('/call-number-queue', cataloger).expect(200);
    expect(own.body.data.every((i: { branch: string }) => ['CEN', 'QUE'].includes(i.branch))).toBe(true);
  });

  it('moves an unlabelled item to IN_PROCESS on assignment, then to SHELF_READY when processed, and tells intake', async () => {
    const data = receivedData();
    await receiveAndWait(data, ItemStatus.AWAITING_CALL_NUMBER);
    const response = await assign(data.barcode!, { callNumber: 'qa76.9.d3 d38 2004', scheme: 'lc' }).expect(200);
    expect(response.body).toMatchObject({ status: 'IN_PROCESS', version: 3, callNumber: { value: 'QA76.9 .D3 D38 2004', scheme: 'lc' } });

    await eventually(() => expect(probe.of('cataloging.call-number.assigned', data.itemId)).toHaveLength(1));
    const [assigned] = probe.of('cataloging.call-number.assigned', data.itemId);
    expect(assigned.data).toEqual({
      itemId: data.itemId,
      barcode: data.barcode,
      branch: 'CEN',
      callNumber: 'QA76.9 .D3 D38 2004',
      scheme: 'lc',
      shelfKey: CallNumber.parse('QA76.9 .D3 D38 2004', 'lc').sortKey,
      assignedBy: 'cato',
    });
    await eventually(() => expect(probe.of('cataloging.item.status-changed', data.itemId).map((e) => e.data.to)).toContain('IN_PROCESS'));

    const done = processed(processedData(data));
    await publish(run, done);
    await untilStatus(data.barcode!, ItemStatus.SHELF_READY);
    await service.http().post(`/items/${data.barcode}/shelve`).set('Authorization', technician).expect(200);

    // The whole story, in order, with who did what and the event behind each step.
    // Every change but the receipt itself, which intake's event announced (see ItemLifecycle.admit).
    await eventually(() => expect(probe.of('cataloging.item.status-changed', data.itemId).map((e) => e.data.version)).toEqual([2, 3, 4, 5]));
    const published = probe.of('cataloging.item.status-changed', data.itemId);
    const history = (await get(`/items/${data.barcode}/history`).expect(200)).body;
    expect(history.map((h: Record<string, unknown>) => [h.version, h.from, h.to, h.actor])).toEqual([
      [1, null, 'RECEIVED', 'tech-anna'],
      [2, 'RECEIVED', 'AWAITING_CALL_NUMBER', 'tech-anna'],
      [3, 'AWAITING_CALL_NUMBER', 'IN_PROCESS', 'cato'],
      [4, 'IN_PROCESS', 'SHELF_READY', 'tech-ben'],
      [5, 'SHELF_READY', 'AVAILABLE', 'tess'],
    ]);
    // Changes made over HTTP name the status event they published; the others, the intake event consumed.
    expect(history[0].eventId).toBe(history[1].eventId);
    expect(history[2].eventId).toBe(published.find((e) => e.data.version === 3)!.id);
    expect(history[3].eventId).toBe(done.id);
    expect(history[4].eventId).toBe(published.find((e) => e.data.version === 5)!.id);
    expect(history.every((h: { at: string }) => !Number.isNaN(Date.parse(h.at)))).toBe(true);
  });

  it('sends an item whose processing is already complete straight to SHELF_READY', async () => {
    const data = receivedData({ materialType: 'newspaper', requiredSteps: ['stamp'], pendingSteps: [] });
    await receiveAndWait(data, ItemStatus.AWAITING_CALL_NUMBER);
    const response = await assign(data.barcode!, { callNumber: 'NEWS NYT 2026-11-25', scheme: 'local' }).expect(200);
    expect(response.body).toMatchObject({ status: 'SHELF_READY', version: 3 });
  });

  it('remembers processing done before the call number and then goes straight to SHELF_READY', async () => {
    const data = receivedData();
    await receiveAndWait(data, ItemStatus.AWAITING_CALL_NUMBER);
    await publish(run, processed(processedData(data)));
    await eventually(async () => expect((await get(`/items/${data.barcode}`)).body.processingComplete).toBe(true));
    const response = await assign(data.barcode!, { callNumber: '641.5945 DAV', scheme: 'ddc' }).expect(200);
    expect(response.body).toMatchObject({ status: 'SHELF_READY', callNumber: { value: '641.5945 DAV', scheme: 'ddc' } });
  });

  it('corrects the call number of an item past the queue without changing its status', async () => {
    const data = receivedData({ callNumber: 'QA76 .A1', callNumberScheme: 'lc', pendingSteps: ['cover'] });
    await receiveAndWait(data, ItemStatus.IN_PROCESS);
    const response = await assign(data.barcode!, { callNumber: 'QA76.5 .M3', scheme: 'lc' }).expect(200);
    // The version counts every item event (read models order by it); the history gains no row.
    expect(response.body).toMatchObject({ status: 'IN_PROCESS', version: 3, callNumber: { value: 'QA76.5 .M3', scheme: 'lc' } });
    expect((await get(`/items/${data.barcode}/history`)).body).toHaveLength(2);
    await eventually(() => expect(probe.of('cataloging.call-number.assigned', data.itemId)).toHaveLength(1));
    await eventually(() => expect(probe.of('cataloging.item.updated', data.itemId).map((e) => e.data.changed)).toEqual([['call-number']]));
  });

  it('accepts a call number on an electronic resource and leaves it AVAILABLE', async () => {
    const data = receivedData({ materialType: 'e-resource', barcode: null, requiredSteps: [], pendingSteps: [] });
    await receiveAndWait(data, ItemStatus.AVAILABLE);
    const response = await assign(data.itemId, { callNumber: 'QA76.73 .J38 S6', scheme: 'lc' }).expect(200);
    expect(response.body).toMatchObject({ status: 'AVAILABLE', version: 3, callNumber: { value: 'QA76.73 .J38 S6' } });
  });

  it('lets only catalogers (and admins) assign: a technician gets 403 and the item is unchanged', async () => {
    const data = receivedData();
    await receiveAndWait(data, ItemStatus.AWAITING_CALL_NUMBER);
    const refused = await assign(data.barcode!, { callNumber: 'QA76 .A1', scheme: 'lc' }, technician);
    expect(refused.status).toBe(403);
    expect((await get(`/items/${data.barcode}`)).body).toMatchObject({ status: 'AWAITING_CALL_NUMBER', callNumber: null });
    await assign(data.barcode!, { callNumber: 'QA76 .A1', scheme: 'lc' }, admin).expect(200);
  });

  it('refuses a call number that is not valid for its scheme with 400 naming callNumber, changing nothing', async () => {
    const data = receivedData();
    await receiveAndWait(data, ItemStatus.AWAITING_CALL_NUMBER);
    const bad = await assign(data.barcode!, { callNumber: '76.73 QA', scheme: 'lc' });
    expect(bad.status).toBe(400);
    const message = (bad.body.message as string[]).join(' ');
    expect(message).toMatch(/^callNumber: /);
    expect(message).toContain('LC call number');
    const badScheme = await assign(data.barcode!, { callNumber: 'QA76 .A1', scheme: 'udc' });
    expect(badScheme.status).toBe(400);
    expect(badScheme.body.message.join(' ')).toContain('scheme');
    const extra = await assign(data.barcode!, { callNumber: 'QA76 .A1', scheme: 'lc', status: 'AVAILABLE' });
    expect(extra.status).toBe(400);
    expect(extra.body.message.join(' ')).toContain('status: unknown field');
    expect((await get(`/items/${data.barcode}`)).body).toMatchObject({ status: 'AWAITING_CALL_NUMBER', callNumber: null, version: 2 });
  });

  it("answers 404 for an item of another branch, as for an unknown one, and 400 for a malformed barcode", async () => {
    const data = receivedData({ branch: 'NOR' });
    await publish(run, received(data));
    await eventually(async () => expect((await get(`/items/${data.barcode}`, admin)).status).toBe(200));
    const foreign = await assign(data.barcode!, { callNumber: 'QA76 .A1', scheme: 'lc' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.message).toBe(`item ${data.barcode} not found`);
    expect((await get(`/items/${data.barcode}`, admin)).body.status).toBe('AWAITING_CALL_NUMBER');
    const malformed = await assign('31234000000000', { callNumber: 'QA76 .A1', scheme: 'lc' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^barcode: /);
  });
});
