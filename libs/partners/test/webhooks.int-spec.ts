import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ConfirmChannel } from 'amqplib';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { EventEnvelope, ItemListedData, makeCodabarBarcode } from '@app/contracts';
import { MessagingTables1764000000000, OutboxLease1764000000950, schemaOf, UnitOfWork } from '@app/messaging';
import {
  createPartnerWebhookTables, dropPartnerWebhookTables, PARTNER_WEBHOOK_ENTITIES, PartnerEvents, PartnersModule, SalesItemListedChannel,
} from '@app/partners';
import { Environment, PlatformModule } from '@app/platform';
import { bearer, RunningService, startService } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';
import { closedPortUrl, WebhookReceiver } from './webhook-receiver';

class PartnerWebhookTables1764000000001 implements MigrationInterface {
  name = 'PartnerWebhookTables1764000000001';
  async up(queryRunner: QueryRunner) {
    await createPartnerWebhookTables(queryRunner, schemaOf(queryRunner));
  }
  async down(queryRunner: QueryRunner) {
    await dropPartnerWebhookTables(queryRunner, schemaOf(queryRunner));
  }
}

const moduleFor = (env: Environment) => ({
  module: class PartnerWebhooksTestModule {},
  imports: [
    PlatformModule.forService({
      service: 'disposal',
      env,
      entities: PARTNER_WEBHOOK_ENTITIES,
      migrations: [MessagingTables1764000000000, PartnerWebhookTables1764000000001, OutboxLease1764000000950],
    }),
    PartnersModule.forService({ env }),
  ],
});

// Retries quick enough for a test, slow enough that a stuck partner is visibly still retrying.
const SETTINGS = { WEBHOOK_MAX_ATTEMPTS: 3, WEBHOOK_RETRY_BASE_MS: 400, WEBHOOK_RETRY_MAX_MS: 2_000, WEBHOOK_POLL_MS: 100, WEBHOOK_TIMEOUT_MS: 5_000 };

interface DeliveryRow {
  id: string;
  event_id: string;
  status: string;
  attempts: number;
  completed_at: Date | null;
}

describe('partner webhooks: signed, retried, in order per partner, logged', () => {
  const run = new TestRun();
  const schema = run.schemaFor('disposal');
  let service: RunningService;
  let replica: RunningService;
  let receiver: WebhookReceiver;
  let admin: string;
  let sequence = 0;

  beforeAll(async () => {
    service = await startService(run, 'disposal', moduleFor, SETTINGS);
    receiver = await WebhookReceiver.start();
    admin = await bearer('admin', []);
  });

  afterAll(async () => {
    await replica?.app.close();
    await service?.app.close();
    await receiver?.close();
    await run.cleanup();
  });

  const http = () => service.http();
  const register = async (partnerId: string, url: string, secret?: string) => {
    const response = await http().put(`/partners/${partnerId}/webhook`).set('Authorization', admin).send({ url, ...(secret ? { secret } : {}) });
    expect([200, 201]).toContain(response.status);
    return response.body as { secret: string; url: string };
  };
  const listing = (title = `Listed book ${++sequence}`): ItemListedData => ({
    itemId: randomUUID(),
    barcode: makeCodabarBarcode('4321', 500_000 + ++sequence),
    branch: 'CEN',
    listingId: randomUUID(),
    channel: 'test-platform',
    condition: 'good',
    exLibrary: true,
    price: '4.50',
    currency: 'USD',
    isbn: null,
    title,
    creators: ['Author, Ann'],
    publicationYear: 2001,
  });
  /** Lists an item for the partner in its own transaction, as disposal does. */
  const publish = (partnerId: string, data = listing(), app = service): Promise<EventEnvelope<ItemListedData>> =>
    app.app.get(UnitOfWork).run((tx) => app.app.get(PartnerEvents).publish(tx, SalesItemListedChannel, data, { partnerId, branch: data.branch }));
  const deliveries = (partnerId: string) =>
    run.query<DeliveryRow>(`SELECT id, event_id, status, attempts, completed_at FROM "${schema}".webhook_delivery WHERE partner_id = $1 ORDER BY seq`, [partnerId]);

  describe('registering', () => {
    it('registers a webhook for an admin, shows a generated secret once, and replaces it on the next PUT', async () => {
      const created = await http().put('/partners/reg-platform/webhook').set('Authorization', admin).send({ url: 'http://127.0.0.1:9/hooks' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ partnerId: 'reg-platform', url: 'http://127.0.0.1:9/hooks', createdBy: 'admin-', deliveries: { pending: 0, delivered: 0, failed: 0 } });
      expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

      const shown = await http().get('/partners/reg-platform/webhook').set('Authorization', admin);
      expect(shown.status).toBe(200);
      expect(shown.body.url).toBe('http://127.0.0.1:9/hooks');
      expect(shown.body).not.toHaveProperty('secret');

      const own = 'a-partner-chosen-secret-of-32-chars-or-more';
      const replaced = await http().put('/partners/reg-platform/webhook').set('Authorization', admin).send({ url: 'http://127.0.0.1:9/v2', secret: own });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ url: 'http://127.0.0.1:9/v2', secret: own });
      expect((await run.query(`SELECT secret FROM "${schema}".partner_webhook WHERE partner_id = 'reg-platform'`))[0]).toEqual({ secret: own });
    });

    it('refuses a bad URL, a short secret, a malformed partner id (400) and anyone but an admin (403)', async () => {
      const badUrl = await http().put('/partners/reg-platform/webhook').set('Authorization', admin).send({ url: 'ftp://example.org/x' });
      expect(badUrl.status).toBe(400);
      expect(badUrl.body.message.join(' ')).toContain('url');
      const shortSecret = await http().put('/partners/reg-platform/webhook').set('Authorization', admin).send({ url: 'http://127.0.0.1:9/x', secret: 'short' });
      expect(shortSecret.status).toBe(400);
      expect(shortSecret.body.message.join(' ')).toContain('secret');
      const badId = await http().put('/partners/Not_An_Id/webhook').set('Authorization', admin).send({ url: 'http://127.0.0.1:9/x' });
      expect(badId.status).toBe(400);
      expect(badId.body.message).toContain('partnerId');
      const librarian = await bearer('librarian', ['CEN']);
      expect((await http().put('/partners/reg-platform/webhook').set('Authorization', librarian).send({ url: 'http://127.0.0.1:9/x' })).status).toBe(403);
      expect((await http().get('/partners/reg-platform/deliveries').set('Authorization', librarian)).status).toBe(403);
      const platform = await bearer('sales-platform', [], { partnerId: 'reg-platform' });
      expect((await http().get('/partners/reg-platform/deliveries').set('Authorization', platform)).status).toBe(403);
      expect((await http().get('/partners/nobody-here/webhook').set('Authorization', admin)).status).toBe(404);
    });
  });

  describe('delivering', () => {
    it('POSTs the AMQP envelope byte for byte, signed so that the documented verification accepts it', async () => {
      const { secret } = await register('signed-platform', receiver.url('/signed'));
      const channel: ConfirmChannel = await run.channel();
      const queue = run.trackQueue(`${run.queuePrefix}probe.signed-platform`);
      await channel.assertQueue(queue, { durable: false });
      await channel.bindQueue(queue, run.partnersExchange, 'sales.signed-platform.#');
      try {
        const event = await publish('signed-platform');
        const [request] = await eventually(() => {
          expect(receiver.at('/signed')).toHaveLength(1);
          return receiver.at('/signed');
        });
        expect(receiver.verify(request, secret)).toEqual({ ok: true, timestamp: expect.any(Number) });
        expect(receiver.verify(request, `${secret}-but-another`).ok).toBe(false);
        expect(request.headers).toMatchObject({
          'content-type': 'application/json',
          'x-library-event-id': event.id,
          'x-library-event-type': 'disposal.item.listed',
          'x-library-routing-key': 'sales.signed-platform.item.listed',
          'x-library-attempt': '1',
        });
        expect(JSON.parse(request.body)).toEqual(JSON.parse(JSON.stringify(event)));
        const onQueue = await eventually(async () => {
          const message = await channel.get(queue, { noAck: true });
          expect(message).toBeTruthy();
          return message as Exclude<typeof message, false>;
        });
        expect(onQueue.content.toString('utf8')).toBe(request.body);
      } finally {
        await channel.close().catch(() => undefined);
      }
    });

    it('retries a receiver that answers 500 twice: the third attempt delivers, and nothing is sent after it', async () => {
      await register('flaky-platform', receiver.url('/flaky'));
      receiver.answer = (request, earlier) => (request.path === '/flaky' && earlier.length < 2 ? 500 : 200);
      try {
        const event = await publish('flaky-platform');
        await eventually(async () => expect(await deliveries('flaky-platform')).toEqual([expect.objectContaining({ status: 'delivered', attempts: 3 })]));
        // Another event for the same partner goes through afterwards: the flaky one was not sent again before it.
        const next = await publish('flaky-platform');
        await eventually(async () => expect((await deliveries('flaky-platform'))[1]).toMatchObject({ status: 'delivered', attempts: 1 }));
        expect(receiver.at('/flaky').map((r) => [r.eventId, r.answered, r.headers['x-library-attempt']])).toEqual([
          [event.id, 500, '1'],
          [event.id, 500, '2'],
          [event.id, 200, '3'],
          [next.id, 200, '1'],
        ]);
        expect(new Set(receiver.at('/flaky').slice(0, 3).map((r) => r.headers['x-library-delivery-id'])).size).toBe(1);

        const log = await http().get('/partners/flaky-platform/deliveries').set('Authorization', admin);
        expect(log.status).toBe(200);
        expect(log.body.page).toEqual({ limit: 50, offset: 0, total: 2 });
        const [newest, first] = log.body.data;
        expect(newest).toMatchObject({ eventId: next.id, status: 'delivered', attemptCount: 1 });
        expect(first).toMatchObject({
          eventId: event.id,
          eventType: 'disposal.item.listed',
          routingKey: 'sales.flaky-platform.item.listed',
          status: 'delivered',
          attemptCount: 3,
          nextAttemptAt: null,
          completedAt: expect.any(String),
          attempts: [
            { attempt: 1, at: expect.any(String), durationMs: expect.any(Number), httpStatus: 500, error: expect.stringContaining('receiver answered 500') },
            { attempt: 2, at: expect.any(String), durationMs: expect.any(Number), httpStatus: 500, error: expect.stringContaining('500') },
            { attempt: 3, at: expect.any(String), durationMs: expect.any(Number), httpStatus: 200, error: null },
          ],
        });
        expect(Date.parse(first.attempts[1].at)).toBeGreaterThan(Date.parse(first.attempts[0].at));
        const delivered = await http().get('/partners/flaky-platform/deliveries?status=pending&limit=1').set('Authorization', admin);
        expect(delivered.body).toEqual({ data: [], page: { limit: 1, offset: 0, total: 0 } });
      } finally {
        receiver.answer = () => 200;
      }
    });

    it('gives an event up after the last attempt, records it as failed, and sends the partner its next event', async () => {
      await register('refusing-platform', receiver.url('/refusing'));
      const doomed = await publish('refusing-platform');
      receiver.answer = (request) => (request.eventId === doomed.id ? 503 : 200);
      try {
        const after = await publish('refusing-platform');
        await eventually(async () => {
          expect(await deliveries('refusing-platform')).toEqual([
            expect.objectContaining({ event_id: doomed.id, status: 'failed', attempts: 3 }),
            expect.objectContaining({ event_id: after.id, status: 'delivered', attempts: 1 }),
          ]);
        });
        expect(receiver.at('/refusing').map((r) => r.eventId)).toEqual([doomed.id, doomed.id, doomed.id, after.id]);
        const log = await http().get('/partners/refusing-platform/deliveries?status=failed').set('Authorization', admin);
        expect(log.body.data).toEqual([expect.objectContaining({ eventId: doomed.id, status: 'failed', attemptCount: 3 })]);
        expect(log.body.data[0].attempts.map((a: { httpStatus: number }) => a.httpStatus)).toEqual([503, 503, 503]);
      } finally {
        receiver.answer = () => 200;
      }
    });

    it("keeps each partner's events in the order they were published, a retry holding back the ones behind it", async () => {
      await register('ordered-platform', receiver.url('/ordered'));
      receiver.answer = (request, earlier) => (request.path === '/ordered' && earlier.length === 0 ? 500 : 200);
      try {
        const events: EventEnvelope<ItemListedData>[] = [];
        for (let i = 0; i < 5; i++) events.push(await publish('ordered-platform'));
        await eventually(async () => expect((await deliveries('ordered-platform')).every((d) => d.status === 'delivered')).toBe(true));
        expect(receiver.at('/ordered').map((r) => r.eventId)).toEqual([events[0].id, ...events.map((e) => e.id)]);
      } finally {
        receiver.answer = () => 200;
      }
    });

    it("does not let an unreachable receiver hold up another partner's deliveries", async () => {
      await register('down-platform', await closedPortUrl());
      await register('up-platform', receiver.url('/up'));
      const stuck = [await publish('down-platform'), await publish('down-platform'), await publish('down-platform')];
      const through = await publish('up-platform');
      await eventually(async () => expect(await deliveries('up-platform')).toEqual([expect.objectContaining({ event_id: through.id, status: 'delivered' })]));
      // The stuck partner takes three attempts per event, one event after the other, before its queue drains.
      await eventually(async () => expect((await deliveries('down-platform')).map((d) => d.status)).toEqual(['failed', 'failed', 'failed']), 30_000);
      const [up] = await deliveries('up-platform');
      const down = await deliveries('down-platform');
      expect(down.map((d) => d.event_id)).toEqual(stuck.map((e) => e.id));
      expect(up.completed_at!.getTime()).toBeLessThan(down[2].completed_at!.getTime());
      const log = await http().get('/partners/down-platform/deliveries?limit=1').set('Authorization', admin);
      expect(log.body.data[0].attempts[0]).toMatchObject({ httpStatus: null, error: expect.stringContaining('ECONNREFUSED') });
    });

    it('sends nothing for a transaction that rolled back', async () => {
      await register('rollback-platform', receiver.url('/rollback'));
      const uow = service.app.get(UnitOfWork);
      let rolledBack: EventEnvelope<ItemListedData> | undefined;
      await expect(
        uow.run(async (tx) => {
          rolledBack = await service.app.get(PartnerEvents).publish(tx, SalesItemListedChannel, listing(), { partnerId: 'rollback-platform' });
          throw new Error('the listing could not be saved');
        }),
      ).rejects.toThrow('could not be saved');
      const committed = await publish('rollback-platform');
      await eventually(() => expect(receiver.at('/rollback')).toHaveLength(1));
      expect(receiver.at('/rollback')[0].eventId).toBe(committed.id);
      expect((await deliveries('rollback-platform')).map((d) => d.event_id)).toEqual([committed.id]);
      expect(rolledBack?.id).toBeDefined();
    });

    it('sends nothing by webhook to a partner without one (its queue alone carries the event)', async () => {
      await publish('queue-only-platform');
      expect(await deliveries('queue-only-platform')).toEqual([]);
    });

    it('gives up pending deliveries when the webhook is removed', async () => {
      await register('leaving-platform', await closedPortUrl());
      await publish('leaving-platform');
      const removed = await http().delete('/partners/leaving-platform/webhook').set('Authorization', admin);
      expect(removed.status).toBe(204);
      expect((await deliveries('leaving-platform')).map((d) => d.status)).toEqual(['failed']);
      expect((await http().get('/partners/leaving-platform/webhook').set('Authorization', admin)).status).toBe(404);
      expect((await http().delete('/partners/leaving-platform/webhook').set('Authorization', admin)).status).toBe(404);
    });

    it('delivers every event exactly once when two replicas share the work', async () => {
      replica = await startService(run, 'disposal', moduleFor, SETTINGS);
      await register('shared-platform', receiver.url('/shared'));
      const events: EventEnvelope<ItemListedData>[] = [];
      for (let i = 0; i < 12; i++) events.push(await publish('shared-platform', listing(), i % 2 ? replica : service));
      await eventually(async () => expect((await deliveries('shared-platform')).filter((d) => d.status === 'delivered')).toHaveLength(12));
      expect(receiver.at('/shared').map((r) => r.eventId)).toEqual(events.map((e) => e.id));
    });
  });
});

describe('partner webhooks where private networks are not allowed (production)', () => {
  const run = new TestRun();
  const schema = run.schemaFor('disposal');
  let service: RunningService;
  let receiver: WebhookReceiver;
  let admin: string;

  beforeAll(async () => {
    service = await startService(run, 'disposal', moduleFor, { ...SETTINGS, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' });
    receiver = await WebhookReceiver.start();
    admin = await bearer('admin', []);
  });

  afterAll(async () => {
    await service?.app.close();
    await receiver?.close();
    await run.cleanup();
  });

  it.each(['http://127.0.0.1:9/hooks', 'http://localhost:8080/hooks', 'http://[::1]/hooks', 'http://169.254.169.254/latest/meta-data', 'https://10.0.0.7/in'])(
    'refuses to register %s (400 naming url) and stores nothing',
    async (url) => {
      const response = await service.http().put('/partners/lan-platform/webhook').set('Authorization', admin).send({ url });
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/^url: .* a partner's webhook must be on a public address$/);
      expect(await run.query(`SELECT 1 FROM "${schema}".partner_webhook WHERE partner_id = 'lan-platform'`)).toEqual([]);
    },
  );

  it('never sends to a receiver whose name turns out to resolve to this machine: the attempt fails saying why', async () => {
    // Registered by name (a name is checked as it resolves, at each send); this machine's name resolves to loopback.
    const url = receiver.url('/hooks').replace('127.0.0.1', hostname());
    const registered = await service.http().put('/partners/named-platform/webhook').set('Authorization', admin).send({ url });
    expect(registered.status).toBe(201);
    await service.app.get(UnitOfWork).run((tx) =>
      service.app.get(PartnerEvents).publish(tx, SalesItemListedChannel, {
        itemId: randomUUID(), barcode: makeCodabarBarcode('4321', 900_001), branch: 'CEN', listingId: randomUUID(), channel: 'test-platform',
        condition: 'good', exLibrary: true, price: '4.50', currency: 'USD', isbn: null, title: 'Not for the LAN', creators: [], publicationYear: null,
      }, { partnerId: 'named-platform', branch: 'CEN' }),
    );
    const [attempt] = await eventually(async () => {
      const rows = await run.query<{ error: string }>(
        `SELECT a.error FROM "${schema}".webhook_delivery_attempt a JOIN "${schema}".webhook_delivery d ON d.id = a.delivery_id WHERE d.partner_id = 'named-platform'`,
      );
      expect(rows.length).toBeGreaterThan(0);
      return rows;
    });
    expect(attempt.error).toMatch(new RegExp(`${hostname()} resolves to .*, not a public address|ENOTFOUND`));
    expect(receiver.received).toHaveLength(0);
  });
});
