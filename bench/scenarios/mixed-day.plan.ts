/**
 * What a mixed day is made of — its activities, the HTTP calls each makes and the effects measured in
 * the catalog — shared by the driver (mixed-day.scenario.ts) and the report (report/figures.ts), so a
 * figure the driver measures always has its row.
 */
export const MIXED_ACTIVITIES = ['pulls', 'repairs', 'bindery', 'weeding', 'sales'] as const;
export type MixedActivity = (typeof MIXED_ACTIVITIES)[number];

/**
 * The day's share of the shelved items per activity: pulls are the everyday work, repairs follow
 * them, one bindery lot, a weeding pass over one collection, and a few withdrawn items sold.
 */
export const MIXED_SHARES: Readonly<Record<MixedActivity, number>> = { pulls: 0.3, repairs: 0.25, bindery: 0.15, weeding: 0.2, sales: 0.1 };

/** Staff working each activity at once, each waiting for an answer before the next scan (closed loop). */
export const MIXED_STAFF = 'pulls: 2 requesting, 1 walking the pull list; repairs: 2; bindery: 1, and the vendor; weeding: 1 librarian deciding, 1 technician pulling; sales: 1 listing, the platform selling';

/** Items the day works over: a fifth of --items, at least 100 (small mode), at most 2,000. */
export function mixedDayItems(items: number): number {
  return Math.min(2_000, Math.max(100, Math.round(items / 5)));
}

/** Items per activity, the remainder of the rounding going to pulls. */
export function mixedDaySplit(total: number): Record<MixedActivity, number> {
  const split = {} as Record<MixedActivity, number>;
  let assigned = 0;
  for (const activity of MIXED_ACTIVITIES) {
    split[activity] = Math.max(1, Math.floor(total * MIXED_SHARES[activity]));
    assigned += split[activity];
  }
  split.pulls += total - assigned;
  return split;
}

export interface MixedCall {
  activity: MixedActivity;
  /** `mixed.<activity>.<key>.p50Ms` etc.; `.ms` for a call made once a day. */
  key: string;
  label: string;
  /** Made once per day: reported as one time, not percentiles. */
  once: boolean;
}

export const MIXED_CALLS: readonly MixedCall[] = [
  { activity: 'pulls', key: 'request', label: 'POST /pull-requests', once: false },
  { activity: 'pulls', key: 'pullList', label: 'GET /pull-list (conservation)', once: false },
  { activity: 'pulls', key: 'pulled', label: 'POST /pull-requests/:id/pulled', once: false },
  { activity: 'pulls', key: 'notFound', label: 'POST /pull-requests/:id/not-found', once: false },
  { activity: 'repairs', key: 'queue', label: 'GET /repairs?status=open', once: true },
  { activity: 'repairs', key: 'complete', label: 'POST /repairs/:id/complete', once: false },
  { activity: 'bindery', key: 'openLot', label: 'POST /bindery/shipments', once: true },
  { activity: 'bindery', key: 'addItems', label: 'POST /bindery/shipments/:id/items (25 slips)', once: false },
  { activity: 'bindery', key: 'slips', label: 'GET /bindery/shipments/:id/slips.pdf', once: true },
  { activity: 'bindery', key: 'dispatch', label: 'POST /bindery/shipments/:id/dispatch', once: true },
  { activity: 'bindery', key: 'vendorView', label: 'GET /vendor/shipments/:id (vendor)', once: true },
  { activity: 'bindery', key: 'acknowledge', label: 'POST /vendor/shipments/:id/acknowledge (vendor)', once: true },
  { activity: 'bindery', key: 'returns', label: 'POST /bindery/shipments/:id/returns (half the lot)', once: false },
  { activity: 'weeding', key: 'run', label: 'POST /weeding-runs', once: true },
  { activity: 'weeding', key: 'approve', label: 'POST /weeding-candidates/:id/approve', once: false },
  { activity: 'weeding', key: 'keep', label: 'POST /weeding-candidates/:id/keep', once: false },
  { activity: 'weeding', key: 'pullList', label: 'GET /pull-list (disposal)', once: false },
  { activity: 'weeding', key: 'pulled', label: 'POST /weeding-candidates/:id/pulled', once: false },
  { activity: 'sales', key: 'list', label: 'POST /listings', once: false },
  { activity: 'sales', key: 'platformListings', label: 'GET /platform/listings (platform)', once: false },
  { activity: 'sales', key: 'sale', label: 'POST /platform/listings/:id/sale → 201', once: false },
  { activity: 'sales', key: 'saleAgain', label: 'the same sale reported again → 200', once: false },
  { activity: 'sales', key: 'revenue', label: 'GET /reports/revenue', once: true },
];

export interface MixedEffect {
  activity: MixedActivity;
  /** `mixed.<activity>.<key>.p50Ms` etc. */
  key: string;
  label: string;
}

/** From the moment the causing request is sent to cataloging's history row of the new status. */
export const MIXED_EFFECTS: readonly MixedEffect[] = [
  { activity: 'pulls', key: 'visible', label: 'pulled / not found → in the catalog (IN_REPAIR, AWAITING_BINDERY, MISSING)' },
  { activity: 'repairs', key: 'visible', label: 'completed → in the catalog (SHELF_READY, AWAITING_BINDERY; WITHDRAWN via disposal)' },
  { activity: 'bindery', key: 'dispatchedVisible', label: 'dispatched → AT_BINDERY in the catalog' },
  { activity: 'bindery', key: 'returnedVisible', label: 'returned → SHELF_READY in the catalog' },
  { activity: 'weeding', key: 'visible', label: 'pulled → WITHDRAWN in the catalog' },
  { activity: 'sales', key: 'listedVisible', label: 'listed → LISTED_FOR_SALE in the catalog' },
  { activity: 'sales', key: 'soldVisible', label: 'sale reported → SOLD in the catalog' },
];
