import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { mintDevelopmentToken } from '@app/auth';
import { bearer } from '../../../test/support/service-app';
import { startConsole } from './console-app';
import { FakeService } from './fake-service';

/**
 * The console's `/api/<service>/…` proxy against stand-in services: the person's token goes through
 * as it is (or from the session cookie), nothing else is added, and errors say what to do.
 */
describe('console API proxy (integration)', () => {
  const intake = new FakeService();
  const cataloging = new FakeService();
  let app: INestApplication;
  let http: () => ReturnType<typeof request>;
  let intakeUrl: string;

  beforeAll(async () => {
    let catalogingUrl: string;
    [intakeUrl, catalogingUrl] = await Promise.all([intake.start(), cataloging.start()]);
    ({ app, http } = await startConsole({ INTAKE_URL: intakeUrl, CATALOGING_URL: catalogingUrl, CONSERVATION_URL: 'http://127.0.0.1:9', SERVICE_TIMEOUT_MS: '3000' }));
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([intake.stop(), cataloging.stop()]);
  });

  it("passes the caller's bearer header through unchanged, with method, path, query and body, and no cookies", async () => {
    intake.reply('POST /steps', { status: 200, body: { results: [] } });
    const token = await bearer('technician', ['CEN']);
    const body = '{"step":"cover","barcodes":["31234000000016"]}';
    const res = await http()
      .post('/api/intake/steps?dryRun=no')
      .set('Authorization', token)
      .set('Cookie', 'console_session=someone-else; other=1')
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(200);
    expect(res.body).toEqual({ results: [] });
    const seen = intake.last();
    expect(seen).toMatchObject({ method: 'POST', url: '/steps?dryRun=no', body });
    expect(seen.headers.authorization).toBe(token);
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers['x-correlation-id']).toBe(res.headers['x-correlation-id']);
  });

  it("turns the session cookie's token into the bearer header", async () => {
    cataloging.reply('GET /items/31234000000016', { status: 200, body: { barcode: '31234000000016' } });
    const token = await mintDevelopmentToken({ sub: 'tess', roles: ['technician'], branches: ['CEN'] });
    await http().get('/api/cataloging/items/31234000000016').set('Cookie', `console_session=${token}`).expect(200);
    expect(cataloging.last().headers.authorization).toBe(`Bearer ${token}`);
  });

  it('adds no token of its own: a caller without one is told to sign in and nothing is forwarded', async () => {
    const before = intake.seen.length;
    const res = await http().get('/api/intake/items').expect(401);
    expect(res.body).toMatchObject({ message: 'you are not signed in', whatToDo: expect.stringMatching(/^Sign in again/) });
    expect(intake.seen.length).toBe(before);
  });

  it('says to sign in again when a service answers 401, keeping its reason', async () => {
    cataloging.reply('GET /items/31234000000024', { status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'token expired' } });
    const res = await http().get('/api/cataloging/items/31234000000024').set('Authorization', 'Bearer old').expect(401);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'token expired',
      whatToDo: 'Sign in again: your sign-in has expired or was not accepted.',
      signIn: '/sign-in',
    });
  });

  it("passes a service's refusal on as it is, adding what to do", async () => {
    intake.reply('POST /items/31234000000016/steps', { status: 409, body: { statusCode: 409, error: 'Conflict', message: 'cover is already recorded on item 31234000000016' } });
    const res = await http().post('/api/intake/items/31234000000016/steps').set('Authorization', 'Bearer t').send({ step: 'cover' }).expect(409);
    expect(res.body).toMatchObject({ message: 'cover is already recorded on item 31234000000016', whatToDo: expect.stringMatching(/Scan it again/) });
  });

  it('forwards non-JSON answers byte for byte (binding slips are PDF)', async () => {
    const pdf = Buffer.from('%PDF-1.4 fake');
    intake.reply('GET /file.pdf', { status: 200, raw: pdf, type: 'application/pdf' });
    const res = await http().get('/api/intake/file.pdf').set('Authorization', 'Bearer t').buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect((res.body as Buffer).equals(pdf)).toBe(true);
  });

  it('answers 502 with what to do when a service is down, and 404 for a service that does not exist', async () => {
    const down = await http().get('/api/conservation/repairs').set('Authorization', 'Bearer t').expect(502);
    expect(down.body).toMatchObject({ message: 'the conservation service is not answering', whatToDo: expect.stringMatching(/Try again in a minute/) });
    const unknown = await http().get('/api/billing/invoices').set('Authorization', 'Bearer t').expect(404);
    expect(unknown.body.message).toBe('no service "billing"');
  });

  it('keeps requests on the configured service, whatever the path holds', async () => {
    const before = intake.seen.length;
    await http().get('/api/intake//evil.example/x').set('Authorization', 'Bearer t');
    await http().get('/api/intake/http://evil.example/x').set('Authorization', 'Bearer t');
    expect(intake.seen.length).toBe(before + 2);
    expect(intake.seen.slice(-2).map((r) => [r.headers.host, r.url])).toEqual([
      [new URL(intakeUrl).host, '/evil.example/x'],
      [new URL(intakeUrl).host, '/http://evil.example/x'],
    ]);
  });

  it('refuses a change requested from another site, before it reaches a service', async () => {
    const before = intake.seen.length;
    const res = await http().post('/api/intake/steps').set('Origin', 'https://evil.example').set('Cookie', 'console_session=x').send({ step: 'cover', barcodes: [] }).expect(403);
    expect(res.body.message).toBe('request from another site refused');
    expect(intake.seen.length).toBe(before);
  });
});
