import { ItemStatus } from '@app/contracts';
import { bearer, RunningService, startService } from '../../../test/support/service-app';
import { TestRun } from '../../../test/support/test-run';
import { ConservationModule } from '../src/conservation.module';
import { CatalogItem, catalogItem, catalogMoves, EventProbe, onShelf } from './conservation-test-kit';

describe('repair work orders', () => {
  const run = new TestRun();
  let service: RunningService;
  let probe: EventProbe;
  let technician: string;
  let senior: string;

  beforeAll(async () => {
    service = await startService(run, 'conservation', (env) => ConservationModule.forEnvironment(env), {
      BRANCHES: 'CEN:Central Library,NOR:North Branch,REP:Repair Branch',
    });
    probe = await EventProbe.start(run, 'repairs');
    technician = await bearer('technician', ['CEN']);
    senior = await bearer('senior-technician', ['CEN']);
  });

  afterAll(async () => {
    await probe?.stop();
    await service?.app.close();
    await run.cleanup();
  });

  const http = () => service.http();

  /** An item pulled for repair, with the pull recorded by the catalog (IN_REPAIR): its open repair. */
  const inRepair = async (branch = 'CEN', auth = technician, recorded = true): Promise<{ item: CatalogItem; repairId: string }> => {
    const item = catalogItem({ branch, callNumber: 'PS3545 .I345 A6 1990' });
    await onShelf(run, [item]);
    const request = await http().post('/pull-requests').set('Authorization', auth).send({ barcode: item.barcode, reason: 'repair', damage: 'torn-pages' });
    expect(request.status).toBe(201);
    const pulled = await http().post(`/pull-requests/${request.body.id}/pulled`).set('Authorization', auth);
    expect(pulled.status).toBe(200);
    if (recorded) await catalogMoves(run, item, ItemStatus.IN_REPAIR);
    return { item, repairId: pulled.body.repairId };
  };
  const complete = (repairId: string, body: Record<string, unknown>, auth = technician) =>
    http().post(`/repairs/${repairId}/complete`).set('Authorization', auth).send(body);

  it('ends a repair as repaired: publishes conservation.repair.completed (the item goes to SHELF_READY)', async () => {
    const { item, repairId } = await inRepair();
    const response = await complete(repairId, { treatment: 'tear-mend', minutes: 15, outcome: 'repaired' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: repairId, status: 'completed', treatment: 'tear-mend', minutes: 15, outcome: 'repaired', completedBy: 'technician-CEN' });
    const event = await probe.one('conservation.repair.completed', (data) => data.repairId === repairId);
    expect(event).toMatchObject({
      branch: 'CEN',
      data: { itemId: item.itemId, barcode: item.barcode, branch: 'CEN', repairId, treatment: 'tear-mend', outcome: 'repaired', minutes: 15, completedBy: 'technician-CEN' },
    });
    expect(probe.of('conservation.item.condemned', (data) => data.repairId === repairId)).toHaveLength(0);
  });

  it('sends an item to the bindery (outcome bindery, minutes optional)', async () => {
    const { repairId } = await inRepair();
    const response = await complete(repairId, { treatment: 'hinge-repair', outcome: 'bindery' });
    expect(response.status).toBe(200);
    const event = await probe.one('conservation.repair.completed', (data) => data.repairId === repairId);
    expect(event.data).toMatchObject({ outcome: 'bindery', minutes: null });
  });

  it('condemns an item: publishes conservation.item.condemned too, with the reason', async () => {
    const { item, repairId } = await inRepair();
    const response = await complete(repairId, { treatment: 'other', outcome: 'condemned', note: 'mould through the text block' });
    expect(response.status).toBe(200);
    await probe.one('conservation.repair.completed', (data) => data.repairId === repairId && data.outcome === 'condemned');
    const condemned = await probe.one('conservation.item.condemned', (data) => data.repairId === repairId);
    expect(condemned.data).toEqual({
      itemId: item.itemId, barcode: item.barcode, branch: 'CEN', repairId, reason: 'mould through the text block', condemnedBy: 'technician-CEN',
    });
  });

  it.each(['resew-section', 'recase', 'rebind'])('keeps %s, a major repair, for senior technicians (403 naming the role)', async (treatment) => {
    const { repairId } = await inRepair();
    const refused = await complete(repairId, { treatment, outcome: 'repaired' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(`treatment ${treatment} is a major repair: it requires role senior-technician`);
    expect((await http().get(`/repairs/${repairId}`).set('Authorization', technician)).body.status).toBe('open');

    const done = await complete(repairId, { treatment, outcome: 'repaired' }, senior);
    expect(done.status).toBe(200);
    expect(done.body.completedBy).toBe('senior-technician-CEN');
    // A librarian holds the senior technician's permissions too.
    const other = await inRepair();
    expect((await complete(other.repairId, { treatment, outcome: 'repaired' }, await bearer('librarian', ['CEN']))).status).toBe(200);
  });

  it('lets a technician do minor repairs', async () => {
    for (const treatment of ['tip-in', 'spine-repair', 'clean']) {
      const { repairId } = await inRepair();
      expect((await complete(repairId, { treatment, outcome: 'repaired' })).status).toBe(200);
    }
  });

  it('does not complete a repair twice (409), and publishes once', async () => {
    const { repairId } = await inRepair();
    expect((await complete(repairId, { treatment: 'tear-mend', outcome: 'repaired' })).status).toBe(200);
    const again = await complete(repairId, { treatment: 'tear-mend', outcome: 'condemned' });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(`repair ${repairId} is completed`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(probe.of('conservation.repair.completed', (data) => data.repairId === repairId)).toHaveLength(1);
    expect(probe.of('conservation.item.condemned', (data) => data.repairId === repairId)).toHaveLength(0);
  });

  it('waits for the catalog to record the pull: an item not IN_REPAIR cannot leave repair (409 naming its status)', async () => {
    const { item, repairId } = await inRepair('CEN', technician, false);
    const early = await complete(repairId, { treatment: 'tear-mend', outcome: 'repaired' });
    expect(early.status).toBe(409);
    expect(early.body.message).toContain(`item ${item.barcode} is AVAILABLE; only an item IN_REPAIR can leave repair`);
    await catalogMoves(run, item, ItemStatus.IN_REPAIR);
    expect((await complete(repairId, { treatment: 'tear-mend', outcome: 'repaired' })).status).toBe(200);
  });

  it('refuses unknown treatments and outcomes with a 400 naming the field', async () => {
    const { repairId } = await inRepair();
    const treatment = await complete(repairId, { treatment: 'glue-it', outcome: 'repaired' });
    expect(treatment.status).toBe(400);
    expect(treatment.body.message.join(' ')).toContain('treatment');
    const outcome = await complete(repairId, { treatment: 'clean', outcome: 'lost' });
    expect(outcome.status).toBe(400);
    expect(outcome.body.message.join(' ')).toContain('outcome');
    const minutes = await complete(repairId, { treatment: 'clean', outcome: 'repaired', minutes: -5 });
    expect(minutes.status).toBe(400);
    expect(minutes.body.message.join(' ')).toContain('minutes');
  });

  it('lists repairs of a branch by status, oldest first, page by page', async () => {
    const rep = await bearer('technician', ['REP']);
    const repairs = [];
    for (let i = 0; i < 5; i++) repairs.push(await inRepair('REP', rep));
    await complete(repairs[1].repairId, { treatment: 'clean', outcome: 'repaired' }, rep);
    await complete(repairs[3].repairId, { treatment: 'clean', outcome: 'repaired' }, rep);

    const open = [];
    for (let offset = 0; offset < 3; offset += 2) {
      const page = await http().get(`/repairs?branch=REP&status=open&limit=2&offset=${offset}`).set('Authorization', rep);
      expect(page.status).toBe(200);
      expect(page.body.page).toEqual({ limit: 2, offset, total: 3 });
      open.push(...page.body.data.map((repair: { id: string }) => repair.id));
    }
    expect(open).toEqual([repairs[0].repairId, repairs[2].repairId, repairs[4].repairId]);

    const completed = await http().get('/repairs?branch=REP&status=completed').set('Authorization', rep);
    expect(completed.body.data.map((repair: { id: string }) => repair.id)).toEqual([repairs[1].repairId, repairs[3].repairId]);
    expect(completed.body.data[0]).toMatchObject({ branch: 'REP', item: { callNumber: { value: 'PS3545 .I345 A6 1990', scheme: 'lc' }, status: 'IN_REPAIR' } });

    // Without a branch: only the caller's branches.
    const mine = await http().get('/repairs?limit=1000').set('Authorization', rep);
    expect(mine.body.data.every((repair: { branch: string }) => repair.branch === 'REP')).toBe(true);
    expect(mine.body.page.total).toBe(5);
  });

  it("keeps branches apart: another branch's list is 403, its repair 404", async () => {
    const { repairId } = await inRepair();
    const north = await bearer('technician', ['NOR']);
    expect((await http().get('/repairs?branch=CEN').set('Authorization', north)).status).toBe(403);
    expect((await http().get(`/repairs/${repairId}`).set('Authorization', north)).status).toBe(404);
    expect((await complete(repairId, { treatment: 'clean', outcome: 'repaired' }, north)).status).toBe(404);
    expect((await http().get('/repairs?branch=NOPE').set('Authorization', north)).status).toBe(400);
  });
});
