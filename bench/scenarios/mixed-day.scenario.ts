import { randomBytes } from 'node:crypto';
import { mintDevelopmentToken } from '../../libs/auth/src/development-token';
import { ItemStatus } from '../../libs/contracts/src/status/item-status';
import { RunFigures } from '../report/figures';
import { shipment, ShipmentLine } from '../support/fixtures';
import { expectStatus, HttpResponse, JsonClient } from '../support/http';
import { sleep } from '../support/repo';
import { ServiceFleet } from '../support/services';
import { percentile, summarizeLatencies } from '../support/stats';
import { deleteBrokerObjects, ServiceName } from '../support/world';
import { MIXED_ACTIVITIES, MIXED_CALLS, MIXED_EFFECTS, MixedActivity, mixedDayItems, mixedDaySplit } from './mixed-day.plan';
import { cpuPer1000, cpuSnapshot, ScenarioContext } from './scenario-context';

const BRANCH = 'CEN';
const STAMP_CART = 500;
const SHELVING_CART = 1_000;
/** Requests in flight while the day is prepared (not measured). */
const PREPARE_CONCURRENCY = 4;
/** A technician walks a pull list again once this many new entries are on it (or nothing more will come). */
const WALK_BATCH = 10;
const PAGE = 100;
const SLIPS_PER_REQUEST = 25;
/** Waits for the catalog give up when nothing has moved for this long. */
const STALL_MS = 60_000;

/** The endpoints a mixed day needs, each found by the paths its service documents at /docs/json. */
const ENDPOINTS: Array<{ name: string; service: ServiceName; path: RegExp }> = [
  { name: 'pulls', service: 'conservation', path: /\/pull/ },
  { name: 'repairs', service: 'conservation', path: /\/repair/ },
  { name: 'bindery', service: 'conservation', path: /\/bindery\// },
  { name: 'weeding', service: 'disposal', path: /\/weeding/ },
  { name: 'sales', service: 'disposal', path: /\/(listings|sales)\b/ },
];

export type MixedDayReadiness = { status: 'ready' } | { status: 'unavailable'; reason: string };

/** Mixed day needs conservation and disposal running with their endpoints; says why not when it cannot run. */
export async function checkMixedDay(fleet: ServiceFleet): Promise<MixedDayReadiness> {
  const paths = new Map<ServiceName, string[]>();
  const problems: string[] = [];
  for (const service of ['conservation', 'disposal'] as const) {
    if (!fleet.has(service)) {
      problems.push(`${service} is not running${ServiceFleet.isBuilt(service) ? '' : ' (not built)'}`);
      continue;
    }
    const client = new JsonClient(fleet.get(service).url, undefined, 1);
    try {
      const res = await client.get<{ paths?: Record<string, unknown> }>('/docs/json', 10_000);
      paths.set(service, res.status === 200 ? Object.keys(res.body?.paths ?? {}) : []);
    } catch (error) {
      problems.push(`${service} /docs/json: ${(error as Error).message}`);
    } finally {
      client.close();
    }
  }
  const missing = ENDPOINTS.filter((e) => !(paths.get(e.service) ?? []).some((p) => e.path.test(p))).map((e) => `${e.name} (${e.service})`);
  if (missing.length) return { status: 'unavailable', reason: `needs conservation and disposal: no endpoints for ${missing.join(', ')}${problems.length ? `; ${problems.join('; ')}` : ''}` };
  return { status: 'ready' };
}

/** One item of the day: which activity works on it, and the status its path ends in. */
interface DayItem {
  id: string;
  barcode: string;
  title: string;
  callNumber: string;
  activity: MixedActivity;
  /** Position within its activity: decides its path (every tenth pull is not found, ...). */
  index: number;
  expected: ItemStatus;
  /** Repairs: the work order the pull in preparation opened. */
  repairId?: string;
}

interface Page<T> {
  data: T[];
  page: { total: number };
}

type Sent<T> = HttpResponse<T> & { sentAt: number };

const S = ItemStatus;

/** The path of each item, decided by its position so every run takes the same mix. */
const PATHS = {
  pull: (i: number) =>
    i % 10 === 9
      ? { reason: 'repair' as const, found: false, expected: S.MISSING }
      : i % 3 === 2
        ? { reason: 'binding' as const, found: true, expected: S.AWAITING_BINDERY }
        : { reason: 'repair' as const, found: true, expected: S.IN_REPAIR },
  // tear-mend is a minor repair; rebind is a major one, for a senior technician.
  repair: (i: number) =>
    i % 10 === 9
      ? { treatment: 'other', outcome: 'condemned', senior: false, note: 'mould throughout', expected: S.WITHDRAWN }
      : i % 10 === 4
        ? { treatment: 'rebind', outcome: 'bindery', senior: true, note: null, expected: S.AWAITING_BINDERY }
        : { treatment: 'tear-mend', outcome: 'repaired', senior: false, note: null, expected: S.SHELF_READY },
  weeding: (i: number) => (i % 10 === 9 ? { keep: true, expected: S.AVAILABLE } : { keep: false, expected: S.WITHDRAWN }),
  bindery: () => ({ expected: S.SHELF_READY }),
  sales: () => ({ expected: S.SOLD }),
};

const SALE_CONDITIONS = ['good', 'very-good', 'acceptable', 'like-new'];

/** The HTTP clients of the people (and partners) of the day, each with its own token. */
interface Staff {
  intake: JsonClient;
  cataloging: JsonClient;
  conservation: { technician: JsonClient; senior: JsonClient; admin: JsonClient; vendor: JsonClient };
  disposal: { technician: JsonClient; librarian: JsonClient; platform: JsonClient };
}

/** Every call of the day: its time by activity and call, operations per activity, and the effects to look for in the catalog. */
class DayLog {
  readonly samples = new Map<string, number[]>();
  readonly ops = new Map<MixedActivity, number>();
  readonly endedAt = new Map<MixedActivity, number>();
  readonly effects: Array<{ activity: MixedActivity; key: string; itemId: string; status: string; sinceMs: number }> = [];

  async call<T>(activity: MixedActivity, call: string, expected: number, what: string, send: () => Promise<HttpResponse<T>>): Promise<Sent<T>> {
    const sentAt = Date.now();
    const res = await send();
    this.ops.set(activity, (this.ops.get(activity) ?? 0) + 1);
    const key = `${activity}.${call}`;
    if (!this.samples.has(key)) this.samples.set(key, []);
    this.samples.get(key)!.push(res.ms);
    return Object.assign(expectStatus(res, expected, `${activity}: ${what}`), { sentAt });
  }

  /** The catalog should show `status` for the item after the request sent at `sinceMs`. */
  effect(activity: MixedActivity, key: string, item: DayItem, status: ItemStatus, sinceMs: number): void {
    this.effects.push({ activity, key, itemId: item.id, status, sinceMs });
  }

  totalOps(): number {
    return [...this.ops.values()].reduce((a, b) => a + b, 0);
  }
}

/**
 * Work one side of an activity hands to the other (pull requests to the technician who walks the
 * pull list, listings to the platform): the walker waits for a batch, or for the rest once nothing
 * more will come, before walking its list again.
 */
class Handoff {
  private produced = 0;
  private consumed = 0;
  private finished = false;
  private wake?: () => void;

  add(): void {
    this.produced++;
    this.poke();
  }

  finish(): void {
    this.finished = true;
    this.poke();
  }

  took(): void {
    this.consumed++;
  }

  /** True when there is work to walk for; false when everything handed over has been taken. */
  async ready(batch: number): Promise<boolean> {
    for (;;) {
      const pending = this.produced - this.consumed;
      if (pending >= batch || (this.finished && pending > 0)) return true;
      if (this.finished) return false;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

async function settleAll(tasks: Array<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

/** `workers` people working through `items`, each one at a time; the first failure stops them all. */
async function pool<T>(items: readonly T[], workers: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let stopped = false;
  await settleAll(
    Array.from({ length: Math.min(workers, items.length) }, async () => {
      while (!stopped && next < items.length) {
        try {
          await work(items[next++]);
        } catch (error) {
          stopped = true;
          throw error;
        }
      }
    }),
  );
}

/**
 * Mixed day (issue 7, point 4): pulls, repairs, a bindery lot, weeding and sales at once, over
 * disjoint parts of one shipment received and shelved for the day. Preparation (not measured) puts
 * each part where its activity starts: on the shelf (pulls, weeding), IN_REPAIR (repairs),
 * AWAITING_BINDERY (bindery), WITHDRAWN (sales). Then every activity runs at once, closed loop (each
 * worker waits for an answer before the next call). Measured: each call's response time, operations
 * and operations/s per activity, and how long after each request the catalog shows its effect.
 * Finally every item must be in the status its path ends in, by cataloging's API.
 */
export async function runMixedDay(ctx: ScenarioContext, requestedItems: number): Promise<{ figures: RunFigures; problems: string[] }> {
  const tag = randomBytes(3).toString('hex');
  const vendorPartner = `bench-bindery-${tag}`;
  const platformPartner = `bench-sales-${tag}`;
  const partnerQueues = [ctx.world.partnerQueue(vendorPartner), ctx.world.partnerQueue(platformPartner)];
  for (const queue of partnerQueues) ctx.world.adoptQueue(queue);
  const staff = await staffOf(ctx, vendorPartner, platformPartner);
  /** What to put back afterwards, whatever happens (attached: the branch's weeding rules). */
  const undo: Array<() => Promise<void>> = [];
  try {
    await ctx.backlog.drain(ctx.log);
    const split = mixedDaySplit(mixedDayItems(requestedItems));
    const prepared = await prepare(ctx, staff, tag, split, vendorPartner, undo);
    const items = prepared.items;
    const byActivity = (activity: MixedActivity) => items.filter((item) => item.activity === activity);

    const cpuBefore = cpuSnapshot(ctx.fleet);
    const day = new DayLog();
    const problems: string[] = [];
    const dayStartedAt = Date.now();
    const started = performance.now();
    ctx.log(`mixed: ${items.length} items (${MIXED_ACTIVITIES.map((a) => `${a} ${split[a]}`).join(', ')}), all activities at once`);
    const activities: Record<MixedActivity, () => Promise<void>> = {
      pulls: () => pulls(day, staff, byActivity('pulls')),
      repairs: () => repairs(day, staff, byActivity('repairs')),
      bindery: () => bindery(ctx, day, staff, byActivity('bindery'), prepared.vendorId),
      weeding: () => weeding(day, staff, byActivity('weeding')),
      sales: () => sales(ctx, day, staff, byActivity('sales'), platformPartner, tag, problems),
    };
    await settleAll(MIXED_ACTIVITIES.map((activity) => activities[activity]().then(() => day.endedAt.set(activity, performance.now()))));
    const durationS = (performance.now() - started) / 1000;
    const ops = day.totalOps();
    ctx.log(`mixed: ${ops} operations in ${durationS.toFixed(2)} s (${(ops / durationS).toFixed(0)}/s); waiting for the catalog`);

    await untilExpected(ctx, items);
    const latencies = await ctx.measurements.visibleAfter(day.effects);
    await ctx.backlog.drain(ctx.log);
    const cpuAfter = cpuSnapshot(ctx.fleet);

    const mismatches = await verifyInCatalog(staff, tag, items);
    if (mismatches.length) problems.push(`${mismatches.length} of ${items.length} items not in the status their path ends in, e.g. ${mismatches.slice(0, 5).join('; ')}`);
    const unseen = day.effects.filter((_, i) => latencies[i] === null);
    if (unseen.length) {
      const first = unseen[0];
      problems.push(`${unseen.length} effects never shown by the catalog, e.g. ${first.activity} item ${first.itemId} never became ${first.status}`);
    }
    const settledAt = Math.max(dayStartedAt, ...day.effects.map((e, i) => e.sinceMs + (latencies[i] ?? 0)));
    ctx.log(`mixed: every effect in the catalog ${((settledAt - dayStartedAt) / 1000).toFixed(2)} s after the first call; ${mismatches.length} items not where they should be`);

    const figures: RunFigures = {
      'mixed.items': items.length,
      'mixed.ops': ops,
      'mixed.durationS': durationS,
      'mixed.opsPerS': ops / durationS,
      'mixed.settledS': (settledAt - dayStartedAt) / 1000,
      'mixed.mismatches': mismatches.length,
      ...cpuPer1000(cpuBefore, cpuAfter, ops, 'mixed'),
    };
    for (const activity of MIXED_ACTIVITIES) {
      const activityOps = day.ops.get(activity) ?? 0;
      figures[`mixed.${activity}.ops`] = activityOps;
      figures[`mixed.${activity}.opsPerS`] = activityOps / ((day.endedAt.get(activity)! - started) / 1000);
    }
    for (const call of MIXED_CALLS) {
      const samples = [...(day.samples.get(`${call.activity}.${call.key}`) ?? [])].sort((a, b) => a - b);
      if (samples.length === 0) continue;
      if (call.once) {
        figures[`mixed.${call.activity}.${call.key}.ms`] = percentile(samples, 0.5);
      } else {
        figures[`mixed.${call.activity}.${call.key}.p50Ms`] = percentile(samples, 0.5);
        figures[`mixed.${call.activity}.${call.key}.p95Ms`] = percentile(samples, 0.95);
        figures[`mixed.${call.activity}.${call.key}.p99Ms`] = percentile(samples, 0.99);
      }
    }
    for (const effect of MIXED_EFFECTS) {
      const values = day.effects.flatMap((e, i) => (e.activity === effect.activity && e.key === effect.key && latencies[i] !== null ? [latencies[i]!] : []));
      if (values.length === 0) continue;
      const summary = summarizeLatencies(values);
      figures[`mixed.${effect.activity}.${effect.key}.p50Ms`] = summary.p50;
      figures[`mixed.${effect.activity}.${effect.key}.p95Ms`] = summary.p95;
      figures[`mixed.${effect.activity}.${effect.key}.p99Ms`] = summary.p99;
    }
    return { figures, problems };
  } finally {
    for (const step of undo) await step().catch((error: Error) => ctx.log(`mixed: ${error.message}`));
    for (const client of clientsOf(staff)) if (client !== ctx.intake && client !== ctx.cataloging) client.close();
    // The partners' queues hold what the vendor and the platform were sent; nobody reads them here.
    await deleteBrokerObjects({ queues: partnerQueues, exchanges: [] }).catch(() => undefined);
  }
}

async function staffOf(ctx: ScenarioContext, vendorPartner: string, platformPartner: string): Promise<Staff> {
  const token = (sub: string, roles: string[], scope: { branches?: string[]; partnerId?: string }) => mintDevelopmentToken({ sub, roles, ...scope });
  const conservation = ctx.fleet.get('conservation').url;
  const disposal = ctx.fleet.get('disposal').url;
  return {
    intake: ctx.intake,
    cataloging: ctx.cataloging,
    conservation: {
      technician: new JsonClient(conservation, await token('bench-technician', ['technician'], { branches: [BRANCH] })),
      senior: new JsonClient(conservation, await token('bench-senior', ['senior-technician'], { branches: [BRANCH] })),
      admin: new JsonClient(conservation, await token('bench-admin', ['admin'], { branches: ['*'] })),
      vendor: new JsonClient(conservation, await token('bench-vendor', ['bindery-vendor'], { partnerId: vendorPartner })),
    },
    disposal: {
      technician: new JsonClient(disposal, await token('bench-technician', ['technician'], { branches: [BRANCH] })),
      librarian: new JsonClient(disposal, await token('bench-librarian', ['librarian'], { branches: [BRANCH] })),
      platform: new JsonClient(disposal, await token('bench-platform', ['sales-platform'], { partnerId: platformPartner })),
    },
  };
}

function clientsOf(staff: Staff): JsonClient[] {
  return [staff.intake, staff.cataloging, ...Object.values(staff.conservation), ...Object.values(staff.disposal)];
}

/**
 * Receives the day's items (pre-labelled books, the weeding part in a collection of its own, old),
 * stamps and shelves them, then puts each part where its activity starts, and waits until every
 * service has seen it all.
 */
async function prepare(
  ctx: ScenarioContext,
  staff: Staff,
  tag: string,
  split: Record<MixedActivity, number>,
  vendorPartner: string,
  undo: Array<() => Promise<void>>,
): Promise<{ items: DayItem[]; vendorId: string }> {
  const weedingCollection = `Weeding stock ${tag}`;
  const planned: Array<{ line: ShipmentLine; activity: MixedActivity; index: number; expected: ItemStatus }> = [];
  for (const activity of MIXED_ACTIVITIES) {
    for (let index = 0; index < split[activity]; index++) {
      const line = ctx.items.preLabelledBook();
      line.title = `Mixed day ${tag} ${activity} ${index}`;
      if (activity === 'weeding') Object.assign(line, { collection: weedingCollection, publicationYear: 1950 + (index % 30) });
      const expected = {
        pulls: () => PATHS.pull(index).expected,
        repairs: () => PATHS.repair(index).expected,
        bindery: () => PATHS.bindery().expected,
        weeding: () => PATHS.weeding(index).expected,
        sales: () => PATHS.sales().expected,
      }[activity]();
      planned.push({ line, activity, index, expected });
    }
  }
  const lines = planned.map((p) => p.line);
  const received = expectStatus(
    await staff.intake.post<{ items: Array<{ id: string; barcode: string; pendingSteps: string[] }> }>('/shipments', shipment(lines), 300_000),
    201,
    `mixed: POST /shipments (${lines.length} items)`,
  ).body.items;
  const unexpected = received.find((line) => line.pendingSteps.length !== 1 || line.pendingSteps[0] !== 'stamp');
  if (unexpected) throw new Error(`the bench expects a pre-labelled book to need only the stamp; ${unexpected.barcode} needs [${unexpected.pendingSteps.join(', ')}]`);
  const idOf = new Map(received.map((line) => [line.barcode, line.id]));
  const items: DayItem[] = planned.map((p) => ({
    id: idOf.get(p.line.barcode)!,
    barcode: p.line.barcode,
    title: p.line.title,
    callNumber: p.line.callNumber,
    activity: p.activity,
    index: p.index,
    expected: p.expected,
  }));
  const ids = items.map((item) => item.id);
  for (let i = 0; i < lines.length; i += STAMP_CART) {
    const barcodes = lines.slice(i, i + STAMP_CART).map((line) => line.barcode);
    const res = expectStatus(await staff.intake.post<{ results: Array<{ barcode: string; ok: boolean }> }>('/steps', { step: 'stamp', barcodes }), 200, 'mixed: POST /steps');
    const refused = res.body.results.find((r) => !r.ok);
    if (refused) throw new Error(`mixed: stamp refused for ${refused.barcode}: ${JSON.stringify(refused)}`);
  }
  await untilReached(ctx, ids, S.SHELF_READY);
  for (let i = 0; i < items.length; i += SHELVING_CART) {
    const barcodes = items.slice(i, i + SHELVING_CART).map((item) => item.barcode);
    const res = expectStatus(await staff.cataloging.post<{ results: Array<{ barcode: string; ok: boolean }> }>('/items/shelve', { barcodes }), 200, 'mixed: POST /items/shelve');
    const refused = res.body.results.find((r) => !r.ok);
    if (refused) throw new Error(`mixed: could not shelve ${refused.barcode}: ${JSON.stringify(refused)}`);
  }
  await untilReached(ctx, ids, S.AVAILABLE);
  // Conservation and disposal learn of the items from cataloging's events.
  await ctx.backlog.drain(ctx.log);

  const vendor = expectStatus(
    await staff.conservation.admin.post<{ id: string }>('/vendors', { name: `Benchmark Bindery ${tag}`, partnerId: vendorPartner, turnaroundDays: 28 }),
    201,
    'mixed: POST /vendors',
  ).body;
  await setWeedingRule(ctx, staff, weedingCollection, undo);

  const technician = staff.conservation.technician;
  const pullOffShelf = async (item: DayItem, reason: 'repair' | 'binding') => {
    const request = expectStatus(
      await technician.post<{ id: string }>('/pull-requests', { barcode: item.barcode, reason, ...(reason === 'repair' ? { damage: 'torn-pages' } : {}) }),
      201,
      'mixed: POST /pull-requests',
    ).body;
    const pulled = expectStatus(await technician.post<{ repairId: string | null }>(`/pull-requests/${request.id}/pulled`, undefined), 200, 'mixed: POST pulled').body;
    if (reason === 'repair') {
      if (!pulled.repairId) throw new Error(`mixed: pulling ${item.barcode} for repair opened no work order`);
      item.repairId = pulled.repairId;
    }
  };
  const inPart = (activity: MixedActivity) => items.filter((item) => item.activity === activity);
  await pool([...inPart('repairs'), ...inPart('bindery'), ...inPart('sales')], PREPARE_CONCURRENCY, async (item) => {
    if (item.activity === 'repairs') await pullOffShelf(item, 'repair');
    else if (item.activity === 'bindery') await pullOffShelf(item, 'binding');
    else expectStatus(await staff.disposal.librarian.post('/withdrawals', { barcode: item.barcode, reason: 'superseded' }), 201, 'mixed: POST /withdrawals');
  });
  await untilReached(ctx, inPart('repairs').map((item) => item.id), S.IN_REPAIR);
  await untilReached(ctx, inPart('bindery').map((item) => item.id), S.AWAITING_BINDERY);
  await untilReached(ctx, inPart('sales').map((item) => item.id), S.WITHDRAWN);
  await ctx.backlog.drain(ctx.log);
  return { items, vendorId: vendor.id };
}

/**
 * The branch's weeding rule for the day, alone: old books of the day's own collection (X = 20
 * years), so the run proposes the day's items and nothing else. Rules are per branch: attached to
 * running services, the branch's own rules are put back afterwards.
 */
async function setWeedingRule(ctx: ScenarioContext, staff: Staff, collection: string, undo: Array<() => Promise<void>>): Promise<void> {
  const librarian = staff.disposal.librarian;
  if (ctx.world.attached) {
    const own = expectStatus(await librarian.get<{ rules: unknown[] }>(`/weeding-rules/${BRANCH}`), 200, 'mixed: GET /weeding-rules').body.rules;
    undo.push(async () => {
      expectStatus(await librarian.put(`/weeding-rules/${BRANCH}`, { rules: own }), 200, `mixed: putting back the weeding rules of ${BRANCH}`);
    });
  }
  const rule = { collection, maxAgeYears: 20, maxYearsWithoutUse: null, conditions: [], keepLastCopy: false };
  expectStatus(await librarian.put(`/weeding-rules/${BRANCH}`, { rules: [rule] }), 200, 'mixed: PUT /weeding-rules');
}

/** Pulls: staff ask for items on the shelf (for repair or binding); a technician walks the pull list and takes them off, or reports one not there. */
async function pulls(day: DayLog, staff: Staff, items: DayItem[]): Promise<void> {
  const technician = staff.conservation.technician;
  const handoff = new Handoff();
  const requested = new Map<string, DayItem>();
  const done = new Set<string>();
  const requesting = pool(items, 2, async (item) => {
    const path = PATHS.pull(item.index);
    const body = { barcode: item.barcode, reason: path.reason, ...(path.reason === 'repair' ? { damage: 'detached-cover' } : {}) };
    const res = await day.call<{ id: string }>('pulls', 'request', 201, 'POST /pull-requests', () => technician.post('/pull-requests', body));
    requested.set(res.body.id, item);
    handoff.add();
  }).finally(() => handoff.finish());
  const walking = walk(handoff, 'pull requests', async () => {
    const entries = await pages<{ id: string }>(day, 'pulls', 'pullList', technician, `/pull-list?branch=${BRANCH}`, (e) => e.id, (e) => requested.has(e.id) && !done.has(e.id));
    for (const entry of entries) {
      const item = requested.get(entry.id)!;
      const path = PATHS.pull(item.index);
      const res = path.found
        ? await day.call('pulls', 'pulled', 200, 'POST pulled', () => technician.post(`/pull-requests/${entry.id}/pulled`, undefined))
        : await day.call('pulls', 'notFound', 200, 'POST not-found', () => technician.post(`/pull-requests/${entry.id}/not-found`, undefined));
      day.effect('pulls', 'visible', item, path.expected, res.sentAt);
      done.add(entry.id);
      handoff.took();
    }
    return entries.length;
  });
  await settleAll([requesting, walking]);
}

/** Repairs: two technicians complete the open work orders, most repaired, some sent to the bindery (by a senior), a few condemned. */
async function repairs(day: DayLog, staff: Staff, items: DayItem[]): Promise<void> {
  await day.call('repairs', 'queue', 200, 'GET /repairs', () => staff.conservation.technician.get(`/repairs?branch=${BRANCH}&status=open&limit=${PAGE}`));
  await pool(items, 2, async (item) => {
    const path = PATHS.repair(item.index);
    const client = path.senior ? staff.conservation.senior : staff.conservation.technician;
    const body = { treatment: path.treatment, minutes: 15, outcome: path.outcome, ...(path.note ? { note: path.note } : {}) };
    const res = await day.call('repairs', 'complete', 200, `POST /repairs/${item.repairId}/complete`, () => client.post(`/repairs/${item.repairId}/complete`, body));
    day.effect('repairs', 'visible', item, path.expected, res.sentAt);
  });
}

/**
 * A bindery lot: opened, filled slip by slip, slips printed, dispatched; the vendor reads and
 * acknowledges it; once the catalog has the books at the bindery they come back in two returns.
 */
async function bindery(ctx: ScenarioContext, day: DayLog, staff: Staff, items: DayItem[], vendorId: string): Promise<void> {
  const technician = staff.conservation.technician;
  const lot = (await day.call<{ id: string }>('bindery', 'openLot', 201, 'POST /bindery/shipments', () => technician.post('/bindery/shipments', { vendorId, branch: BRANCH }))).body;
  for (let i = 0; i < items.length; i += SLIPS_PER_REQUEST) {
    const slips = items.slice(i, i + SLIPS_PER_REQUEST).map((item) => ({
      barcode: item.barcode,
      bindingStyle: 'buckram',
      leafAttachment: 'oversew',
      clothColor: 'dark blue',
      foilColor: 'gold',
      spineLettering: [item.title.toUpperCase().slice(0, 60), item.callNumber.slice(0, 60)],
    }));
    await day.call('bindery', 'addItems', 200, 'POST /bindery/shipments/:id/items', () => technician.post(`/bindery/shipments/${lot.id}/items`, { items: slips }));
  }
  await day.call('bindery', 'slips', 200, 'GET slips.pdf', () => technician.get(`/bindery/shipments/${lot.id}/slips.pdf`));
  const dispatched = await day.call('bindery', 'dispatch', 200, 'POST dispatch', () => technician.post(`/bindery/shipments/${lot.id}/dispatch`, undefined));
  for (const item of items) day.effect('bindery', 'dispatchedVisible', item, S.AT_BINDERY, dispatched.sentAt);
  await day.call('bindery', 'vendorView', 200, 'GET /vendor/shipments/:id', () => staff.conservation.vendor.get(`/vendor/shipments/${lot.id}`));
  await day.call('bindery', 'acknowledge', 200, 'POST acknowledge', () => staff.conservation.vendor.post(`/vendor/shipments/${lot.id}/acknowledge`, undefined));
  // Books come back weeks later in life; here, as soon as the catalog has them at the bindery.
  await untilReached(ctx, items.map((item) => item.id), S.AT_BINDERY);
  const half = Math.ceil(items.length / 2);
  let status = '';
  for (const part of [items.slice(0, half), items.slice(half)].filter((p) => p.length)) {
    const res = await day.call<{ accepted: string[]; rejected: unknown[]; status: string }>('bindery', 'returns', 200, 'POST returns', () =>
      technician.post(`/bindery/shipments/${lot.id}/returns`, { barcodes: part.map((item) => item.barcode) }),
    );
    if (res.body.accepted.length !== part.length) throw new Error(`bindery: ${part.length} books returned, ${res.body.accepted.length} accepted: ${JSON.stringify(res.body.rejected).slice(0, 300)}`);
    for (const item of part) day.effect('bindery', 'returnedVisible', item, S.SHELF_READY, res.sentAt);
    status = res.body.status;
  }
  if (status !== 'returned') throw new Error(`bindery: every book is back, but the lot is ${status}`);
}

/** Weeding: a run over the branch, a librarian's decision on each of the day's candidates, a technician pulling the approved ones. */
async function weeding(day: DayLog, staff: Staff, items: DayItem[]): Promise<void> {
  const byBarcode = new Map(items.map((item) => [item.barcode, item]));
  const run = await day.call<{ candidates: Array<{ id: string; barcode: string }> }>('weeding', 'run', 201, 'POST /weeding-runs', () =>
    staff.disposal.librarian.post('/weeding-runs', { branch: BRANCH }),
  );
  const ours = run.body.candidates.filter((c) => byBarcode.has(c.barcode));
  if (ours.length !== items.length) throw new Error(`weeding: the run proposed ${ours.length} of the ${items.length} items the rule names`);
  const handoff = new Handoff();
  const approved = new Map<string, DayItem>();
  const done = new Set<string>();
  const deciding = (async () => {
    for (const candidate of ours) {
      const item = byBarcode.get(candidate.barcode)!;
      if (PATHS.weeding(item.index).keep) {
        await day.call('weeding', 'keep', 200, 'POST keep', () => staff.disposal.librarian.post(`/weeding-candidates/${candidate.id}/keep`, undefined));
        continue;
      }
      await day.call('weeding', 'approve', 200, 'POST approve', () => staff.disposal.librarian.post(`/weeding-candidates/${candidate.id}/approve`, undefined));
      approved.set(candidate.id, item);
      handoff.add();
    }
  })().finally(() => handoff.finish());
  const technician = staff.disposal.technician;
  const walking = walk(handoff, 'approved weeding candidates', async () => {
    const entries = await pages<{ candidateId: string }>(day, 'weeding', 'pullList', technician, `/pull-list?branch=${BRANCH}`, (e) => e.candidateId, (e) => approved.has(e.candidateId) && !done.has(e.candidateId));
    for (const entry of entries) {
      const item = approved.get(entry.candidateId)!;
      const res = await day.call('weeding', 'pulled', 200, 'POST pulled', () => technician.post(`/weeding-candidates/${entry.candidateId}/pulled`, undefined));
      day.effect('weeding', 'visible', item, S.WITHDRAWN, res.sentAt);
      done.add(entry.candidateId);
      handoff.took();
    }
    return entries.length;
  });
  await settleAll([deciding, walking]);
}

/**
 * Sales: a technician lists the withdrawn items; the platform reads its listings and reports each
 * sale (every tenth twice, as a platform retrying would); a librarian reads the revenue report.
 */
async function sales(ctx: ScenarioContext, day: DayLog, staff: Staff, items: DayItem[], platform: string, tag: string, problems: string[]): Promise<void> {
  const handoff = new Handoff();
  const listed = new Map<string, DayItem>();
  const sold = new Set<string>();
  const listing = pool(items, 1, async (item) => {
    const body = { barcode: item.barcode, condition: SALE_CONDITIONS[item.index % SALE_CONDITIONS.length], channel: platform };
    const res = await day.call<{ id: string }>('sales', 'list', 201, 'POST /listings', () => staff.disposal.technician.post('/listings', body));
    day.effect('sales', 'listedVisible', item, S.LISTED_FOR_SALE, res.sentAt);
    listed.set(res.body.id, item);
    handoff.add();
  }).finally(() => handoff.finish());
  const selling = walk(handoff, 'listings', async () => {
    const entries = await pages<{ id: string; price: string; currency: string }>(day, 'sales', 'platformListings', staff.disposal.platform, '/platform/listings', (e) => e.id, (e) => listed.has(e.id) && !sold.has(e.id));
    for (const entry of entries) {
      const item = listed.get(entry.id)!;
      const sale = { price: entry.price, currency: entry.currency, orderRef: `BENCH-${tag}-${item.index}`, soldAt: new Date().toISOString() };
      const res = await day.call('sales', 'sale', 201, 'POST sale', () => staff.disposal.platform.post(`/platform/listings/${entry.id}/sale`, sale));
      day.effect('sales', 'soldVisible', item, S.SOLD, res.sentAt);
      if (item.index % 10 === 9) await day.call('sales', 'saleAgain', 200, 'POST sale (again)', () => staff.disposal.platform.post(`/platform/listings/${entry.id}/sale`, sale));
      sold.add(entry.id);
      handoff.took();
    }
    return entries.length;
  });
  await settleAll([listing, selling]);
  // A period around today, so a day that crosses midnight (UTC) still counts every sale.
  const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const report = await day.call<{ itemsSold: number }>('sales', 'revenue', 200, 'GET /reports/revenue', () => staff.disposal.librarian.get(`/reports/revenue?branch=${BRANCH}&from=${from}&to=${to}`));
  // In a world of its own the report holds exactly the day's sales (attached, others' too).
  if (!ctx.world.attached && report.body.itemsSold !== items.length) problems.push(`the revenue report counts ${report.body.itemsSold} items sold, the platform sold ${items.length}`);
}

/** Walks a list again whenever the handoff has work, until everything handed over is taken; fails if the list stops showing pending work. */
async function walk(handoff: Handoff, what: string, walkOnce: () => Promise<number>): Promise<void> {
  let emptyWalks = 0;
  while (await handoff.ready(WALK_BATCH)) {
    if ((await walkOnce()) > 0) {
      emptyWalks = 0;
      continue;
    }
    if (++emptyWalks > 50) throw new Error(`${what} handed over do not show on the list after 50 walks`);
    await sleep(200);
  }
}

/**
 * Every page of a list, then the entries that are ours and still to do (taken before any is worked).
 * Others add to the list while it is paged, which shifts entries onto the next page: each is kept once.
 */
async function pages<E>(
  day: DayLog, activity: MixedActivity, call: string, client: JsonClient, path: string, key: (entry: E) => string, mine: (entry: E) => boolean,
): Promise<E[]> {
  const found = new Map<string, E>();
  const separator = path.includes('?') ? '&' : '?';
  for (let offset = 0; ; offset += PAGE) {
    const res = await day.call<Page<E>>(activity, call, 200, `GET ${path}`, () => client.get(`${path}${separator}limit=${PAGE}&offset=${offset}`));
    for (const entry of res.body.data.filter(mine)) found.set(key(entry), entry);
    if (offset + PAGE >= res.body.page.total) return [...found.values()];
  }
}

/** Waits until the catalog's history shows every item in `status`; gives up when nothing moved for a minute. */
async function untilReached(ctx: ScenarioContext, ids: string[], status: ItemStatus): Promise<void> {
  let count = -1;
  let lastProgress = Date.now();
  for (;;) {
    const now = (await ctx.measurements.reached(ids, status)).count;
    if (now >= ids.length) return;
    if (now !== count) {
      count = now;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > STALL_MS) {
      throw new Error(`mixed: ${now} of ${ids.length} items ${status} in the catalog, nothing new for ${STALL_MS / 1000} s`);
    }
    await sleep(100);
  }
}

/** Waits until every item's status of record is the one its path ends in, or nothing moves for a minute (the mismatches are counted after). */
async function untilExpected(ctx: ScenarioContext, items: DayItem[]): Promise<void> {
  let matching = -1;
  let lastProgress = Date.now();
  for (;;) {
    const statuses = await ctx.measurements.currentStatuses(items.map((item) => item.id));
    const now = items.filter((item) => statuses.get(item.id) === item.expected).length;
    if (now === items.length) return;
    if (now !== matching) {
      matching = now;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > STALL_MS) {
      ctx.log(`mixed: ${items.length - now} items still not in their final status after ${STALL_MS / 1000} s without progress`);
      return;
    }
    await sleep(200);
  }
}

/** Reads the day's items back from cataloging's search (withdrawn ones included) and names those not where their path ends. */
async function verifyInCatalog(staff: Staff, tag: string, items: DayItem[]): Promise<string[]> {
  const seen = new Map<string, string>();
  const title = encodeURIComponent(`Mixed day ${tag}`);
  for (let offset = 0; ; offset += 1_000) {
    const res = expectStatus(
      await staff.cataloging.get<Page<{ barcode: string; status: string }>>(`/items?branch=${BRANCH}&title=${title}&includeWithdrawn=true&limit=1000&offset=${offset}`),
      200,
      'mixed: GET /items',
    );
    for (const item of res.body.data) seen.set(item.barcode, item.status);
    if (offset + 1_000 >= res.body.page.total) break;
  }
  return items.flatMap((item) => {
    const status = seen.get(item.barcode);
    return status === item.expected ? [] : [`${item.activity} item ${item.barcode} is ${status ?? 'not found'}, expected ${item.expected}`];
  });
}
