import 'reflect-metadata';
import { bearer, RunningService } from '../../../test/support/service-app';
import { TestRun } from '../../../test/support/test-run';
import { line, startIntake } from './intake-fixtures';

interface ProfileView {
  branch: string;
  materialType: string;
  steps: string[];
  source: string;
  updatedBy: string | null;
}

// The integration project's testTimeout is not applied per project by jest; waits on the broker need more than 5 s under load.
jest.setTimeout(60_000);

describe('intake: processing profiles (real PostgreSQL)', () => {
  const run = new TestRun();
  let intake: RunningService;
  let librarian: string;
  let technician: string;

  beforeAll(async () => {
    intake = await startIntake(run);
    librarian = await bearer('librarian', ['NOR'], { sub: 'lib-nora' });
    technician = await bearer('technician', ['NOR'], { sub: 'tech-ned' });
  });

  afterAll(async () => {
    await intake?.app.close();
    await run.cleanup();
  });

  const profiles = async (auth: string, query = '') => (await intake.http().get(`/processing-profiles${query}`).set('Authorization', auth).expect(200)).body;
  const put = (path: string, steps: unknown, auth = librarian) => intake.http().put(`/processing-profiles/${path}`).set('Authorization', auth).send({ steps });

  it('lists the default profile of every material type for the caller’s branches', async () => {
    const { data, page } = await profiles(technician);
    expect(page).toEqual({ limit: 50, offset: 0, total: 6 });
    const steps = Object.fromEntries((data as ProfileView[]).map((p) => [p.materialType, p.steps]));
    expect(steps).toEqual({
      book: ['spine-label', 'cover', 'security-tag', 'stamp'],
      magazine: ['cover', 'security-tag', 'stamp'],
      newspaper: ['stamp'],
      'e-resource': [],
      audiovisual: ['spine-label', 'security-tag', 'stamp'],
      other: ['spine-label', 'stamp'],
    });
    expect((data as ProfileView[]).every((p) => p.branch === 'NOR' && p.source === 'default')).toBe(true);
    expect((await profiles(await bearer('admin', []))).page.total).toBe(18);
  });

  it('refuses a list for another branch (403) or an unknown one (400)', async () => {
    await intake.http().get('/processing-profiles?branch=CEN').set('Authorization', technician).expect(403);
    await intake.http().get('/processing-profiles?branch=ZZZ').set('Authorization', technician).expect(400);
  });

  it('lets a librarian set a branch’s steps, which only items received afterwards get', async () => {
    const receiver = await bearer('technician', ['NOR']);
    const receive = async () =>
      (await intake.http().post('/shipments').set('Authorization', receiver).send({ supplier: 'S', branch: 'NOR', items: [line.newspaper()] }).expect(201)).body.items[0];
    const before = await receive();
    expect(before.pendingSteps).toEqual(['stamp']);

    const { body: saved } = await put('NOR/newspaper', ['stamp', 'date-stamp']).expect(200);
    expect(saved).toMatchObject({ branch: 'NOR', materialType: 'newspaper', steps: ['stamp', 'date-stamp'], source: 'branch', updatedBy: 'lib-nora' });
    const listed = (await profiles(technician, '?branch=NOR')).data.find((p: ProfileView) => p.materialType === 'newspaper');
    expect(listed).toMatchObject({ steps: ['stamp', 'date-stamp'], source: 'branch' });

    const after = await receive();
    expect(after.pendingSteps).toEqual(['stamp', 'date-stamp']);
    // The item received before the change keeps its own steps.
    const { body: old } = await intake.http().get(`/items/${before.barcode}`).set('Authorization', receiver).expect(200);
    expect(old.requiredSteps).toEqual(['stamp']);
    await intake.http().post(`/items/${before.barcode}/steps`).set('Authorization', receiver).send({ step: 'date-stamp' }).expect(400);
    await intake.http().post(`/items/${after.barcode}/steps`).set('Authorization', receiver).send({ step: 'date-stamp' }).expect(200);
  });

  it('lets only librarians and admins change profiles, in their own branches', async () => {
    await put('NOR/book', ['stamp'], technician).expect(403);
    await put('NOR/book', ['stamp'], await bearer('cataloger', ['NOR'])).expect(403);
    await put('CEN/book', ['stamp']).expect(403);
    await put('CEN/book', ['stamp'], await bearer('admin', [])).expect(200);
  });

  it('refuses a malformed or repeated step, an unknown material type or branch, and steps for e-resources', async () => {
    expect((await put('NOR/book', ['Cover!']).expect(400)).body.message.join()).toMatch(/steps/);
    expect((await put('NOR/book', ['cover', 'cover']).expect(400)).body.message.join()).toMatch(/repeat/);
    expect((await put('NOR/scroll', ['cover']).expect(400)).body.message).toMatch(/materialType: unknown material type "scroll"/);
    expect((await put('ZZZ/book', ['cover']).expect(400)).body.message).toMatch(/branch: unknown branch "ZZZ"/);
    expect((await put('NOR/e-resource', ['stamp']).expect(400)).body.message).toMatch(/must be empty/);
    await put('NOR/e-resource', []).expect(200);
    // Nothing of the refused changes was stored.
    const book = (await profiles(technician)).data.find((p: ProfileView) => p.materialType === 'book');
    expect(book).toMatchObject({ source: 'default', steps: ['spine-label', 'cover', 'security-tag', 'stamp'] });
  });
});
