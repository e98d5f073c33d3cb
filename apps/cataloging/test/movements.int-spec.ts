import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import {
  BinderyItemsReturned, EventDefinition, ItemDisposed, ItemListed, ItemPulled, ItemSold, ItemStatus, ItemWithdrawn, PullNotFound,
  RepairCompleted, ShipmentDispatched,
} from '@app/contracts';
import { DeadLetterQueue } from '@app/messaging';
import { bearer, RunningService, startService } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';
import { CatalogingModule } from '../src/cataloging.module';
import { envelope, EventProbe, nextBarcode, publish, received, receivedData, TEST_BRANCHES } from './cataloging-test-kit';

jest.setTimeout(60_000);

describe('cataloging applies what conservation and disposal report to the status of record', () => {
  const run = new TestRun();
  let service: RunningService;
  let probe: EventProbe;
  let staff: string;

  beforeAll(async () => {
    service = await startService(run, 'cataloging', (env) => CatalogingModule.forEnvironment(env), { BRANCHES: TEST_BRANCHES, RETRY_DELAYS_MS: '300,1000,2000' });
    probe = await EventProbe.start(run);
    staff = await bearer('technician', ['CEN']);
  });

  afterAll(async () => {
    await probe?.stop();
    await service?.app.close();
    await run.cleanup();
  });

  const statusOf = async (barcode: string) => (await service.http().get(`/items/${barcode}`).set('Authorization', staff).expect(200)).body.status;
  const untilStatus = (barcode: string, status: ItemStatus) => eventually(async () => expect(await statusOf(barcode)).toBe(status));
  const history = async (barcode: string) =>
    (await service.http().get(`/items/${barcode}/history`).set('Authorization', staff).expect(200)).body as Array<{ to: string; eventId: string; actor: string; reason: string }>;
  const send = async <T extends object>(definition: EventDefinition<T>, data: T) => {
    const event = envelope(definition, data);
    await publish(run, event);
    return event;
  };

  /** An item on the shelf: received pre-labelled with nothing to do, then shelved. */
  async function shelvedItem() {
    const data = receivedData({ barcode: nextBarcode(), callNumber: 'QA76.73 .J38 S55 2010', callNumberScheme: 'lc', pendingSteps: [] });
    await publish(run, received(data));
    await untilStatus(data.barcode!, ItemStatus.SHELF_READY);
    await service.http().post(`/items/${data.barcode}/shelve`).set('Authorization', staff).expect(200);
    return { itemId: data.itemId, barcode: data.barcode!, branch: 'CEN' };
  }

  it('takes an item through a repair pull and back to the shelvers, recording the causing events', async () => {
    const item = await shelvedItem();
    const pulled = await send(ItemPulled, { ...item, pullRequestId: randomUUID(), reason: 'repair', pulledBy: 'tech-pat' });
    await untilStatus(item.barcode, ItemStatus.IN_REPAIR);
    const repaired = await send(RepairCompleted, { ...item, repairId: randomUUID(), treatment: 'tear-mend', outcome: 'repaired', minutes: 15, completedBy: 'tech-pat' });
    await untilStatus(item.barcode, ItemStatus.SHELF_READY);
    const tail = (await history(item.barcode)).slice(-2);
    expect(tail.map((h) => [h.to, h.eventId, h.actor])).toEqual([
      ['IN_REPAIR', pulled.id, 'tech-pat'],
      ['SHELF_READY', repaired.id, 'tech-pat'],
    ]);
    expect(tail[1].reason).toContain('tear-mend');
  });

  it('waits with a repair result that arrives before its pull, then applies both in order', async () => {
    const item = await shelvedItem();
    await send(RepairCompleted, { ...item, repairId: randomUUID(), treatment: 'rebind', outcome: 'bindery', minutes: null, completedBy: 'senior-sam' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await statusOf(item.barcode)).toBe(ItemStatus.AVAILABLE);
    await send(ItemPulled, { ...item, pullRequestId: randomUUID(), reason: 'repair', pulledBy: 'tech-pat' });
    await untilStatus(item.barcode, ItemStatus.AWAITING_BINDERY);
    expect((await history(item.barcode)).slice(-2).map((h) => h.to)).toEqual(['IN_REPAIR', 'AWAITING_BINDERY']);
  });

  it('sends a lot to the bindery and reshelves what comes back', async () => {
    const [a, b] = [await shelvedItem(), await shelvedItem()];
    for (const item of [a, b]) await send(ItemPulled, { ...item, pullRequestId: randomUUID(), reason: 'binding', pulledBy: 'tech-pat' });
    await untilStatus(a.barcode, ItemStatus.AWAITING_BINDERY);
    await untilStatus(b.barcode, ItemStatus.AWAITING_BINDERY);
    const slip = { bindingStyle: 'buckram', leafAttachment: 'oversew', clothColor: 'red', foilColor: 'gold', spineLettering: ['TITLE'], instructions: null };
    await send(ShipmentDispatched, {
      shipmentId: randomUUID(), lotNumber: 'CEN-20261125-1', vendorId: randomUUID(), partnerId: 'acme-bindery', branch: 'CEN',
      dispatchedAt: new Date().toISOString(), expectedReturnAt: new Date(Date.now() + 21 * 86_400_000).toISOString(),
      lines: [a, b].map((item, i) => ({ lineNo: i + 1, itemId: item.itemId, barcode: item.barcode, callNumber: null, title: 'T', slip })),
      dispatchedBy: 'tech-pat',
    });
    await untilStatus(a.barcode, ItemStatus.AT_BINDERY);
    await untilStatus(b.barcode, ItemStatus.AT_BINDERY);
    await send(BinderyItemsReturned, { shipmentId: randomUUID(), branch: 'CEN', items: [a], returnedBy: 'tech-pat' });
    await untilStatus(a.barcode, ItemStatus.SHELF_READY);
    expect(await statusOf(b.barcode)).toBe(ItemStatus.AT_BINDERY);
  });

  it('marks an item missing when a pull finds nothing', async () => {
    const item = await shelvedItem();
    await send(PullNotFound, { ...item, pullRequestId: randomUUID(), reportedBy: 'tech-pat' });
    await untilStatus(item.barcode, ItemStatus.MISSING);
  });

  it('follows a withdrawn item through listing and sale, and parks a late pull for it instead of moving it back', async () => {
    const item = await shelvedItem();
    await send(ItemWithdrawn, { ...item, withdrawalId: randomUUID(), reason: 'weeded', withdrawnBy: 'lib-lee' });
    await untilStatus(item.barcode, ItemStatus.WITHDRAWN);
    const listing = { ...item, listingId: randomUUID(), channel: 'sales-platform' };
    await send(ItemListed, { ...listing, condition: 'good', exLibrary: true, price: '4.50', currency: 'USD', isbn: null, title: 'T', creators: [], publicationYear: 2001 });
    await untilStatus(item.barcode, ItemStatus.LISTED_FOR_SALE);
    await send(ItemSold, { ...listing, price: '4.50', currency: 'USD', orderRef: 'ORD-1', soldAt: new Date().toISOString() });
    await untilStatus(item.barcode, ItemStatus.SOLD);

    const dlq = new DeadLetterQueue(() => run.channel(), run.queues('cataloging').deadLetter);
    const late = await send(ItemPulled, { ...item, pullRequestId: randomUUID(), reason: 'repair', pulledBy: 'tech-pat' });
    await eventually(async () => {
      const letter = (await dlq.list()).find((l) => l.messageId === late.id);
      expect(letter?.reason).toBe(`item ${item.barcode} is SOLD; conservation.item.pulled cannot move it to IN_REPAIR`);
    });
    expect(await statusOf(item.barcode)).toBe(ItemStatus.SOLD);
    expect((await history(item.barcode)).map((h) => h.to)).toEqual(['RECEIVED', 'SHELF_READY', 'AVAILABLE', 'WITHDRAWN', 'LISTED_FOR_SALE', 'SOLD']);
  });

  it('keeps a condemned item in repair until disposal withdraws it, and disposes of unsold withdrawn items', async () => {
    const item = await shelvedItem();
    await send(ItemPulled, { ...item, pullRequestId: randomUUID(), reason: 'repair', pulledBy: 'tech-pat' });
    await untilStatus(item.barcode, ItemStatus.IN_REPAIR);
    const condemned = await send(RepairCompleted, { ...item, repairId: randomUUID(), treatment: 'other', outcome: 'condemned', minutes: 5, completedBy: 'tech-pat' });
    await eventually(async () => expect((await run.query(`SELECT 1 FROM "${run.schemaFor('cataloging')}".processed_message WHERE message_id = $1`, [condemned.id])).length).toBe(1));
    expect(await statusOf(item.barcode)).toBe(ItemStatus.IN_REPAIR);
    await send(ItemWithdrawn, { ...item, withdrawalId: randomUUID(), reason: 'damaged', withdrawnBy: 'disposal' });
    await untilStatus(item.barcode, ItemStatus.WITHDRAWN);
    await send(ItemDisposed, { ...item, listingId: null, method: 'recycle', disposedBy: 'tech-pat' });
    await untilStatus(item.barcode, ItemStatus.DISPOSED);
  });

  it('records MUSTIE conditions on an item and tells the other services', async () => {
    const item = await shelvedItem();
    const before = (await service.http().get(`/items/${item.barcode}`).set('Authorization', staff).expect(200)).body.version;
    const res = await service.http().put(`/items/${item.barcode}/conditions`).set('Authorization', staff).send({ conditions: ['worn', 'superseded'] }).expect(200);
    expect(res.body.conditions).toEqual(['superseded', 'worn']);
    expect(res.body.version).toBe(before + 1);
    await eventually(() => {
      const updates = probe.of('cataloging.item.updated', item.itemId);
      expect(updates.at(-1)?.data).toMatchObject({ changed: ['conditions'], version: before + 1, item: { conditions: ['superseded', 'worn'] } });
    });
    const bad = await service.http().put(`/items/${item.barcode}/conditions`).set('Authorization', staff).send({ conditions: ['dusty'] }).expect(400);
    expect(bad.body.message[0]).toMatch(/^conditions/);
    await service.http().put(`/items/${item.barcode}/conditions`).set('Authorization', await bearer('technician', ['NOR'])).send({ conditions: [] }).expect(404);
    await service.http().put(`/items/${item.barcode}/conditions`).set('Authorization', await bearer('cataloger', ['CEN'])).send({ conditions: [] }).expect(403);
  });
});
