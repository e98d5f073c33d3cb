import { MIXED_ACTIVITIES, MIXED_CALLS, MIXED_EFFECTS } from '../scenarios/mixed-day.plan';
import { ServiceName } from '../support/world';

/** One run's measurements, keyed by figure (e.g. `bulk.itemsPerS`). */
export type RunFigures = Record<string, number>;

export type ScenarioName = 'reference' | 'bulk' | 'steady' | 'mixed' | 'resources';

export interface Target {
  text: string;
  met: (median: number, referenceMedian: number | null) => boolean | null;
}

export interface FigureDefinition {
  key: string;
  /** The run figure this row shows when it is not `key`: one figure set beside two raw ones. */
  from?: string;
  scenario: ScenarioName;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** The raw figure it stands beside; the report prints ours ÷ raw. */
  reference?: string;
  target?: Target;
}

const REFERENCE: FigureDefinition[] = [
  // The reference: stage B commits each message in its own transaction. The batched variant
  // (as our consumers batch) is the stricter yardstick, shown beside it.
  { key: 'reference.unbatchedItemsPerS', scenario: 'reference', label: 'saturated, N items, A commit → B commit (stage B: one message per transaction)', unit: 'items/s', better: 'higher' },
  { key: 'reference.unbatchedSeconds', scenario: 'reference', label: 'saturated, N items: first insert → last commit (one per transaction)', unit: 's', better: 'lower' },
  { key: 'reference.itemsPerS', scenario: 'reference', label: 'saturated, stage B batched (up to 200 per transaction)', unit: 'items/s', better: 'higher' },
  { key: 'reference.seconds', scenario: 'reference', label: 'saturated, N items: first insert → last commit (batched)', unit: 's', better: 'lower' },
  { key: 'reference.stageASeconds', scenario: 'reference', label: 'stage A: N items + outbox rows committed', unit: 's', better: 'lower' },
  { key: 'reference.paced1000.p50Ms', scenario: 'reference', label: 'latency p50 at 1,000 items/s', unit: 'ms', better: 'lower' },
  { key: 'reference.paced1000.p95Ms', scenario: 'reference', label: 'latency p95 at 1,000 items/s', unit: 'ms', better: 'lower' },
  { key: 'reference.paced1000.p99Ms', scenario: 'reference', label: 'latency p99 at 1,000 items/s', unit: 'ms', better: 'lower' },
  { key: 'reference.pacedSteady.p50Ms', scenario: 'reference', label: 'latency p50 at the steady rate', unit: 'ms', better: 'lower' },
  { key: 'reference.pacedSteady.p95Ms', scenario: 'reference', label: 'latency p95 at the steady rate', unit: 'ms', better: 'lower' },
  { key: 'reference.pacedSteady.p99Ms', scenario: 'reference', label: 'latency p99 at the steady rate', unit: 'ms', better: 'lower' },
  { key: 'reference.cpuPer1000', scenario: 'reference', label: 'CPU per 1,000 items (one process, saturated)', unit: 'cpu-s', better: 'lower' },
  { key: 'reference.peakRssMb', scenario: 'reference', label: 'peak RSS (one process)', unit: 'MB', better: 'lower' },
];

const BULK: FigureDefinition[] = [
  {
    key: 'bulk.timeTo201S',
    scenario: 'bulk',
    label: 'one POST /shipments of N items → 201, its whole answer read',
    unit: 's',
    better: 'lower',
    reference: 'reference.stageASeconds',
    target: { text: '≤ 2 s', met: (median) => median <= 2 },
  },
  {
    key: 'bulk.timeToStatusLineS',
    scenario: 'bulk',
    label: '… the 201 status line alone (the answer, a line per item, still being read)',
    unit: 's',
    better: 'lower',
  },
  { key: 'bulk.allInCatalogS', scenario: 'bulk', label: 'POST → all N entered the catalog', unit: 's', better: 'lower' },
  { key: 'bulk.stepsS', scenario: 'bulk', label: 'stamp recorded for all carts of 500', unit: 's', better: 'lower' },
  { key: 'bulk.allShelfReadyS', scenario: 'bulk', label: 'POST → all N SHELF_READY', unit: 's', better: 'lower', reference: 'reference.unbatchedSeconds' },
  {
    key: 'bulk.itemsPerS',
    scenario: 'bulk',
    label: 'end to end (POST → all SHELF_READY)',
    unit: 'items/s',
    better: 'higher',
    reference: 'reference.unbatchedItemsPerS',
    target: { text: '≥ 40% of raw', met: (median, raw) => (raw === null ? null : median >= 0.4 * raw) },
  },
  {
    key: 'bulk.itemsPerSBesideBatched',
    from: 'bulk.itemsPerS',
    scenario: 'bulk',
    label: 'end to end, beside the reference with stage B batched',
    unit: 'items/s',
    better: 'higher',
    reference: 'reference.itemsPerS',
  },
];

const STEADY: FigureDefinition[] = [
  { key: 'steady.achievedRate', scenario: 'steady', label: 'single-item shipments taken (201) per second', unit: 'items/s', better: 'higher' },
  { key: 'steady.refused', scenario: 'steady', label: 'arrivals not sent: 256 requests already waiting', unit: 'items', better: 'lower' },
  { key: 'steady.p50Ms', scenario: 'steady', label: 'intake commit → catalog status, p50', unit: 'ms', better: 'lower', reference: 'reference.pacedSteady.p50Ms' },
  { key: 'steady.p95Ms', scenario: 'steady', label: 'intake commit → catalog status, p95', unit: 'ms', better: 'lower', reference: 'reference.pacedSteady.p95Ms' },
  {
    key: 'steady.p99Ms',
    scenario: 'steady',
    label: 'intake commit → catalog status, p99',
    unit: 'ms',
    better: 'lower',
    reference: 'reference.pacedSteady.p99Ms',
    target: { text: '< 100 ms', met: (median) => median < 100 },
  },
  { key: 'steady.fromReceiptP50Ms', scenario: 'steady', label: 'intake receipt (request handled) → catalog status, p50', unit: 'ms', better: 'lower' },
  { key: 'steady.fromReceiptP99Ms', scenario: 'steady', label: 'intake receipt (request handled) → catalog status, p99', unit: 'ms', better: 'lower' },
  { key: 'steady.httpP99Ms', scenario: 'steady', label: 'POST /shipments response time, p99', unit: 'ms', better: 'lower' },
  { key: 'steady.maxSustainedRate', scenario: 'steady', label: 'highest sustained rate (p99 < 1 s, no backlog)', unit: 'items/s', better: 'higher', reference: 'reference.unbatchedItemsPerS' },
];

/** The day as a whole, then each activity: operations, operations/s, each call's time, each effect's time to the catalog. */
function mixedFigures(): FigureDefinition[] {
  const figures: FigureDefinition[] = [
    { key: 'mixed.items', scenario: 'mixed', label: 'items the day works over (disjoint parts per activity)', unit: 'items', better: 'higher' },
    { key: 'mixed.ops', scenario: 'mixed', label: 'HTTP operations, all activities', unit: 'ops', better: 'higher' },
    { key: 'mixed.durationS', scenario: 'mixed', label: 'day: first call → last answer', unit: 's', better: 'lower' },
    { key: 'mixed.opsPerS', scenario: 'mixed', label: 'operations per second, all activities at once', unit: 'ops/s', better: 'higher' },
    { key: 'mixed.settledS', scenario: 'mixed', label: 'day: first call → every effect in the catalog', unit: 's', better: 'lower' },
    {
      key: 'mixed.mismatches',
      scenario: 'mixed',
      label: 'items not in the status their path ends in',
      unit: 'items',
      better: 'lower',
      target: { text: '= 0', met: (median) => median === 0 },
    },
  ];
  for (const activity of MIXED_ACTIVITIES) {
    figures.push(
      { key: `mixed.${activity}.ops`, scenario: 'mixed', label: `${activity}: operations`, unit: 'ops', better: 'higher' },
      { key: `mixed.${activity}.opsPerS`, scenario: 'mixed', label: `${activity}: operations per second`, unit: 'ops/s', better: 'higher' },
    );
    for (const call of MIXED_CALLS.filter((c) => c.activity === activity)) {
      const base = { scenario: 'mixed' as const, unit: 'ms', better: 'lower' as const };
      if (call.once) figures.push({ ...base, key: `mixed.${activity}.${call.key}.ms`, label: `${activity}: ${call.label} (once)` });
      else for (const p of [50, 95, 99]) figures.push({ ...base, key: `mixed.${activity}.${call.key}.p${p}Ms`, label: `${activity}: ${call.label}, p${p}` });
    }
    for (const effect of MIXED_EFFECTS.filter((e) => e.activity === activity)) {
      for (const p of [50, 95, 99]) {
        figures.push({ key: `mixed.${activity}.${effect.key}.p${p}Ms`, scenario: 'mixed', label: `${activity}: ${effect.label}, p${p}`, unit: 'ms', better: 'lower' });
      }
    }
  }
  return figures;
}

function resourceFigures(services: ServiceName[]): FigureDefinition[] {
  const figures: FigureDefinition[] = [];
  for (const service of services) {
    figures.push({
      key: `resources.${service}.peakRssMb`,
      scenario: 'resources',
      label: `${service}: peak RSS`,
      unit: 'MB',
      better: 'lower',
      reference: 'reference.peakRssMb',
      target: { text: '< 300 MB', met: (median) => median < 300 },
    });
  }
  for (const service of services) {
    figures.push({ key: `resources.${service}.cpuPer1000.bulk`, scenario: 'resources', label: `${service}: CPU per 1,000 items, bulk`, unit: 'cpu-s', better: 'lower', reference: 'reference.cpuPer1000' });
  }
  figures.push({ key: 'resources.all.cpuPer1000.bulk', scenario: 'resources', label: 'all services: CPU per 1,000 items, bulk', unit: 'cpu-s', better: 'lower', reference: 'reference.cpuPer1000' });
  for (const service of services) {
    figures.push({ key: `resources.${service}.cpuPer1000.steady`, scenario: 'resources', label: `${service}: CPU per 1,000 items, steady`, unit: 'cpu-s', better: 'lower', reference: 'reference.cpuPer1000' });
  }
  figures.push({ key: 'resources.all.cpuPer1000.steady', scenario: 'resources', label: 'all services: CPU per 1,000 items, steady', unit: 'cpu-s', better: 'lower', reference: 'reference.cpuPer1000' });
  // Per operation, not per item: an operation of the mixed day moves at most a few items (a bindery request up to 25).
  for (const service of services) {
    figures.push({ key: `resources.${service}.cpuPer1000.mixed`, scenario: 'resources', label: `${service}: CPU per 1,000 operations, mixed day`, unit: 'cpu-s', better: 'lower', reference: 'reference.cpuPer1000' });
  }
  figures.push({ key: 'resources.all.cpuPer1000.mixed', scenario: 'resources', label: 'all services: CPU per 1,000 operations, mixed day', unit: 'cpu-s', better: 'lower', reference: 'reference.cpuPer1000' });
  return figures;
}

/** Every figure the report knows, in print order; figures no run measured are left out of the report. */
export function figureDefinitions(services: ServiceName[]): FigureDefinition[] {
  return [...REFERENCE, ...BULK, ...STEADY, ...mixedFigures(), ...resourceFigures(services)];
}
