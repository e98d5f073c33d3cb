import { Body, Controller, Injectable, INestApplication, Module, Post } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Roles } from '@app/auth';
import { defineEvent, EventEnvelope } from '@app/contracts';
import { MessagingTables1764000000000, OnEvent, OutboxLease1764000000950, Transaction, UnitOfWork } from '@app/messaging';
import { createServiceApp, PlatformModule, PreparingClient } from '@app/platform';
import { DataSource } from 'typeorm';
import { bearer } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';

class PingData {
  @IsString() @MaxLength(20) text!: string;
}
const Pinged = defineEvent({ type: 'intake.test-ping.sent', schemaVersion: 1, producer: 'intake', dataClass: PingData, description: 'test' });
const Ponged = defineEvent({ type: 'intake.test-pong.sent', schemaVersion: 1, producer: 'intake', dataClass: PingData, description: 'test' });

class PingBody {
  @IsString() @MaxLength(20) text!: string;
}

@Controller('pings')
class PingController {
  constructor(private readonly uow: UnitOfWork) {}

  @Post()
  @Roles('technician')
  async ping(@Body() body: PingBody) {
    const event = await this.uow.run(async (tx) => tx.publish(Pinged, { text: body.text }, { branch: 'CEN' }));
    return { eventId: event.id };
  }
}

/** Receives the ping, answers with a pong (to see causation), and keeps what it saw. */
@Injectable()
class PingHandler {
  readonly seen: EventEnvelope<PingData>[] = [];

  @OnEvent(Pinged)
  async onPing(event: EventEnvelope<PingData>, tx: Transaction) {
    this.seen.push(event);
    tx.publish(Ponged, { text: `re ${event.data.text}` });
  }

  @OnEvent(Ponged)
  async onPong(event: EventEnvelope<PingData>) {
    this.seen.push(event);
  }
}

@Module({ controllers: [PingController], providers: [PingHandler] })
class PingFeature {}

describe('service platform: health, metrics, docs, errors and correlation', () => {
  const run = new TestRun();
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const env = run.env('intake', { SHUTDOWN_GRACE_MS: 1500 });
    const module = {
      module: class PlatformTestModule {},
      imports: [PlatformModule.forService({ service: 'intake', env, entities: [], migrations: [MessagingTables1764000000000, OutboxLease1764000000950] }), PingFeature],
    };
    app = await createServiceApp(module, env, { service: 'intake', title: 'test', description: 'test' });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await run.cleanup();
  });

  it('answers liveness and readiness anonymously, readiness checking the database and the broker', async () => {
    await request(url).get('/health/live').expect(200);
    const ready = await request(url).get('/health/ready').expect(200);
    expect(ready.body.details).toMatchObject({ database: { status: 'up' }, broker: { status: 'up' } });
  });

  it('connects to PostgreSQL with the client that prepares the statements marked prepared()', () => {
    const pool = (app.get(DataSource).driver as unknown as { master: { Client: unknown } }).master;
    expect(pool.Client).toBe(PreparingClient);
  });

  it('serves OpenAPI docs anonymously', async () => {
    await request(url).get('/docs').expect(200);
    const json = await request(url).get('/docs/json').expect(200);
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/pings', '/health/ready']));
  });

  it('requires a token on business routes', async () => {
    const res = await request(url).post('/pings').send({ text: 'hi' }).expect(401);
    expect(res.body.message).toMatch(/bearer token/);
  });

  it('carries the request correlation id into the event it causes and on to the events that one causes', async () => {
    const correlationId = `req-${randomUUID()}`;
    const res = await request(url)
      .post('/pings')
      .set('Authorization', await bearer('technician'))
      .set('x-correlation-id', correlationId)
      .send({ text: 'hello' })
      .expect(201);
    expect(res.headers['x-correlation-id']).toBe(correlationId);
    const handler = app.get(PingHandler);
    const ping = await eventually(() => {
      const found = handler.seen.find((e) => e.id === res.body.eventId);
      if (!found) throw new Error('ping not consumed yet');
      return found;
    });
    expect(ping.correlationId).toBe(correlationId);
    expect(ping.causationId).toBeNull();
    const pong = await eventually(() => {
      const found = handler.seen.find((e) => e.type === Ponged.type && e.causationId === ping.id);
      if (!found) throw new Error('pong not consumed yet');
      return found;
    });
    expect(pong.correlationId).toBe(correlationId);
  });

  it('counts published and consumed messages in the Prometheus metrics', async () => {
    await eventually(async () => {
      const metrics = (await request(url).get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/library_messages_published_total\{[^}]*type="intake\.test-ping\.sent"[^}]*\} [1-9]/);
      expect(metrics).toMatch(/library_messages_consumed_total\{[^}]*type="intake\.test-pong\.sent"[^}]*outcome="processed"[^}]*\} [1-9]/);
      expect(metrics).toContain('library_messages_dead_lettered_total');
      expect(metrics).toContain('library_messages_failed_total');
    });
  });

  it('answers malformed JSON, unknown fields and oversized bodies with 4xx naming the problem', async () => {
    const auth = await bearer('technician');
    const malformed = await request(url).post('/pings').set('Authorization', auth).set('Content-Type', 'application/json').send('{"text": ').expect(400);
    expect(malformed.body.message).toMatch(/malformed JSON/);
    const unknown = await request(url).post('/pings').set('Authorization', auth).send({ text: 'x', extra: 1 }).expect(400);
    expect(unknown.body.message).toEqual(['extra: unknown field']);
    const tooLong = await request(url).post('/pings').set('Authorization', auth).send({ text: 'x'.repeat(21) }).expect(400);
    expect(tooLong.body.message[0]).toMatch(/^text: /);
    const huge = await request(url).post('/pings').set('Authorization', auth).set('Content-Type', 'application/json').send(`{"text":"${'x'.repeat(21 * 1024 * 1024)}"}`);
    expect(huge.status).toBe(413);
    expect(huge.body.message).toMatch(/^body: larger than the \d+ byte limit/);
    // An empty body is an empty object: the answer names the missing field.
    const empty = await request(url).post('/pings').set('Authorization', auth).set('Content-Type', 'application/json').send('').expect(400);
    expect(empty.body.message[0]).toMatch(/^text: /);
    const bare = await request(url).post('/pings').set('Authorization', auth).set('Content-Type', 'application/json').send('"text"').expect(400);
    expect(bare.body.message).toBe('body: malformed JSON: expected an object, got a string');
    // JSON with a charset parameter is JSON.
    await request(url).post('/pings').set('Authorization', auth).set('Content-Type', 'application/json; charset=utf-8').send('{"text":"hi"}').expect(201);
    const text = await request(url).post('/pings').set('Authorization', auth).set('Content-Type', 'text/plain').send('hello').expect(415);
    expect(text.body.message).toBe('body: send JSON, as application/json');
    const poisoned = await request(url).post('/pings').set('Authorization', auth).set('Content-Type', 'application/json').send('{"text":"x","__proto__":{"admin":true}}').expect(400);
    expect(poisoned.body.message).toEqual(['__proto__: unknown field']);
  });
});

describe('a service process', () => {
  const main = join(__dirname, '../../../dist/apps/intake/src/main.js');
  const exec = promisify(execFile);
  const run = new TestRun();

  afterAll(() => run.cleanup());

  it('on SIGTERM reports not-ready for the grace period, then drains and exits cleanly', async () => {
    if (!existsSync(main)) throw new Error('run `npm run build` first (npm test does)');
    const env = run.env('intake');
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        DATABASE_URL: env.DATABASE_URL,
        DB_SCHEMA: env.DB_SCHEMA,
        EVENTS_EXCHANGE: env.EVENTS_EXCHANGE,
        PARTNERS_EXCHANGE: env.PARTNERS_EXCHANGE,
        QUEUE_PREFIX: env.QUEUE_PREFIX,
        RETRY_DELAYS_MS: env.RETRY_DELAYS_MS,
        SHUTDOWN_GRACE_MS: '2000',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    await eventually(async () => request(base).get('/health/ready').expect(200), 30_000, 200);
    child.kill('SIGTERM');
    await eventually(async () => {
      const res = await request(base).get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('shutting_down');
    }, 1800, 50);
    expect(await exited).toBe(0);
  });

  it('exits at boot naming every bad or missing variable', async () => {
    if (!existsSync(main)) throw new Error('run `npm run build` first (npm test does)');
    const failure = await exec(process.execPath, [main], {
      env: { PATH: process.env.PATH, PORT: 'not-a-port', DATABASE_URL: 'mysql://nope', AUTH_MODE: 'jwks' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect((failure as { code: number }).code).toBe(1);
    const stderr = (failure as { stderr: string }).stderr;
    expect(stderr).toMatch(/PORT/);
    expect(stderr).toMatch(/DATABASE_URL/);
    expect(stderr).toMatch(/JWKS_URL/);
  });

  it('says which piece of infrastructure is unreachable and how to start it', async () => {
    if (!existsSync(main)) throw new Error('run `npm run build` first (npm test does)');
    const failure = await exec(process.execPath, [main], {
      env: { PATH: process.env.PATH, PORT: '0', AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toMatch(/RabbitMQ is not reachable .*rabbitmq-server -detached/s);
  });
});
