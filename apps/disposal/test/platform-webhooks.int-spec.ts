import 'reflect-metadata';
import { ItemStatus } from '@app/contracts';
import { WebhookReceiver } from '../../../libs/partners/test/webhook-receiver';
import { bearer, RunningService, startService } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';
import { DisposalModule } from '../src/disposal.module';
import { CatalogSimulator, TEST_BRANCHES } from './disposal-test-kit';

describe("sales platforms' webhooks", () => {
  const run = new TestRun();
  let disposal: RunningService;
  let catalog: CatalogSimulator;
  let receiver: WebhookReceiver;
  let admin: string;
  let librarian: string;
  let technician: string;
  const PLATFORM = 'hooked-market';

  beforeAll(async () => {
    disposal = await startService(run, 'disposal', (env) => DisposalModule.forEnvironment(env), {
      BRANCHES: TEST_BRANCHES,
      SALES_PLATFORM_PARTNER_ID: PLATFORM,
      WEBHOOK_POLL_MS: 100,
      WEBHOOK_RETRY_BASE_MS: 100,
    });
    catalog = new CatalogSimulator(run);
    receiver = await WebhookReceiver.start();
    admin = await bearer('admin', []);
    librarian = await bearer('librarian', ['SA1']);
    technician = await bearer('technician', ['SA1']);
    run.partnerQueue(PLATFORM);
  });

  afterAll(async () => {
    await disposal?.app.close();
    await receiver?.close();
    await run.cleanup();
  });

  const http = () => disposal.http();

  it('POSTs the platform its listing and then the listing being taken down, signed and in that order', async () => {
    const registered = await http().put(`/partners/${PLATFORM}/webhook`).set('Authorization', admin).send({ url: receiver.url('/market') });
    expect(registered.status).toBe(201);
    const secret: string = registered.body.secret;

    const item = await catalog.shelve({ branch: 'SA1', title: 'Webhooks for Librarians' });
    const withdrawal = await http().post('/withdrawals').set('Authorization', librarian).send({ barcode: item.barcode, reason: 'weeded' });
    expect(withdrawal.status).toBe(201);
    await catalog.setStatus(item.itemId, ItemStatus.WITHDRAWN);
    const listing = await http().post('/listings').set('Authorization', technician).send({ barcode: item.barcode, condition: 'good' });
    expect(listing.status).toBe(201);
    await catalog.setStatus(item.itemId, ItemStatus.LISTED_FOR_SALE);
    expect((await http().post(`/listings/${listing.body.id}/withdraw-listing`).set('Authorization', technician)).status).toBe(200);

    const requests = await eventually(() => {
      expect(receiver.at('/market')).toHaveLength(2);
      return receiver.at('/market');
    });
    for (const request of requests) expect(receiver.verify(request, secret).ok).toBe(true);
    expect(requests.map((r) => r.headers['x-library-routing-key'])).toEqual([`sales.${PLATFORM}.item.listed`, `sales.${PLATFORM}.listing.withdrawn`]);
    const [listed, withdrawn] = requests.map((r) => JSON.parse(r.body));
    expect(listed).toMatchObject({ type: 'disposal.item.listed', data: { listingId: listing.body.id, title: 'Webhooks for Librarians', price: listing.body.price } });
    expect(withdrawn).toMatchObject({ type: 'disposal.listing.withdrawn', data: { listingId: listing.body.id, channel: PLATFORM } });

    const log = await eventually(async () => {
      const response = await http().get(`/partners/${PLATFORM}/deliveries`).set('Authorization', admin);
      expect(response.body.data.map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered']);
      return response.body;
    });
    expect(log.data.map((d: { eventType: string }) => d.eventType)).toEqual(['disposal.listing.withdrawn', 'disposal.item.listed']);
  });

  it('answers an admin only', async () => {
    expect((await http().get(`/partners/${PLATFORM}/deliveries`).set('Authorization', librarian)).status).toBe(403);
    const platform = await bearer('sales-platform', [], { partnerId: PLATFORM });
    expect((await http().put(`/partners/${PLATFORM}/webhook`).set('Authorization', platform).send({ url: receiver.url('/x') })).status).toBe(403);
  });
});
