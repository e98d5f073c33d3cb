import { bearer } from '../../support/service-app';
import { eventually } from '../../support/test-run';
import { shelveNewBooks, systemBarcode, untilStatus } from '../support/flows';
import { ServiceName, SystemHarness } from '../support/system-harness';

/** The world's branch; every token for "another branch" is for NOR, which holds nothing. */
export const HOME_BRANCH = 'CEN';
export const OTHER_BRANCH = 'NOR';
export const VENDOR_PARTNER = 'acme-bindery';
export const PLATFORM_PARTNER = 'booksale-co';
/** Partners the world's resources do not belong to. */
export const OTHER_VENDOR_PARTNER = 'other-bindery';
export const OTHER_PLATFORM_PARTNER = 'other-platform';

export interface WorldItem {
  barcode: string;
  id: string;
}

/**
 * One of every resource a route can address, each parked in a state where the state-changing
 * routes refuse it (a 409 naming the state), so that access and bad-input tests reach every route's
 * checks without moving anything on: an AVAILABLE item nobody may shelve again, a closed pull
 * request, a completed repair, an empty open lot and a dispatched one, a kept weeding candidate,
 * withdrawn items, an active and a disposed listing.
 */
export interface LibraryWorld {
  items: {
    /** On the shelf: AVAILABLE. */
    available: WorldItem;
    /** Pulled for repair, its repair open: IN_REPAIR. */
    inRepair: WorldItem;
    /** Repaired: SHELF_READY, its repair completed. */
    repaired: WorldItem;
    /** In the dispatched lot: AT_BINDERY. */
    atBindery: WorldItem;
    /** Withdrawn by a librarian: WITHDRAWN. */
    withdrawn: WorldItem;
    /** Withdrawn, listed, then donated: DISPOSED. */
    disposed: WorldItem;
    /** Withdrawn and listed on the platform: LISTED_FOR_SALE. */
    listed: WorldItem;
    /** Worn, proposed for weeding and kept: AVAILABLE. */
    worn: WorldItem;
  };
  shipmentId: string;
  recordId: string;
  closedPullRequestId: string;
  openRepairId: string;
  completedRepairId: string;
  vendorId: string;
  openLotId: string;
  dispatchedLotId: string;
  weedingRunId: string;
  keptCandidateId: string;
  withdrawalId: string;
  disposedWithdrawalId: string;
  activeListingId: string;
  disposedListingId: string;
  /** Every barcode and id above: nothing a user of another branch, or another partner, may see. */
  secrets(): string[];
}

const BOOKS = {
  available: { title: 'Available Anatomy', callNumber: 'QM23.2 .G73 2020' },
  inRepair: { title: 'Torn Topology', callNumber: 'QA611 .M82 2000' },
  repaired: { title: 'Mended Mechanics', callNumber: 'QC125.2 .H35 2013' },
  atBindery: { title: 'Journal of Bound Things, vol. 3', callNumber: 'Q1 .J68 v.3' },
  withdrawn: { title: 'Obsolete Optics', callNumber: 'QC355 .B6 1959' },
  disposed: { title: 'Donated Dynamics', callNumber: 'QA845 .L3 1960' },
  listed: { title: 'Saleable Statistics', callNumber: 'QA276 .F5 1925' },
  worn: { title: 'Worn Wave Theory', callNumber: 'QC157 .C7 1970' },
} as const;

const SLIP = { bindingStyle: 'buckram', leafAttachment: 'oversew', clothColor: 'dark blue', foilColor: 'gold', spineLettering: ['BOUND THINGS', 'V.3'], instructions: 'keep covers' };

/** Builds the world through the services' own HTTP APIs, as staff would, and waits until every read model has caught up. */
export async function buildLibraryWorld(system: SystemHarness): Promise<LibraryWorld> {
  // The services declare a queue per partner as they meet it; the run removes them at cleanup.
  for (const partner of [VENDOR_PARTNER, OTHER_VENDOR_PARTNER, PLATFORM_PARTNER]) system.run.partnerQueue(partner);
  const technician = await bearer('technician', [HOME_BRANCH], { sub: 'world-tess' });
  const librarian = await bearer('librarian', [HOME_BRANCH], { sub: 'world-libby' });

  const admin = await bearer('admin', ['*'], { sub: 'world-ada' });
  const http = (service: ServiceName, method: 'get' | 'post' | 'put', path: string, token: string, body?: object) => {
    const req = system.http(service)[method](path).set('Authorization', token);
    return body ? req.send(body) : req;
  };
  const ok = async (service: ServiceName, method: 'get' | 'post' | 'put', path: string, token: string, body?: object) => {
    const res = await http(service, method, path, token, body);
    if (res.status >= 300) throw new Error(`${method.toUpperCase()} ${service}${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const viewStatus = async (service: 'conservation' | 'disposal', itemId: string): Promise<string | undefined> => {
    const column = service === 'conservation' ? 'id' : 'item_id';
    const [row] = await system.run.query<{ status: string }>(`SELECT status FROM "${system.run.schemaFor(service)}".item_view WHERE ${column} = $1`, [itemId]);
    return row?.status;
  };
  const untilViews = (itemIds: string[], status: string, services: Array<'conservation' | 'disposal'> = ['conservation', 'disposal']) =>
    eventually(async () => {
      for (const service of services) {
        for (const id of itemIds) {
          const seen = await viewStatus(service, id);
          if (seen !== status) throw new Error(`${service} sees item ${id} as ${seen}, waiting for ${status}`);
        }
      }
    }, 60_000, 200);

  const books = Object.fromEntries(Object.entries(BOOKS).map(([name, book]) => [name, { ...book, barcode: systemBarcode(), isbn: name === 'listed' ? '0-306-40615-2' : undefined }])) as Record<
    keyof typeof BOOKS,
    { title: string; callNumber: string; barcode: string; isbn?: string }
  >;
  const ids = await shelveNewBooks(system, technician, Object.values(books), HOME_BRANCH);
  const items = Object.fromEntries(Object.entries(books).map(([name, book]) => [name, { barcode: book.barcode, id: ids.get(book.barcode)! }])) as LibraryWorld['items'];
  const all = Object.values(items);
  await untilViews(all.map((i) => i.id), 'AVAILABLE');

  const [shipment] = (await ok('intake', 'get', `/shipments?branch=${HOME_BRANCH}`, technician)).data as Array<{ id: string }>;
  const recordId = (await ok('cataloging', 'get', `/items/${items.listed.barcode}`, technician)).record.id as string;

  // Conservation: two repairs (one left open, one completed) and a dispatched bindery lot.
  const vendor = await ok('conservation', 'post', '/vendors', admin, { name: 'Acme Library Bindery', partnerId: VENDOR_PARTNER, turnaroundDays: 21 });
  // Another vendor, with nothing sent to it: it must see none of Acme's lots.
  await ok('conservation', 'post', '/vendors', admin, { name: 'Other Bindery', partnerId: OTHER_VENDOR_PARTNER, turnaroundDays: 14 });
  const pullFor = async (item: WorldItem, reason: 'repair' | 'binding') => {
    const request = await ok('conservation', 'post', '/pull-requests', technician, { barcode: item.barcode, reason, damage: reason === 'repair' ? 'torn-pages' : undefined });
    await ok('conservation', 'post', `/pull-requests/${request.id}/pulled`, technician);
    return request.id as string;
  };
  const closedPullRequestId = await pullFor(items.inRepair, 'repair');
  await pullFor(items.repaired, 'repair');
  await pullFor(items.atBindery, 'binding');
  await untilStatus(system, technician, [items.inRepair.barcode, items.repaired.barcode], 'IN_REPAIR');
  await untilViews([items.inRepair.id, items.repaired.id], 'IN_REPAIR', ['conservation']);
  await untilViews([items.atBindery.id], 'AWAITING_BINDERY', ['conservation']);
  const repairs = (await ok('conservation', 'get', `/repairs?branch=${HOME_BRANCH}`, technician)).data as Array<{ id: string; barcode: string }>;
  const openRepairId = repairs.find((r) => r.barcode === items.inRepair.barcode)!.id;
  const completedRepairId = repairs.find((r) => r.barcode === items.repaired.barcode)!.id;
  await ok('conservation', 'post', `/repairs/${completedRepairId}/complete`, technician, { treatment: 'tear-mend', minutes: 15, outcome: 'repaired' });

  const dispatchedLot = await ok('conservation', 'post', '/bindery/shipments', technician, { vendorId: vendor.id, branch: HOME_BRANCH });
  await ok('conservation', 'post', `/bindery/shipments/${dispatchedLot.id}/items`, technician, { items: [{ barcode: items.atBindery.barcode, ...SLIP }] });
  await ok('conservation', 'post', `/bindery/shipments/${dispatchedLot.id}/dispatch`, technician);
  const openLot = await ok('conservation', 'post', '/bindery/shipments', technician, { vendorId: vendor.id, branch: HOME_BRANCH });

  // Disposal: three withdrawals; two of them listed, one of those then donated.
  const withdraw = async (item: WorldItem) => (await ok('disposal', 'post', '/withdrawals', librarian, { barcode: item.barcode, reason: 'superseded' })).id as string;
  const withdrawalId = await withdraw(items.withdrawn);
  const disposedWithdrawalId = await withdraw(items.disposed);
  await withdraw(items.listed);
  const withdrawnNow = [items.withdrawn, items.disposed, items.listed];
  await untilStatus(system, technician, withdrawnNow.map((i) => i.barcode), 'WITHDRAWN');
  await untilViews(withdrawnNow.map((i) => i.id), 'WITHDRAWN', ['disposal']);
  const list = async (item: WorldItem) => (await ok('disposal', 'post', '/listings', technician, { barcode: item.barcode, condition: 'good', channel: PLATFORM_PARTNER })).id as string;
  const activeListingId = await list(items.listed);
  const disposedListingId = await list(items.disposed);
  await untilStatus(system, technician, [items.listed.barcode, items.disposed.barcode], 'LISTED_FOR_SALE');
  await ok('disposal', 'post', `/listings/${disposedListingId}/dispose`, technician, { method: 'donate' });

  // Weeding: the worn item is proposed, and kept.
  await ok('cataloging', 'put', `/items/${items.worn.barcode}/conditions`, technician, { conditions: ['worn'] });
  await eventually(async () => {
    const [row] = await system.run.query<{ conditions: string[] }>(`SELECT conditions FROM "${system.run.schemaFor('disposal')}".item_view WHERE item_id = $1`, [items.worn.id]);
    if (!row?.conditions?.includes('worn')) throw new Error('disposal has not seen the worn condition yet');
  }, 30_000, 200);
  await ok('disposal', 'put', `/weeding-rules/${HOME_BRANCH}`, librarian, {
    rules: [{ collection: 'Adult Nonfiction', maxAgeYears: null, maxYearsWithoutUse: null, conditions: ['worn'], keepLastCopy: false }],
  });
  const run = await ok('disposal', 'post', '/weeding-runs', librarian, { branch: HOME_BRANCH });
  const candidate = (run.candidates as Array<{ id: string; barcode: string }>).find((c) => c.barcode === items.worn.barcode);
  if (!candidate) throw new Error(`the weeding run did not propose the worn item: ${JSON.stringify(run.candidates)}`);
  await ok('disposal', 'post', `/weeding-candidates/${candidate.id}/keep`, librarian);

  // Webhooks for both partners, registered last: no partner event follows, so no delivery is queued
  // (nothing is ever sent to these addresses).
  const webhook = (path: string) => ({ url: `http://127.0.0.1:9/${path}`, secret: 'a-signing-secret-of-forty-characters-000' });
  await ok('conservation', 'put', `/partners/${VENDOR_PARTNER}/webhook`, admin, webhook('bindery'));
  await ok('disposal', 'put', `/partners/${PLATFORM_PARTNER}/webhook`, admin, webhook('platform'));

  await untilStatus(system, technician, [items.repaired.barcode], 'SHELF_READY');
  await untilStatus(system, technician, [items.atBindery.barcode], 'AT_BINDERY');
  await untilStatus(system, technician, [items.disposed.barcode], 'DISPOSED');
  await untilStatus(system, technician, [items.withdrawn.barcode], 'WITHDRAWN');
  await untilStatus(system, technician, [items.listed.barcode], 'LISTED_FOR_SALE');


  const world: Omit<LibraryWorld, 'secrets'> = {
    items,
    shipmentId: shipment.id,
    recordId,
    closedPullRequestId,
    openRepairId,
    completedRepairId,
    vendorId: vendor.id,
    openLotId: openLot.id,
    dispatchedLotId: dispatchedLot.id,
    weedingRunId: run.id,
    keptCandidateId: candidate.id,
    withdrawalId,
    disposedWithdrawalId,
    activeListingId,
    disposedListingId,
  };
  return {
    ...world,
    secrets: () => [
      ...all.flatMap((i) => [i.barcode, i.id]),
      world.shipmentId, world.closedPullRequestId, world.openRepairId, world.completedRepairId, world.openLotId, world.dispatchedLotId,
      world.weedingRunId, world.keptCandidateId, world.withdrawalId, world.disposedWithdrawalId, world.activeListingId, world.disposedListingId,
    ],
  };
}
