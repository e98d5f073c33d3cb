import 'reflect-metadata';
import { ItemStatus } from '@app/contracts';
import { bearer, RunningService } from '../../../test/support/service-app';
import { TestRun } from '../../../test/support/test-run';
import { CatalogItem, CatalogSimulator, counts, ItemSpec, nextBarcode, Probe, startDisposal } from './disposal-test-kit';

describe('disposal: sales of withdrawn items on the sales platform (real PostgreSQL and RabbitMQ)', () => {
  const run = new TestRun();
  let disposal: RunningService;
  let catalog: CatalogSimulator;
  let events: Probe;
  let platform: Probe;
  let otherPlatform: Probe;
  let librarian: string;
  let technician: string;
  let platformAuth: string;
  let otherPlatformAuth: string;
  const PLATFORM = 'sales-platform'; // the configured default (SALES_PLATFORM_PARTNER_ID)
  const OTHER = 'bookmart';

  beforeAll(async () => {
    disposal = await startDisposal(run);
    expect(disposal.env.SALES_PLATFORM_PARTNER_ID).toBe(PLATFORM);
    catalog = new CatalogSimulator(run);
    events = await Probe.events(run, 'disposal.#');
    librarian = await bearer('librarian', ['SA1', 'SA2', 'SA3', 'REV'], { sub: 'librarian-lena' });
    technician = await bearer('technician', ['SA1', 'SA2', 'SA3', 'REV'], { sub: 'tech-tom' });
    platformAuth = await bearer('sales-platform', [], { partnerId: PLATFORM });
    otherPlatformAuth = await bearer('sales-platform', [], { partnerId: OTHER });
    run.partnerQueue(PLATFORM);
    run.partnerQueue(OTHER);
  });

  afterAll(async () => {
    await Promise.all([events?.close(), platform?.close(), otherPlatform?.close()]);
    await disposal?.app.close();
    await run.cleanup();
  });

  const http = () => disposal.http();
  const list = (body: Record<string, unknown>, auth = technician) => http().post('/listings').set('Authorization', auth).send(body);
  const sell = (listingId: string, body: Record<string, unknown>, auth = platformAuth) => http().post(`/platform/listings/${listingId}/sale`).set('Authorization', auth).send(body);

  /** An item withdrawn by a librarian, and made WITHDRAWN by (simulated) cataloging. */
  async function withdrawnItem(spec: ItemSpec): Promise<CatalogItem & { withdrawalId: string }> {
    const item = await catalog.shelve(spec);
    const { body } = await http().post('/withdrawals').set('Authorization', librarian).send({ barcode: item.barcode, reason: 'weeded' }).expect(201);
    await catalog.setStatus(item.itemId, ItemStatus.WITHDRAWN);
    return { ...item, withdrawalId: body.id };
  }

  /** Lists an item and plays cataloging's reaction (LISTED_FOR_SALE). */
  async function listed(spec: ItemSpec, body: Record<string, unknown> = {}): Promise<{ item: CatalogItem; listing: Record<string, string> }> {
    const item = await withdrawnItem(spec);
    const { body: listing } = await list({ barcode: item.barcode, condition: 'good', ...body }).expect(201);
    await catalog.setStatus(item.itemId, ItemStatus.LISTED_FOR_SALE);
    return { item, listing };
  }

  describe('listing', () => {
    it('lists a WITHDRAWN item ex-library at the default price, and the platform reads it from its own queue', async () => {
      const item = await withdrawnItem({ branch: 'SA1', title: 'Dune', creators: ['Herbert, Frank'], publicationYear: 1965 });
      const { body: listing } = await list({ barcode: item.barcode, condition: 'very-good' }).expect(201);
      expect(listing).toMatchObject({
        itemId: item.itemId, barcode: item.barcode, branch: 'SA1', channel: PLATFORM, condition: 'very-good', exLibrary: true,
        price: '6.00', currency: 'USD', isbn: item.snapshot.isbn, title: 'Dune', creators: ['Herbert, Frank'], publicationYear: 1965,
        status: 'active', listedBy: 'tech-tom', sale: null,
      });
      const expectedData = {
        itemId: item.itemId, barcode: item.barcode, branch: 'SA1', listingId: listing.id, channel: PLATFORM, condition: 'very-good', exLibrary: true,
        price: '6.00', currency: 'USD', isbn: item.snapshot.isbn, title: 'Dune', creators: ['Herbert, Frank'], publicationYear: 1965,
      };
      const [event] = await events.waitFor('disposal.item.listed', { itemId: item.itemId });
      expect(event.data).toEqual(expectedData);

      platform = await Probe.partner(run, PLATFORM);
      const [message] = await platform.waitFor('disposal.item.listed', { listingId: listing.id });
      expect(message.data).toEqual(expectedData);
      expect(platform.messages.find((m) => m.envelope.id === message.id)!.routingKey).toBe(`sales.${PLATFORM}.item.listed`);
    });

    it('sends a listing for another platform to that platform only', async () => {
      const item = await withdrawnItem({ branch: 'SA1', title: 'For the other platform' });
      const { body: listing } = await list({ barcode: item.barcode, condition: 'acceptable', price: '3', channel: OTHER }).expect(201);
      expect(listing).toMatchObject({ channel: OTHER, price: '3.00', condition: 'acceptable' });
      otherPlatform = await Probe.partner(run, OTHER);
      const [message] = await otherPlatform.waitFor('disposal.item.listed', { listingId: listing.id });
      expect(otherPlatform.messages.find((m) => m.envelope.id === message.id)!.routingKey).toBe(`sales.${OTHER}.item.listed`);
      // The default platform's queue saw the events of its own listings only.
      const mine = await withdrawnItem({ branch: 'SA1', title: 'Marker for the default platform' });
      const { body: marker } = await list({ barcode: mine.barcode, condition: 'good' }).expect(201);
      await platform.waitFor('disposal.item.listed', { listingId: marker.id });
      expect(platform.of('disposal.item.listed', { listingId: listing.id })).toHaveLength(0);
      expect(platform.messages.every((m) => m.routingKey.startsWith(`sales.${PLATFORM}.`))).toBe(true);
    });

    it('refuses a poor item and a missing condition (400 naming the field), changing nothing', async () => {
      const item = await withdrawnItem({ branch: 'SA1' });
      const before = await counts(run);
      expect(JSON.stringify((await list({ barcode: item.barcode, condition: 'poor' }).expect(400)).body.message)).toContain('condition');
      expect(JSON.stringify((await list({ barcode: item.barcode }).expect(400)).body.message)).toContain('condition');
      expect(JSON.stringify((await list({ barcode: item.barcode, condition: 'good', price: '4.555' }).expect(400)).body.message)).toContain('price');
      expect(JSON.stringify((await list({ barcode: item.barcode, condition: 'good', channel: 'Not A Partner!' }).expect(400)).body.message)).toContain('channel');
      await list({ barcode: item.barcode, condition: 'good', exLibrary: false }).expect(400);
      expect(await counts(run)).toEqual(before);
    });

    it('lists only WITHDRAWN items, once: 409 naming the status otherwise', async () => {
      const available = await catalog.shelve({ branch: 'SA1' });
      expect((await list({ barcode: available.barcode, condition: 'good' }).expect(409)).body.message).toContain(`item ${available.barcode} is AVAILABLE`);
      // Withdrawn by disposal, but cataloging has not applied it yet.
      const pending = await catalog.shelve({ branch: 'SA1' });
      await http().post('/withdrawals').set('Authorization', librarian).send({ barcode: pending.barcode, reason: 'lost' }).expect(201);
      expect((await list({ barcode: pending.barcode, condition: 'good' }).expect(409)).body.message).toContain('is AVAILABLE');
      // Listed already (cataloging still says WITHDRAWN, or already LISTED_FOR_SALE): not twice.
      const item = await withdrawnItem({ branch: 'SA1' });
      await list({ barcode: item.barcode, condition: 'good' }).expect(201);
      expect((await list({ barcode: item.barcode, condition: 'good' }).expect(409)).body.message).toContain('is LISTED_FOR_SALE');
      await catalog.setStatus(item.itemId, ItemStatus.LISTED_FOR_SALE);
      expect((await list({ barcode: item.barcode, condition: 'good' }).expect(409)).body.message).toContain('is LISTED_FOR_SALE');
    });

    it('answers 404 for an unknown item or one of another branch, and 403 to a cataloger', async () => {
      const foreign = await withdrawnItem({ branch: 'SA2' });
      await list({ barcode: foreign.barcode, condition: 'good' }, await bearer('technician', ['SA1'])).expect(404);
      await list({ barcode: nextBarcode(), condition: 'good' }).expect(404);
      await list({ barcode: foreign.barcode, condition: 'good' }, await bearer('cataloger', ['SA2'])).expect(403);
    });
  });

  describe('price table', () => {
    it('starts with defaults, and a librarian sets prices and currency that listings then use', async () => {
      const { body: defaults } = await http().get('/price-table/SA2').set('Authorization', technician).expect(200);
      expect(defaults).toEqual({ branch: 'SA2', currency: 'USD', prices: { 'like-new': '8.00', 'very-good': '6.00', good: '4.00', acceptable: '2.00' }, custom: false, updatedBy: null, updatedAt: null });
      await http().put('/price-table/SA2').set('Authorization', technician).send({ prices: { good: '1.00' } }).expect(403);
      expect(JSON.stringify((await http().put('/price-table/SA2').set('Authorization', librarian).send({ prices: { poor: '0.50' } }).expect(400)).body.message)).toContain('prices.poor');
      expect(JSON.stringify((await http().put('/price-table/SA2').set('Authorization', librarian).send({ prices: { good: 'cheap' } }).expect(400)).body.message)).toContain('prices.good');
      const { body: table } = await http().put('/price-table/SA2').set('Authorization', librarian).send({ prices: { 'like-new': '9.5', good: '3.25' }, currency: 'EUR' }).expect(200);
      expect(table).toMatchObject({ currency: 'EUR', prices: { 'like-new': '9.50', 'very-good': '6.00', good: '3.25', acceptable: '2.00' }, custom: true, updatedBy: 'librarian-lena' });

      const item = await withdrawnItem({ branch: 'SA2' });
      const { body: listing } = await list({ barcode: item.barcode, condition: 'good' }).expect(201);
      expect(listing).toMatchObject({ price: '3.25', currency: 'EUR' });
      const given = await withdrawnItem({ branch: 'SA2' });
      expect((await list({ barcode: given.barcode, condition: 'good', price: '12.5' }).expect(201)).body).toMatchObject({ price: '12.50', currency: 'EUR' });
    });
  });

  describe('the platform side', () => {
    it('shows a platform its own active listings only; another platform\'s is not found', async () => {
      const { listing: mine } = await listed({ branch: 'SA3', title: 'Mine' });
      const { listing: theirs } = await listed({ branch: 'SA3', title: 'Theirs' }, { channel: OTHER });
      const { body: page } = await http().get('/platform/listings?limit=1000').set('Authorization', platformAuth).expect(200);
      const ids = page.data.map((l: { id: string }) => l.id);
      expect(ids).toContain(mine.id);
      expect(ids).not.toContain(theirs.id);
      expect(page.data.every((l: { status: string }) => l.status === 'active')).toBe(true);
      expect(page.data.find((l: { id: string }) => l.id === mine.id)).toEqual({
        id: mine.id, sku: mine.barcode, isbn: mine.isbn, title: 'Mine', creators: mine.creators, publicationYear: mine.publicationYear,
        condition: 'good', exLibrary: true, price: '4.00', currency: 'USD', status: 'active', listedAt: mine.listedAt, sale: null,
      });
      await http().get(`/platform/listings/${mine.id}`).set('Authorization', platformAuth).expect(200);
      expect((await http().get(`/platform/listings/${theirs.id}`).set('Authorization', platformAuth).expect(404)).body.message).toContain(theirs.id);
      await sell(theirs.id, { price: '4.00', currency: 'USD', orderRef: 'STEAL-1', soldAt: new Date().toISOString() }).expect(404);
      // Partners and staff keep to their own routes.
      await http().get('/platform/listings').set('Authorization', technician).expect(403);
      await http().get('/listings').set('Authorization', platformAuth).expect(403);
    });

    it('records a sale once per order: the same orderRef again changes nothing and answers the recorded sale', async () => {
      const { item, listing } = await listed({ branch: 'SA3', title: 'Sold twice?' });
      const report = { price: '5.5', currency: 'USD', orderRef: 'ORD-1001', soldAt: '2025-03-14T10:00:00Z' };
      const { body: sale } = await sell(listing.id, report).expect(201);
      expect(sale).toMatchObject({ listingId: listing.id, itemId: item.itemId, channel: PLATFORM, price: '5.50', currency: 'USD', orderRef: 'ORD-1001', soldAt: '2025-03-14T10:00:00.000Z' });
      const [event] = await events.waitFor('disposal.item.sold', { listingId: listing.id });
      expect(event.data).toEqual({
        itemId: item.itemId, barcode: item.barcode, branch: 'SA3', listingId: listing.id, channel: PLATFORM, price: '5.50', currency: 'USD', orderRef: 'ORD-1001', soldAt: '2025-03-14T10:00:00.000Z',
      });
      const before = await counts(run);
      const { body: again } = await sell(listing.id, { ...report, price: '1.00' }).expect(200);
      expect(again).toEqual(sale);
      expect(await counts(run)).toEqual(before);
      expect((await sell(listing.id, { ...report, orderRef: 'ORD-2002' }).expect(409)).body.message).toContain('is sold');
      const { body: shown } = await http().get(`/listings/${listing.id}`).set('Authorization', technician).expect(200);
      expect(shown).toMatchObject({ status: 'sold', closedBy: PLATFORM, sale });
      // Sold: off the platform's active list, but still readable by it.
      const { body: page } = await http().get('/platform/listings?limit=1000').set('Authorization', platformAuth).expect(200);
      expect(page.data.map((l: { id: string }) => l.id)).not.toContain(listing.id);
      expect((await http().get(`/platform/listings/${listing.id}`).set('Authorization', platformAuth).expect(200)).body).toMatchObject({ status: 'sold', sale });
      expect(JSON.stringify((await sell(listing.id, { ...report, currency: 'usd' }).expect(400)).body.message)).toContain('currency');
    });

    it('refuses a sale of a listing that is not active', async () => {
      const { listing } = await listed({ branch: 'SA3' });
      await http().post(`/listings/${listing.id}/withdraw-listing`).set('Authorization', technician).expect(200);
      const { body } = await sell(listing.id, { price: '4.00', currency: 'USD', orderRef: 'ORD-3003', soldAt: new Date().toISOString() }).expect(409);
      expect(body.message).toContain('is withdrawn');
    });
  });

  describe('taking listings down and disposing of unsold items', () => {
    it('withdraws an active listing: cataloging and the platform are told, and the item may be listed again', async () => {
      const { item, listing } = await listed({ branch: 'SA3', title: 'Taken down' });
      const { body } = await http().post(`/listings/${listing.id}/withdraw-listing`).set('Authorization', technician).expect(200);
      expect(body).toMatchObject({ status: 'withdrawn', closedBy: 'tech-tom' });
      const [event] = await events.waitFor('disposal.listing.withdrawn', { listingId: listing.id });
      expect(event.data).toEqual({ itemId: item.itemId, barcode: item.barcode, branch: 'SA3', listingId: listing.id, channel: PLATFORM });
      await platform.waitFor('disposal.listing.withdrawn', { listingId: listing.id });
      expect((await http().post(`/listings/${listing.id}/withdraw-listing`).set('Authorization', technician).expect(409)).body.message).toContain('is withdrawn');
      await catalog.setStatus(item.itemId, ItemStatus.WITHDRAWN);
      await list({ barcode: item.barcode, condition: 'acceptable' }).expect(201);
    });

    it('disposes of an unsold listing (active or withdrawn) but not of a sold one', async () => {
      const dispose = (id: string, method: string) => http().post(`/listings/${id}/dispose`).set('Authorization', technician).send({ method });
      const active = await listed({ branch: 'SA3', title: 'Donated while listed' });
      const { body } = await dispose(active.listing.id, 'donate').expect(200);
      expect(body).toMatchObject({ status: 'disposed', disposal: { method: 'donate', disposedBy: 'tech-tom' } });
      const [event] = await events.waitFor('disposal.item.disposed', { itemId: active.item.itemId });
      expect(event.data).toEqual({ itemId: active.item.itemId, barcode: active.item.barcode, branch: 'SA3', listingId: active.listing.id, method: 'donate', disposedBy: 'tech-tom' });
      await platform.waitFor('disposal.listing.withdrawn', { listingId: active.listing.id }); // the platform stops selling it
      expect((await dispose(active.listing.id, 'recycle').expect(409)).body.message).toContain('is disposed');

      const takenDown = await listed({ branch: 'SA3', title: 'Recycled after take-down' });
      await http().post(`/listings/${takenDown.listing.id}/withdraw-listing`).set('Authorization', technician).expect(200);
      await dispose(takenDown.listing.id, 'recycle').expect(200);
      await events.waitFor('disposal.item.disposed', { itemId: takenDown.item.itemId, method: 'recycle' });
      // Its withdrawal shows where it went.
      const { body: withdrawals } = await http().get('/withdrawals?branch=SA3&limit=1000').set('Authorization', technician).expect(200);
      expect(withdrawals.data.find((w: { itemId: string }) => w.itemId === takenDown.item.itemId)).toMatchObject({ disposition: 'disposed' });

      const sold = await listed({ branch: 'SA3', title: 'Sold, not disposable' });
      await sell(sold.listing.id, { price: '4.00', currency: 'USD', orderRef: 'ORD-4004', soldAt: new Date().toISOString() }).expect(201);
      expect((await dispose(sold.listing.id, 'donate').expect(409)).body.message).toContain('is sold');
      await dispose(sold.listing.id, 'sell').expect(400);
      await http().post(`/listings/${sold.listing.id}/dispose`).set('Authorization', await bearer('technician', ['NOR'])).send({ method: 'donate' }).expect(404);
    });

    it('lists listings by branch and status', async () => {
      const { body } = await http().get('/listings?branch=SA3&status=disposed').set('Authorization', technician).expect(200);
      expect(body.page.total).toBe(2);
      expect(body.data.every((l: { status: string; branch: string }) => l.status === 'disposed' && l.branch === 'SA3')).toBe(true);
      await http().get('/listings?status=lost').set('Authorization', technician).expect(400);
      await http().get('/listings?branch=NOR').set('Authorization', technician).expect(403);
    });
  });

  describe('revenue report', () => {
    beforeAll(async () => {
      const sales: Array<[string, string, string, string]> = [
        // [channel, price, currency, soldAt]
        [PLATFORM, '4.00', 'USD', '2025-01-05T10:00:00Z'],
        [PLATFORM, '6.50', 'USD', '2025-01-31T23:59:59Z'],
        [PLATFORM, '3.25', 'USD', '2025-02-01T00:00:00Z'],
        [OTHER, '10.00', 'USD', '2025-02-10T12:00:00Z'],
        [OTHER, '7.10', 'EUR', '2025-02-11T12:00:00Z'],
        [PLATFORM, '99.00', 'USD', '2025-04-01T00:00:00Z'], // after the period
      ];
      for (const [i, [channel, price, currency, soldAt]] of sales.entries()) {
        const { listing } = await listed({ branch: 'REV', title: `Revenue ${i}` }, { channel });
        await sell(listing.id, { price, currency, orderRef: `REV-${i}`, soldAt }, channel === PLATFORM ? platformAuth : otherPlatformAuth).expect(201);
        if (i === 0) await sell(listing.id, { price, currency, orderRef: `REV-${i}`, soldAt }, platformAuth).expect(200); // reported twice, counted once
      }
      // Another branch's sale in the period.
      const { listing } = await listed({ branch: 'SA3', title: 'Elsewhere' });
      await sell(listing.id, { price: '50.00', currency: 'USD', orderRef: 'ELSEWHERE', soldAt: '2025-01-15T00:00:00Z' }).expect(201);
    });

    it('adds up items sold and gross revenue by month and channel, per currency, with totals', async () => {
      const { body } = await http().get('/reports/revenue?branch=REV&from=2025-01-01&to=2025-03-31').set('Authorization', librarian).expect(200);
      expect(body).toEqual({
        branches: ['REV'],
        from: '2025-01-01',
        to: '2025-03-31',
        itemsSold: 5,
        months: [
          { month: '2025-01', channel: PLATFORM, currency: 'USD', itemsSold: 2, gross: '10.50' },
          { month: '2025-02', channel: OTHER, currency: 'EUR', itemsSold: 1, gross: '7.10' },
          { month: '2025-02', channel: OTHER, currency: 'USD', itemsSold: 1, gross: '10.00' },
          { month: '2025-02', channel: PLATFORM, currency: 'USD', itemsSold: 1, gross: '3.25' },
        ],
        byChannel: [
          { channel: OTHER, currency: 'EUR', itemsSold: 1, gross: '7.10' },
          { channel: OTHER, currency: 'USD', itemsSold: 1, gross: '10.00' },
          { channel: PLATFORM, currency: 'USD', itemsSold: 3, gross: '13.75' },
        ],
        totals: [
          { currency: 'EUR', itemsSold: 1, gross: '7.10' },
          { currency: 'USD', itemsSold: 4, gross: '23.75' },
        ],
      });
      const { body: all } = await http().get('/reports/revenue?branch=REV').set('Authorization', librarian).expect(200);
      expect(all.itemsSold).toBe(6);
    });

    it('gives the same report as CSV', async () => {
      const response = await http().get('/reports/revenue?branch=REV&from=2025-01-01&to=2025-03-31').set('Authorization', librarian).set('Accept', 'text/csv').expect(200);
      expect(response.headers['content-type']).toContain('text/csv');
      expect(response.text.split('\r\n')).toEqual([
        'month,channel,currency,items_sold,gross',
        `2025-01,${PLATFORM},USD,2,10.50`,
        `2025-02,${OTHER},EUR,1,7.10`,
        `2025-02,${OTHER},USD,1,10.00`,
        `2025-02,${PLATFORM},USD,1,3.25`,
        `total,${OTHER},EUR,1,7.10`,
        `total,${OTHER},USD,1,10.00`,
        `total,${PLATFORM},USD,3,13.75`,
        'total,all,EUR,1,7.10',
        'total,all,USD,4,23.75',
        '',
      ]);
    });

    it('is for librarians of the branch', async () => {
      await http().get('/reports/revenue?branch=REV').set('Authorization', technician).expect(403);
      await http().get('/reports/revenue?branch=REV').set('Authorization', await bearer('librarian', ['NOR'])).expect(403);
      await http().get('/reports/revenue?branch=REV&from=2025-02-01&to=2025-01-01').set('Authorization', librarian).expect(400);
    });
  });
});
