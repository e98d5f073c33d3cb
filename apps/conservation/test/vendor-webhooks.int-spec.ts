import { ItemStatus } from '@app/contracts';
import { WebhookReceiver } from '../../../libs/partners/test/webhook-receiver';
import { bearer, RunningService, startService } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';
import { ConservationModule } from '../src/conservation.module';
import { catalogItem, onShelf } from './conservation-test-kit';

describe("bindery vendors' webhooks", () => {
  const run = new TestRun();
  let service: RunningService;
  let receiver: WebhookReceiver;
  let admin: string;
  let technician: string;

  beforeAll(async () => {
    service = await startService(run, 'conservation', (env) => ConservationModule.forEnvironment(env), { WEBHOOK_POLL_MS: 100, WEBHOOK_RETRY_BASE_MS: 100 });
    receiver = await WebhookReceiver.start();
    admin = await bearer('admin', []);
    technician = await bearer('technician', ['CEN']);
    // Creating these vendors declares their partner queues: removed with the run's other queues.
    for (const partnerId of ['hook-bindery', 'quiet-bindery']) run.partnerQueue(partnerId);
  });

  afterAll(async () => {
    await service?.app.close();
    await receiver?.close();
    await run.cleanup();
  });

  const http = () => service.http();

  it("registers a vendor's webhookUrl with a signing secret shown once, and POSTs it the signed manifest of a dispatched lot", async () => {
    const created = await http().post('/vendors').set('Authorization', admin).send({ name: 'Hook Bindery', partnerId: 'hook-bindery', turnaroundDays: 30, webhookUrl: receiver.url('/hook-bindery') });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ partnerId: 'hook-bindery', webhookUrl: receiver.url('/hook-bindery'), webhookSecret: expect.stringMatching(/^whsec_/) });
    const secret: string = created.body.webhookSecret;
    const listed = await http().get('/vendors').set('Authorization', admin);
    expect(listed.body.data).toEqual([expect.objectContaining({ partnerId: 'hook-bindery', webhookUrl: receiver.url('/hook-bindery') })]);
    expect(listed.body.data[0]).not.toHaveProperty('webhookSecret');

    const item = catalogItem({ callNumber: 'Z116 .A3', title: 'Hooks and bindings' });
    await onShelf(run, [item], ItemStatus.AWAITING_BINDERY);
    const lot = await http().post('/bindery/shipments').set('Authorization', technician).send({ vendorId: created.body.id, branch: 'CEN' });
    expect(lot.status).toBe(201);
    const slip = { barcode: item.barcode, bindingStyle: 'buckram', leafAttachment: 'oversew', clothColor: 'red', foilColor: 'gold', spineLettering: ['HOOKS'] };
    expect((await http().post(`/bindery/shipments/${lot.body.id}/items`).set('Authorization', technician).send({ items: [slip] })).status).toBe(200);
    expect((await http().post(`/bindery/shipments/${lot.body.id}/dispatch`).set('Authorization', technician)).status).toBe(200);

    const [request] = await eventually(() => {
      expect(receiver.at('/hook-bindery')).toHaveLength(1);
      return receiver.at('/hook-bindery');
    });
    expect(receiver.verify(request, secret).ok).toBe(true);
    expect(request.headers).toMatchObject({ 'x-library-event-type': 'conservation.bindery.shipment.dispatched', 'x-library-routing-key': 'bindery.hook-bindery.shipment.dispatched' });
    const envelope = JSON.parse(request.body);
    expect(envelope).toMatchObject({ type: 'conservation.bindery.shipment.dispatched', producer: 'conservation', data: { lotNumber: lot.body.lotNumber, partnerId: 'hook-bindery' } });
    expect(envelope.data.lines).toEqual([expect.objectContaining({ barcode: item.barcode, slip: expect.objectContaining({ clothColor: 'red' }) })]);

    const log = await eventually(async () => {
      const response = await http().get('/partners/hook-bindery/deliveries').set('Authorization', admin);
      expect(response.body.data).toEqual([expect.objectContaining({ eventId: envelope.id, status: 'delivered', attemptCount: 1 })]);
      return response.body;
    });
    expect(log.data[0].attempts).toEqual([expect.objectContaining({ attempt: 1, httpStatus: 200, error: null })]);
  });

  it('lets an admin register or replace a webhook for a vendor through the same route as every service, and for nobody else', async () => {
    expect((await http().post('/vendors').set('Authorization', admin).send({ name: 'Quiet Bindery', partnerId: 'quiet-bindery', turnaroundDays: 20 })).status).toBe(201);
    const put = await http().put('/partners/quiet-bindery/webhook').set('Authorization', admin).send({ url: receiver.url('/quiet') });
    expect(put.status).toBe(201);
    expect(put.body.secret).toMatch(/^whsec_/);
    const vendors = await http().get('/vendors').set('Authorization', admin);
    expect(vendors.body.data.find((v: { partnerId: string }) => v.partnerId === 'quiet-bindery').webhookUrl).toBe(receiver.url('/quiet'));

    const stranger = await http().put('/partners/no-such-vendor/webhook').set('Authorization', admin).send({ url: receiver.url('/x') });
    expect(stranger.status).toBe(404);
    expect(stranger.body.message).toBe('no bindery vendor has partnerId no-such-vendor');
    expect((await http().get('/partners/no-such-vendor/deliveries').set('Authorization', admin)).status).toBe(404);
    expect((await http().put('/partners/quiet-bindery/webhook').set('Authorization', technician).send({ url: receiver.url('/x') })).status).toBe(403);
  });
});

describe("bindery vendors' webhooks where private networks are not allowed (production)", () => {
  const run = new TestRun();
  let service: RunningService;
  let admin: string;

  beforeAll(async () => {
    service = await startService(run, 'conservation', (env) => ConservationModule.forEnvironment(env), { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' });
    admin = await bearer('admin', []);
  });

  afterAll(async () => {
    await service?.app.close();
    await run.cleanup();
  });

  it('refuses a vendor whose webhookUrl is an internal address (400 naming webhookUrl), creating neither the vendor nor its queue', async () => {
    const refused = await service.http().post('/vendors').set('Authorization', admin)
      .send({ name: 'LAN Bindery', partnerId: 'lan-bindery', turnaroundDays: 30, webhookUrl: 'http://192.168.1.20/hooks' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^webhookUrl: 192\.168\.1\.20 is not a public address/);
    expect((await service.http().get('/vendors').set('Authorization', admin)).body.data).toEqual([]);
    const channel = await run.channel();
    channel.on('error', () => undefined);
    await expect(channel.checkQueue(run.partnerQueue('lan-bindery'))).rejects.toThrow(/NOT_FOUND/);
  });
});
