import { HOME_BRANCH, LibraryWorld, PLATFORM_PARTNER, VENDOR_PARTNER } from './library-world';

export interface RouteRequest {
  /** The concrete path, query included. */
  path: string;
  body?: object;
  /** For a route that removes what it addresses: an admin's request that puts it back before each admitted call. */
  restore?: { method: 'PUT'; path: string; body: object };
}

const SLIP = { bindingStyle: 'buckram', leafAttachment: 'oversew', clothColor: 'red', foilColor: 'gold', spineLettering: ['TITLE'] };
const WEBHOOK = (host: string) => ({ url: `http://127.0.0.1:9/${host}`, secret: 'a-signing-secret-of-forty-characters-000' });
const RULES = { rules: [{ collection: 'Adult Nonfiction', maxAgeYears: null, maxYearsWithoutUse: null, conditions: ['worn'], keepLastCopy: false }] };
const b = HOME_BRANCH;

/**
 * How the access matrix calls each route in the world: the world's resources (all of branch CEN,
 * its vendor and platform), lists asked for branch CEN by name, and bodies that are well-formed —
 * mostly aimed at resources in a state that refuses the change (409), so an admitted caller is
 * answered about the state and the world stays as it is.
 */
export const ROUTE_REQUESTS: Record<string, (w: LibraryWorld) => RouteRequest> = {
  'intake POST /shipments': (w) => ({
    path: '/shipments',
    body: { supplier: 'Baker & Taylor', branch: b, items: [{ materialType: 'book', title: 'Again', barcode: w.items.available.barcode }] },
  }),
  'intake GET /shipments': () => ({ path: `/shipments?branch=${b}` }),
  'intake GET /shipments/{id}': (w) => ({ path: `/shipments/${w.shipmentId}` }),
  'intake GET /processing-profiles': () => ({ path: `/processing-profiles?branch=${b}` }),
  'intake PUT /processing-profiles/{branch}/{materialType}': () => ({ path: `/processing-profiles/${b}/e-resource`, body: { steps: ['cover'] } }),
  'intake POST /items/{barcode}/steps': (w) => ({ path: `/items/${w.items.available.barcode}/steps`, body: { step: 'stamp' } }),
  'intake POST /steps': (w) => ({ path: '/steps', body: { step: 'stamp', barcodes: [w.items.available.barcode, w.items.worn.barcode] } }),
  'intake GET /items': () => ({ path: `/items?branch=${b}` }),
  'intake GET /items/{barcode}': (w) => ({ path: `/items/${w.items.available.barcode}` }),

  'cataloging GET /records': () => ({ path: '/records' }),
  'cataloging GET /records/{id}': (w) => ({ path: `/records/${w.recordId}` }),
  'cataloging GET /items': () => ({ path: `/items?branch=${b}&includeWithdrawn=true` }),
  'cataloging GET /items/{barcode}': (w) => ({ path: `/items/${w.items.available.barcode}` }),
  'cataloging GET /items/{barcode}/history': (w) => ({ path: `/items/${w.items.available.id}/history` }),
  'cataloging GET /call-number-queue': () => ({ path: `/call-number-queue?branch=${b}` }),
  'cataloging PUT /items/{barcode}/call-number': (w) => ({ path: `/items/${w.items.withdrawn.barcode}/call-number`, body: { callNumber: 'QA76 .A1', scheme: 'lc' } }),
  'cataloging GET /shelving-list': () => ({ path: `/shelving-list?branch=${b}` }),
  'cataloging POST /items/shelve': (w) => ({ path: '/items/shelve', body: { barcodes: [w.items.available.barcode, w.items.inRepair.barcode] } }),
  'cataloging POST /items/{barcode}/shelve': (w) => ({ path: `/items/${w.items.available.barcode}/shelve` }),
  'cataloging PUT /items/{barcode}/conditions': (w) => ({ path: `/items/${w.items.withdrawn.barcode}/conditions`, body: { conditions: ['worn'] } }),

  'conservation POST /pull-requests': (w) => ({ path: '/pull-requests', body: { barcode: w.items.inRepair.barcode, reason: 'repair' } }),
  'conservation GET /pull-list': () => ({ path: `/pull-list?branch=${b}` }),
  'conservation GET /pull-requests/{id}': (w) => ({ path: `/pull-requests/${w.closedPullRequestId}` }),
  'conservation POST /pull-requests/{id}/pulled': (w) => ({ path: `/pull-requests/${w.closedPullRequestId}/pulled` }),
  'conservation POST /pull-requests/{id}/not-found': (w) => ({ path: `/pull-requests/${w.closedPullRequestId}/not-found` }),
  'conservation POST /pull-requests/{id}/cancel': (w) => ({ path: `/pull-requests/${w.closedPullRequestId}/cancel` }),
  'conservation GET /repairs': () => ({ path: `/repairs?branch=${b}` }),
  'conservation GET /repairs/{id}': (w) => ({ path: `/repairs/${w.openRepairId}` }),
  'conservation POST /repairs/{id}/complete': (w) => ({ path: `/repairs/${w.completedRepairId}/complete`, body: { treatment: 'tear-mend', outcome: 'repaired' } }),
  'conservation POST /vendors': () => ({ path: '/vendors', body: { name: 'Acme again', partnerId: VENDOR_PARTNER, turnaroundDays: 10 } }),
  'conservation GET /vendors': () => ({ path: '/vendors' }),
  'conservation PUT /partners/{partnerId}/webhook': () => ({ path: `/partners/${VENDOR_PARTNER}/webhook`, body: WEBHOOK('bindery') }),
  'conservation GET /partners/{partnerId}/webhook': () => ({ path: `/partners/${VENDOR_PARTNER}/webhook` }),
  'conservation GET /partners/{partnerId}/deliveries': () => ({ path: `/partners/${VENDOR_PARTNER}/deliveries` }),
  'conservation DELETE /partners/{partnerId}/webhook': () => ({
    path: `/partners/${VENDOR_PARTNER}/webhook`,
    restore: { method: 'PUT', path: `/partners/${VENDOR_PARTNER}/webhook`, body: WEBHOOK('bindery') },
  }),
  'conservation POST /bindery/shipments': (w) => ({ path: '/bindery/shipments', body: { vendorId: w.vendorId, branch: b } }),
  'conservation GET /bindery/shipments': () => ({ path: `/bindery/shipments?branch=${b}` }),
  'conservation GET /bindery/shipments/{id}': (w) => ({ path: `/bindery/shipments/${w.dispatchedLotId}` }),
  'conservation POST /bindery/shipments/{id}/items': (w) => ({ path: `/bindery/shipments/${w.openLotId}/items`, body: { items: [{ barcode: w.items.available.barcode, ...SLIP }] } }),
  'conservation GET /bindery/shipments/{id}/slips.pdf': (w) => ({ path: `/bindery/shipments/${w.dispatchedLotId}/slips.pdf` }),
  'conservation POST /bindery/shipments/{id}/dispatch': (w) => ({ path: `/bindery/shipments/${w.openLotId}/dispatch` }),
  'conservation POST /bindery/shipments/{id}/returns': (w) => ({ path: `/bindery/shipments/${w.openLotId}/returns`, body: { barcodes: [w.items.atBindery.barcode] } }),
  'conservation GET /vendor/shipments': () => ({ path: '/vendor/shipments' }),
  'conservation GET /vendor/shipments/{id}': (w) => ({ path: `/vendor/shipments/${w.dispatchedLotId}` }),
  'conservation POST /vendor/shipments/{id}/acknowledge': (w) => ({ path: `/vendor/shipments/${w.dispatchedLotId}/acknowledge` }),

  'disposal PUT /weeding-rules/{branch}': () => ({ path: `/weeding-rules/${b}`, body: RULES }),
  'disposal GET /weeding-rules/{branch}': () => ({ path: `/weeding-rules/${b}` }),
  'disposal POST /weeding-runs': () => ({ path: '/weeding-runs', body: { branch: b } }),
  'disposal GET /weeding-runs': () => ({ path: `/weeding-runs?branch=${b}` }),
  'disposal GET /weeding-runs/{id}': (w) => ({ path: `/weeding-runs/${w.weedingRunId}` }),
  'disposal POST /weeding-candidates/{id}/approve': (w) => ({ path: `/weeding-candidates/${w.keptCandidateId}/approve` }),
  'disposal POST /weeding-candidates/{id}/keep': (w) => ({ path: `/weeding-candidates/${w.keptCandidateId}/keep` }),
  'disposal POST /weeding-candidates/{id}/pulled': (w) => ({ path: `/weeding-candidates/${w.keptCandidateId}/pulled` }),
  'disposal POST /weeding-candidates/{id}/not-found': (w) => ({ path: `/weeding-candidates/${w.keptCandidateId}/not-found` }),
  'disposal GET /pull-list': () => ({ path: `/pull-list?branch=${b}` }),
  'disposal POST /withdrawals': (w) => ({ path: '/withdrawals', body: { barcode: w.items.withdrawn.barcode, reason: 'weeded' } }),
  'disposal GET /withdrawals': () => ({ path: `/withdrawals?branch=${b}` }),
  'disposal GET /withdrawals/{id}': (w) => ({ path: `/withdrawals/${w.withdrawalId}` }),
  'disposal POST /withdrawals/{id}/dispose': (w) => ({ path: `/withdrawals/${w.disposedWithdrawalId}/dispose`, body: { method: 'recycle' } }),
  'disposal POST /listings': (w) => ({ path: '/listings', body: { barcode: w.items.available.barcode, condition: 'good', channel: PLATFORM_PARTNER } }),
  'disposal GET /listings': () => ({ path: `/listings?branch=${b}` }),
  'disposal GET /listings/{id}': (w) => ({ path: `/listings/${w.activeListingId}` }),
  'disposal POST /listings/{id}/withdraw-listing': (w) => ({ path: `/listings/${w.disposedListingId}/withdraw-listing` }),
  'disposal POST /listings/{id}/dispose': (w) => ({ path: `/listings/${w.disposedListingId}/dispose`, body: { method: 'donate' } }),
  'disposal GET /platform/listings': () => ({ path: '/platform/listings' }),
  'disposal GET /platform/listings/{id}': (w) => ({ path: `/platform/listings/${w.activeListingId}` }),
  'disposal POST /platform/listings/{id}/sale': (w) => ({
    path: `/platform/listings/${w.disposedListingId}/sale`,
    body: { price: '5.25', currency: 'USD', orderRef: 'ORD-ACCESS-1', soldAt: '2026-03-14T10:00:00Z' },
  }),
  'disposal PUT /price-table/{branch}': () => ({ path: `/price-table/${b}`, body: { prices: { good: '4.00' } } }),
  'disposal GET /price-table/{branch}': () => ({ path: `/price-table/${b}` }),
  'disposal GET /reports/revenue': () => ({ path: `/reports/revenue?branch=${b}` }),
  'disposal PUT /partners/{partnerId}/webhook': () => ({ path: `/partners/${PLATFORM_PARTNER}/webhook`, body: WEBHOOK('platform') }),
  'disposal GET /partners/{partnerId}/webhook': () => ({ path: `/partners/${PLATFORM_PARTNER}/webhook` }),
  'disposal GET /partners/{partnerId}/deliveries': () => ({ path: `/partners/${PLATFORM_PARTNER}/deliveries` }),
  'disposal DELETE /partners/{partnerId}/webhook': () => ({
    path: `/partners/${PLATFORM_PARTNER}/webhook`,
    restore: { method: 'PUT', path: `/partners/${PLATFORM_PARTNER}/webhook`, body: WEBHOOK('platform') },
  }),
};

/** Routes every service serves the same way (health, metrics, API documents): their path is the request. */
export function requestFor(key: string, path: string, world: LibraryWorld): RouteRequest | undefined {
  const explicit = ROUTE_REQUESTS[key];
  if (explicit) return explicit(world);
  if (['/health/live', '/health/ready', '/metrics', '/docs/json'].includes(path)) return { path };
  return undefined;
}
