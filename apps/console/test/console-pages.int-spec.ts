import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TokenVerifier } from '@app/auth';
import { startConsole } from './console-app';
import { FakeService } from './fake-service';

/** Sign-in, pages and the console's own endpoints against stand-in services. */
describe('console pages and sign-in (integration)', () => {
  const intake = new FakeService();
  const cataloging = new FakeService();
  let app: INestApplication;
  let http: () => ReturnType<typeof request>;

  beforeAll(async () => {
    const [intakeUrl, catalogingUrl] = await Promise.all([intake.start(), cataloging.start()]);
    ({ app, http } = await startConsole({ INTAKE_URL: intakeUrl, CATALOGING_URL: catalogingUrl }));
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([intake.stop(), cataloging.stop()]);
  });

  async function signIn(role = 'technician', branch = 'CEN', name = 'Tess'): Promise<string> {
    const res = await http().post('/sign-in').type('form').send({ role, branch, name, next: '/receive' }).expect(303);
    expect(res.headers.location).toBe('/receive');
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/^console_session=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=28800; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/);
    return cookie.split(';')[0];
  }

  it('sends a visitor without a session to sign in, keeping where they were going', async () => {
    const res = await http().get('/queues/shelving?branch=CEN').expect(303);
    expect(res.headers.location).toBe('/sign-in?next=%2Fqueues%2Fshelving%3Fbranch%3DCEN');
    const api = await http().get('/console-api/items/31234000000016').expect(401);
    expect(api.body.whatToDo).toMatch(/^Sign in again/);
  });

  it('signs in with a development token the services accept: the chosen role, branch and name', async () => {
    const cookie = await signIn('cataloger', 'NOR', 'Cal Loger');
    const token = cookie.split('=')[1];
    const user = await new TokenVerifier({ mode: 'hs256', secret: 'dev-only-secret-change-me' }).verify(token);
    expect(user).toMatchObject({ id: 'dev-cal-loger', name: 'Cal Loger', roles: ['cataloger'], branches: ['NOR'] });
    const page = await http().get('/scan').set('Cookie', cookie).expect(200);
    expect(page.text).toContain('<strong>Cal Loger</strong> · cataloger · NOR');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('refuses a role or branch that is not on the list, saying what to pick', async () => {
    const res = await http().post('/sign-in').type('form').send({ role: 'admin-ish', branch: 'CEN' }).expect(303);
    expect(decodeURIComponent(res.headers.location)).toContain('Pick a role from the list');
  });

  it('never redirects to another site after sign-in', async () => {
    const res = await http().post('/sign-in').type('form').send({ role: 'technician', branch: 'CEN', next: '//evil.example/' }).expect(303);
    expect(res.headers.location).toBe('/scan');
  });

  it('shows one item from both services, with its next actions, and a useful 404', async () => {
    const cookie = await signIn();
    cataloging.reply('GET /items/31234000000016', {
      status: 200,
      body: { id: 'i1', barcode: '31234000000016', branch: 'CEN', materialType: 'book', status: 'SHELF_READY', callNumber: { value: 'QA76 .J38', scheme: 'lc' }, location: 'Adult', record: { title: 'Java', creators: [], publicationYear: 2010 } },
    });
    cataloging.reply('GET /items/31234000000016/history', { status: 200, body: [{ from: null, to: 'RECEIVED', at: '2026-01-01T00:00:00Z', actor: 'tess', reason: null }] });
    intake.reply('GET /items/31234000000016', { status: 200, body: { id: 'i1', pendingSteps: [], requiredSteps: ['stamp'] } });
    const view = await http().get('/console-api/items/31234000000016').set('Cookie', cookie).expect(200);
    expect(view.body).toMatchObject({ title: 'Java', statusLabel: 'Ready to shelve', branchName: 'Central Library', history: [{ toLabel: 'Received' }] });
    expect(view.body.actions.map((a: { id: string }) => a.id)[0]).toBe('shelve');
    // Conservation is not configured (no open pull could be looked up): said, not hidden.
    expect(view.body.warnings[0]).toMatch(/^Could not look up open pull requests/);

    const missing = await http().get('/console-api/items/31234000000024').set('Cookie', cookie).expect(404);
    expect(missing.body.message).toBe('item 31234000000024 not found: check the barcode (scan it again), or receive it first on the Receive page');
  });

  it("receives a shipment with the person's token, and maps intake's refusal to lines and fields", async () => {
    const cookie = await signIn();
    intake.reply('POST /shipments', {
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: ['items[1].isbn: check digit should be 7', 'supplier: supplier should not be empty'] },
    });
    const res = await http()
      .post('/console-api/shipments')
      .set('Cookie', cookie)
      .send({ supplier: ' ', branch: 'CEN', lines: [{ materialType: 'book', title: 'A' }, { materialType: 'book', title: 'B', isbn: '978-0-306-40615-6', creators: 'X; Y' }] })
      .expect(400);
    expect(res.body.problems).toEqual({
      lines: [{ index: 1, field: 'isbn', message: 'check digit should be 7' }],
      form: [{ field: 'supplier', message: 'supplier should not be empty' }],
      general: [],
    });
    expect(res.body.whatToDo).toMatch(/^Nothing was received/);
    const sent = JSON.parse(intake.last().body);
    expect(sent.items[1]).toEqual({ materialType: 'book', title: 'B', isbn: '978-0-306-40615-6', creators: ['X', 'Y'] });
    expect(intake.last().headers.authorization).toBe(`Bearer ${cookie.split('=')[1]}`);
  });

  it('reads a CSV into lines without receiving anything', async () => {
    const cookie = await signIn();
    const before = intake.seen.length;
    const res = await http().post('/console-api/shipments/csv').set('Cookie', cookie).send({ csv: 'materialType,title\nbook,Dune\n' }).expect(200);
    expect(res.body).toEqual({ lines: [{ row: 2, cells: { materialType: 'book', title: 'Dune' } }], problems: [] });
    expect(intake.seen.length).toBe(before);
  });

  it('answers health anonymously and serves its API docs', async () => {
    await http().get('/health/ready').expect(200);
    const docs = await http().get('/docs/json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/console-api/items/{barcode}', '/api/{service}/{path}']));
  });
});

describe('console sign-in in production (integration)', () => {
  let app: INestApplication;
  let http: () => ReturnType<typeof request>;

  beforeAll(async () => {
    ({ app, http } = await startConsole({ NODE_ENV: 'production', AUTH_MODE: 'jwks', JWKS_URL: 'https://idp.example.org/.well-known/jwks.json' }));
  });

  afterAll(() => app?.close());

  it('refuses the development sign-in route and points to the identity provider', async () => {
    const res = await http().post('/sign-in').type('form').send({ role: 'admin', branch: '*' }).expect(403);
    expect(res.text).toContain('development sign-in is off');
    expect(res.headers['set-cookie']).toBeUndefined();
    const page = await http().get('/sign-in').expect(200);
    expect(page.text).toContain("This console takes its sign-in from the library's identity provider");
    expect(page.text).not.toContain('name="role"');
  });
});
