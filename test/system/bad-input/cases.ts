import { makeCodabarBarcode } from '@app/contracts';
import { LibraryWorld, PLATFORM_PARTNER, VENDOR_PARTNER } from '../access/library-world';
import { ServiceName } from '../support/system-harness';

export type Caller = 'admin' | 'vendor' | 'platform';

/**
 * How to reach one POST or PUT route with a well-formed request that must still be refused: the
 * target is in the wrong state (or does not exist), so whatever a variant gets past validation, the
 * answer is a 4xx and nothing changes. The variants then break the well-formed body one field at a
 * time.
 */
export interface BadInputCase {
  /** Staff routes are called by an admin (every role, every branch), partner routes by the world's partner. */
  caller: Caller;
  path: (world: LibraryWorld) => string;
  /** A well-formed body; required when the route takes one. */
  body?: (world: LibraryWorld) => Record<string, unknown>;
  /**
   * What the refusal of the well-formed request names: the state, or the missing resource. `null`
   * for a route where every well-formed request is accepted (an admin's upsert): only the broken
   * variants are sent, and each must be refused by validation, naming the field.
   */
  refusal: RegExp | null;
  /** A cart: answered 200 with one refusal per item rather than a 4xx for the whole request. */
  perItem?: boolean;
}

const SLIP = { bindingStyle: 'buckram', leafAttachment: 'oversew', clothColor: 'dark blue', foilColor: 'gold', spineLettering: ['TITLE', 'V.1'], instructions: 'keep covers' };
const UNKNOWN_VENDOR = '00000000-0000-4000-8000-000000000000';

/** One case per POST/PUT route, by `service METHOD /openapi/{path}`. A route missing here fails the spec. */
export const BAD_INPUT_CASES: Record<string, BadInputCase> = {
  // intake
  'intake POST /shipments': {
    caller: 'admin',
    path: () => '/shipments',
    body: (w) => ({
      supplier: 'Baker & Taylor',
      branch: 'CEN',
      items: [{
        materialType: 'book', title: 'Duplicate Dynamics', barcode: w.items.available.barcode, creators: ['Doe, Jane'], isbn: '978-0-306-40615-7',
        issn: '0317-8471', publisher: 'Acme Press', publicationYear: 2001, callNumber: 'QA76.73 .J38 2010', callNumberScheme: 'lc',
        securityTag: 'strip', preApplied: ['cover'], collection: 'Adult Nonfiction', price: '24.95', currency: 'USD',
      }],
    }),
    refusal: /is already received/,
  },
  'intake PUT /processing-profiles/{branch}/{materialType}': {
    caller: 'admin',
    path: () => '/processing-profiles/CEN/e-resource',
    body: () => ({ steps: ['cover'] }),
    refusal: /e-resource profile must be empty/,
  },
  'intake POST /items/{barcode}/steps': {
    caller: 'admin',
    path: (w) => `/items/${w.items.available.barcode}/steps`,
    body: () => ({ step: 'stamp' }),
    refusal: /already recorded/,
  },
  'intake POST /steps': {
    caller: 'admin',
    path: () => '/steps',
    body: (w) => ({ step: 'stamp', barcodes: [w.items.available.barcode, w.items.worn.barcode] }),
    refusal: /already recorded/,
    perItem: true,
  },
  // cataloging
  'cataloging PUT /items/{barcode}/call-number': {
    caller: 'admin',
    path: (w) => `/items/${w.items.withdrawn.barcode}/call-number`,
    body: () => ({ callNumber: 'QA76.73 .J38 2010', scheme: 'lc' }),
    refusal: /is WITHDRAWN/,
  },
  'cataloging POST /items/shelve': {
    caller: 'admin',
    path: () => '/items/shelve',
    body: (w) => ({ barcodes: [w.items.available.barcode, w.items.inRepair.barcode] }),
    refusal: /only SHELF_READY items can be shelved/,
    perItem: true,
  },
  'cataloging POST /items/{barcode}/shelve': {
    caller: 'admin',
    path: (w) => `/items/${w.items.available.barcode}/shelve`,
    refusal: /is AVAILABLE; only SHELF_READY/,
  },
  'cataloging PUT /items/{barcode}/conditions': {
    caller: 'admin',
    path: (w) => `/items/${w.items.withdrawn.barcode}/conditions`,
    body: () => ({ conditions: ['worn', 'superseded'] }),
    refusal: /is WITHDRAWN; it is out of the collection/,
  },
  // conservation
  'conservation POST /pull-requests': {
    caller: 'admin',
    path: () => '/pull-requests',
    body: (w) => ({ barcode: w.items.inRepair.barcode, reason: 'repair', note: 'spine cracked', damage: 'broken-spine' }),
    refusal: /is IN_REPAIR; only an item on the shelf/,
  },
  'conservation POST /pull-requests/{id}/pulled': { caller: 'admin', path: (w) => `/pull-requests/${w.closedPullRequestId}/pulled`, refusal: /is pulled; only an open request/ },
  'conservation POST /pull-requests/{id}/not-found': { caller: 'admin', path: (w) => `/pull-requests/${w.closedPullRequestId}/not-found`, refusal: /is pulled; only an open request/ },
  'conservation POST /pull-requests/{id}/cancel': { caller: 'admin', path: (w) => `/pull-requests/${w.closedPullRequestId}/cancel`, refusal: /is pulled; only an open request/ },
  'conservation POST /repairs/{id}/complete': {
    caller: 'admin',
    path: (w) => `/repairs/${w.completedRepairId}/complete`,
    body: () => ({ treatment: 'tear-mend', minutes: 10, outcome: 'repaired', note: 'once more' }),
    refusal: /is completed .* cannot be completed again/,
  },
  'conservation POST /vendors': {
    caller: 'admin',
    path: () => '/vendors',
    body: () => ({ name: 'Acme, once more', partnerId: VENDOR_PARTNER, turnaroundDays: 14, webhookUrl: 'https://bindery.example.com/hooks' }),
    refusal: /already belongs to another vendor/,
  },
  'conservation POST /bindery/shipments': {
    caller: 'admin',
    path: () => '/bindery/shipments',
    body: () => ({ vendorId: UNKNOWN_VENDOR, branch: 'CEN' }),
    refusal: /vendor .* not found/,
  },
  'conservation POST /bindery/shipments/{id}/items': {
    caller: 'admin',
    path: (w) => `/bindery/shipments/${w.openLotId}/items`,
    body: (w) => ({ items: [{ barcode: w.items.available.barcode, ...SLIP }] }),
    refusal: /is AVAILABLE; only an item AWAITING_BINDERY/,
  },
  'conservation POST /bindery/shipments/{id}/dispatch': { caller: 'admin', path: (w) => `/bindery/shipments/${w.openLotId}/dispatch`, refusal: /has no items/ },
  'conservation POST /bindery/shipments/{id}/returns': {
    caller: 'admin',
    path: (w) => `/bindery/shipments/${w.openLotId}/returns`,
    body: (w) => ({ barcodes: [w.items.atBindery.barcode] }),
    refusal: /is open; it has not been dispatched/,
  },
  'conservation POST /vendor/shipments/{id}/acknowledge': { caller: 'vendor', path: (w) => `/vendor/shipments/${w.openLotId}/acknowledge`, refusal: /bindery lot .* not found/ },
  'conservation PUT /partners/{partnerId}/webhook': {
    caller: 'admin',
    path: () => '/partners/no-such-bindery/webhook',
    body: () => ({ url: 'https://bindery.example.com/hooks/library', secret: 'a-signing-secret-of-forty-characters-000' }),
    refusal: /no bindery vendor has partnerId no-such-bindery/,
  },
  // disposal
  'disposal PUT /partners/{partnerId}/webhook': {
    caller: 'admin',
    path: () => `/partners/${PLATFORM_PARTNER}/webhook`,
    body: () => ({ url: 'https://platform.example.com/hooks/library', secret: 'a-signing-secret-of-forty-characters-000' }),
    // Disposal takes a webhook for any well-formed partner id: a well-formed request registers it.
    refusal: null,
  },
  'disposal PUT /weeding-rules/{branch}': {
    caller: 'admin',
    path: () => '/weeding-rules/CEN',
    body: () => ({
      rules: [{ collection: 'Adult Nonfiction', callNumberFrom: 'QA1', callNumberTo: 'QA99', callNumberScheme: 'lc', maxAgeYears: null, maxYearsWithoutUse: null, conditions: [], keepLastCopy: true }],
    }),
    refusal: /rules\[0\]\.conditions: the rule has no criterion/,
  },
  'disposal POST /weeding-runs': { caller: 'admin', path: () => '/weeding-runs', body: () => ({ branch: 'NOR' }), refusal: /has no weeding rules/ },
  'disposal POST /weeding-candidates/{id}/approve': { caller: 'admin', path: (w) => `/weeding-candidates/${w.keptCandidateId}/approve`, refusal: /is kept; only a proposed candidate/ },
  'disposal POST /weeding-candidates/{id}/keep': { caller: 'admin', path: (w) => `/weeding-candidates/${w.keptCandidateId}/keep`, refusal: /is kept; only a proposed candidate/ },
  'disposal POST /weeding-candidates/{id}/pulled': { caller: 'admin', path: (w) => `/weeding-candidates/${w.keptCandidateId}/pulled`, refusal: /is kept; only an approved candidate/ },
  'disposal POST /weeding-candidates/{id}/not-found': { caller: 'admin', path: (w) => `/weeding-candidates/${w.keptCandidateId}/not-found`, refusal: /is kept; only an approved candidate/ },
  'disposal POST /withdrawals': {
    caller: 'admin',
    path: () => '/withdrawals',
    body: (w) => ({ barcode: w.items.withdrawn.barcode, reason: 'weeded' }),
    refusal: /is WITHDRAWN; it has already left the collection/,
  },
  'disposal POST /listings': {
    caller: 'admin',
    path: () => '/listings',
    body: (w) => ({ barcode: w.items.available.barcode, condition: 'good', price: '4.50', channel: PLATFORM_PARTNER }),
    refusal: /is AVAILABLE; only a WITHDRAWN item can be listed/,
  },
  'disposal POST /listings/{id}/withdraw-listing': { caller: 'admin', path: (w) => `/listings/${w.disposedListingId}/withdraw-listing`, refusal: /is disposed; only an active listing/ },
  'disposal POST /listings/{id}/dispose': {
    caller: 'admin',
    path: (w) => `/listings/${w.disposedListingId}/dispose`,
    body: () => ({ method: 'donate' }),
    refusal: /is disposed; only an unsold listing/,
  },
  'disposal POST /withdrawals/{id}/dispose': {
    caller: 'admin',
    path: (w) => `/withdrawals/${w.disposedWithdrawalId}/dispose`,
    body: () => ({ method: 'recycle' }),
    refusal: /DISPOSED/,
  },
  'disposal POST /platform/listings/{id}/sale': {
    caller: 'platform',
    path: (w) => `/platform/listings/${w.disposedListingId}/sale`,
    body: () => ({ price: '5.25', currency: 'USD', orderRef: 'ORD-2026-0001', soldAt: '2026-03-14T10:00:00Z' }),
    refusal: /is disposed; only an active listing can be sold/,
  },
  'disposal PUT /price-table/{branch}': {
    caller: 'admin',
    path: () => '/price-table/XYZ',
    body: () => ({ prices: { 'like-new': '8.00', 'very-good': '6.00', good: '4.00', acceptable: '2.00' }, currency: 'USD' }),
    refusal: /branch: unknown branch "XYZ"/,
  },
};

/** More requests in the wrong state, beyond each route's own: each must be a 4xx naming the state, changing nothing. */
export const WRONG_STATE_REQUESTS: Array<{ service: ServiceName; method: 'POST' | 'PUT'; caller: Caller; path: (w: LibraryWorld) => string; body?: (w: LibraryWorld) => object; refusal: RegExp }> = [
  { service: 'cataloging', method: 'POST', caller: 'admin', path: (w) => `/items/${w.items.inRepair.barcode}/shelve`, refusal: /is IN_REPAIR/ },
  { service: 'cataloging', method: 'POST', caller: 'admin', path: (w) => `/items/${w.items.atBindery.id}/shelve`, refusal: /is AT_BINDERY/ },
  { service: 'cataloging', method: 'PUT', caller: 'admin', path: (w) => `/items/${w.items.disposed.barcode}/call-number`, body: () => ({ callNumber: 'QA1 .B2', scheme: 'lc' }), refusal: /is DISPOSED/ },
  { service: 'cataloging', method: 'PUT', caller: 'admin', path: (w) => `/items/${w.items.listed.barcode}/conditions`, body: () => ({ conditions: [] }), refusal: /is LISTED_FOR_SALE/ },
  { service: 'intake', method: 'POST', caller: 'admin', path: (w) => `/items/${w.items.atBindery.barcode}/steps`, body: () => ({ step: 'cover' }), refusal: /already recorded/ },
  { service: 'intake', method: 'POST', caller: 'admin', path: (w) => `/items/${w.items.available.barcode}/steps`, body: () => ({ step: 'gilding' }), refusal: /gilding is not a processing step/ },
  { service: 'conservation', method: 'POST', caller: 'admin', path: () => '/pull-requests', body: (w) => ({ barcode: w.items.withdrawn.barcode, reason: 'binding' }), refusal: /is WITHDRAWN/ },
  { service: 'conservation', method: 'POST', caller: 'admin', path: () => '/pull-requests', body: (w) => ({ barcode: w.items.atBindery.barcode, reason: 'repair' }), refusal: /is AT_BINDERY/ },
  { service: 'conservation', method: 'POST', caller: 'admin', path: (w) => `/bindery/shipments/${w.dispatchedLotId}/dispatch`, refusal: /is dispatched; only an open lot/ },
  {
    service: 'conservation', method: 'POST', caller: 'admin', path: (w) => `/bindery/shipments/${w.dispatchedLotId}/items`,
    body: (w) => ({ items: [{ barcode: w.items.inRepair.barcode, ...SLIP }] }), refusal: /is dispatched; items can be added only while it is open/,
  },
  {
    service: 'conservation', method: 'POST', caller: 'admin', path: (w) => `/bindery/shipments/${w.openLotId}/items`,
    body: (w) => ({ items: [{ barcode: w.items.repaired.barcode, ...SLIP }, { barcode: w.items.repaired.barcode, ...SLIP }] }), refusal: /appears twice/,
  },
  { service: 'disposal', method: 'POST', caller: 'admin', path: () => '/withdrawals', body: (w) => ({ barcode: w.items.inRepair.barcode, reason: 'damaged' }), refusal: /is IN_REPAIR; it is with conservation/ },
  { service: 'disposal', method: 'POST', caller: 'admin', path: () => '/listings', body: (w) => ({ barcode: w.items.listed.barcode, condition: 'good' }), refusal: /LISTED_FOR_SALE/ },
  { service: 'disposal', method: 'POST', caller: 'admin', path: () => '/listings', body: (w) => ({ barcode: w.items.withdrawn.barcode, condition: 'poor' }), refusal: /a poor item cannot be listed/ },
  { service: 'disposal', method: 'POST', caller: 'admin', path: () => '/weeding-runs', body: () => ({ branch: 'MARS' }), refusal: /branch: must be a known branch/ },
];

/**
 * Requests that would be accepted but for one value no DTO rule looks at — a NUL character (which
 * PostgreSQL cannot store in text) or a `__proto__` key (which class-transformer drops unseen). They
 * must be refused naming it, not fail in the database (500) nor succeed.
 */
export const ALMOST_VALID_REQUESTS: Array<{ service: ServiceName; method: 'GET' | 'POST' | 'PUT'; caller: Caller; path: (w: LibraryWorld) => string; body?: (w: LibraryWorld) => object | string; names: string[] }> = [
  {
    service: 'intake', method: 'POST', caller: 'admin', path: () => '/shipments',
    body: () => ({ supplier: 'Baker & Taylor', branch: 'CEN', items: [{ materialType: 'book', title: 'Null\u0000Title', barcode: makeCodabarBarcode('3030', 999_101) }] }),
    names: ['items[0].title'],
  },
  {
    service: 'intake', method: 'POST', caller: 'admin', path: () => '/shipments',
    body: () => ({ supplier: 'Baker\u0000& Taylor', branch: 'CEN', items: [{ materialType: 'book', title: 'Fine Title', barcode: makeCodabarBarcode('3030', 999_102) }] }),
    names: ['supplier'],
  },
  { service: 'conservation', method: 'POST', caller: 'admin', path: () => '/vendors', body: () => ({ name: 'Nul\u0000 Bindery', partnerId: 'nul-bindery', turnaroundDays: 7 }), names: ['name'] },
  { service: 'conservation', method: 'POST', caller: 'admin', path: () => '/pull-requests', body: (w) => ({ barcode: w.items.available.barcode, reason: 'repair', note: 'torn\u0000' }), names: ['note'] },
  {
    service: 'conservation', method: 'POST', caller: 'admin', path: () => '/pull-requests',
    body: (w) => `{"__proto__": {"reason": "binding"}, "barcode": "${w.items.available.barcode}", "reason": "repair"}`,
    names: ['__proto__: unknown field'],
  },
  { service: 'conservation', method: 'POST', caller: 'admin', path: (w) => `/repairs/${w.openRepairId}/complete`, body: () => ({ treatment: 'tear-mend', outcome: 'repaired', note: 'glued\u0000' }), names: ['note'] },
  {
    service: 'disposal', method: 'PUT', caller: 'admin', path: () => '/weeding-rules/CEN',
    body: () => ({ rules: [{ collection: 'Adult\u0000Nonfiction', maxAgeYears: 50, maxYearsWithoutUse: null, conditions: [], keepLastCopy: false }] }),
    names: ['rules[0].collection'],
  },
  {
    service: 'disposal', method: 'POST', caller: 'platform', path: (w) => `/platform/listings/${w.activeListingId}/sale`,
    body: () => ({ price: '5.25', currency: 'USD', orderRef: 'ORD\u00001', soldAt: '2026-03-14T10:00:00Z' }),
    names: ['orderRef'],
  },
  { service: 'cataloging', method: 'GET', caller: 'admin', path: () => '/items?title=%00', names: ['title'] },
  { service: 'cataloging', method: 'GET', caller: 'admin', path: () => '/items?callNumber=QA%00', names: ['callNumber'] },
  { service: 'cataloging', method: 'GET', caller: 'admin', path: () => '/records?title=a%00b', names: ['title'] },
  { service: 'intake', method: 'GET', caller: 'admin', path: () => '/items/%00', names: ['barcode'] },
];
