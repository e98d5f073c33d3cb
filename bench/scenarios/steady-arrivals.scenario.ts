import { RunFigures } from '../report/figures';
import { shipment } from '../support/fixtures';
import { sleep } from '../support/repo';
import { percentile, summarizeLatencies } from '../support/stats';
import { cpuPer1000, cpuSnapshot, ScenarioContext } from './scenario-context';

/** Requests allowed in flight before the generator counts an arrival as one the system could not take. */
const MAX_IN_FLIGHT = 256;
/** After the last arrival of a phase, how long every item has to reach the catalog for the rate to count as sustained. */
const SETTLE_MS = 5_000;
/** How long a phase waits for its stragglers (so the next phase starts from an empty pipeline). */
const DRAIN_MS = 120_000;
const RATE_FACTOR = 1.5;
const MAX_RATE = 5_000;
const MAX_LADDER_STEPS = 8;

export interface SteadyPlan {
  rate: number;
  /** Length of the measured phase at `rate` (10 s, less in small mode). */
  phaseSeconds: number;
  /** Length of each step of the search for the highest sustained rate. */
  stepSeconds: number;
  /**
   * Arrivals at `rate` just before the measured phase, as long as the phase, not measured: a deployed
   * service has long since compiled its hot paths. After the warm-up (a bulk receipt) and a 2 s
   * lead-in, V8 was still optimizing them all through the phase (`--trace-opt`: intake 0.8–1.4 s of
   * compile time per 2 s, 20 % of its on-CPU samples under `perf`), and settled after about 25 s of
   * the process's life; with a 10–12 s lead-in the phase saw a tenth of that.
   */
  leadInSeconds: number;
}

export function steadyPlan(items: number, rate: number): SteadyPlan {
  const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
  const phaseSeconds = clamp(items / rate, 1, 10);
  return { rate, phaseSeconds, stepSeconds: clamp(items / (2 * rate), 1, 5), leadInSeconds: phaseSeconds };
}

interface PhaseResult {
  rate: number;
  sent: number;
  achievedRate: number;
  refused: number;
  failures: number;
  firstFailure?: string;
  settled: boolean;
  latencies: number[];
  /** The same items from intake's receipt of the request rather than its commit. */
  fromReceipt: number[];
  httpMs: number[];
  /** Median latency of the last fifth of arrivals over the first fifth's: a growing backlog shows here. */
  drift: { first: number; last: number };
}

/**
 * Steady arrivals: single-item shipments on a fixed schedule (open loop: a slow answer does not delay
 * the next arrival), after a lead-in at the same rate. Latency from intake's commit of the item
 * to cataloging's first transition of it (and, beside it, from intake's receipt of the request), read
 * from the tables. Then a search for the highest rate the system sustains.
 */
export async function runSteadyArrivals(ctx: ScenarioContext, plan: SteadyPlan): Promise<RunFigures> {
  const leadIn = await arrivals(ctx, plan.rate, plan.leadInSeconds, DRAIN_MS);
  ctx.log(`steady: lead-in of ${leadIn.sent} items at ${plan.rate}/s (not measured)`);
  await ctx.backlog.drain(ctx.log);
  const cpuBefore = cpuSnapshot(ctx.fleet);
  // The measured phase waits for every item, so a slow tail is in the percentiles rather than left out.
  const phase = await arrivals(ctx, plan.rate, plan.phaseSeconds, DRAIN_MS);
  await ctx.backlog.drain(ctx.log);
  const cpuAfter = cpuSnapshot(ctx.fleet);
  const latency = summarizeLatencies(phase.latencies);
  ctx.log(
    `steady: ${phase.sent} items at ${phase.achievedRate.toFixed(0)}/s of ${plan.rate}/s: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms` +
      `${phase.refused ? `; ${phase.refused} arrivals refused (${MAX_IN_FLIGHT} requests already waiting)` : ''}${phase.settled ? '' : `; took over ${SETTLE_MS / 1000} s to drain`}`,
  );
  if (phase.failures) throw new Error(`${phase.failures} of ${phase.sent + phase.failures} single-item shipments failed at ${plan.rate}/s; first: ${phase.firstFailure}`);
  if (phase.latencies.length < phase.sent) throw new Error(`only ${phase.latencies.length} of ${phase.sent} items reached the catalog within ${DRAIN_MS / 1000} s`);

  const maxSustainedRate = await highestSustainedRate(ctx, plan, sustained(phase) ? phase : null);
  return {
    'steady.achievedRate': phase.achievedRate,
    'steady.refused': phase.refused,
    'steady.p50Ms': latency.p50,
    'steady.p95Ms': latency.p95,
    'steady.p99Ms': latency.p99,
    'steady.fromReceiptP50Ms': percentile([...phase.fromReceipt].sort((a, b) => a - b), 0.5),
    'steady.fromReceiptP99Ms': percentile([...phase.fromReceipt].sort((a, b) => a - b), 0.99),
    'steady.httpP99Ms': percentile([...phase.httpMs].sort((a, b) => a - b), 0.99),
    'steady.maxSustainedRate': maxSustainedRate,
    ...cpuPer1000(cpuBefore, cpuAfter, phase.sent, 'steady'),
  };
}

/**
 * Steps the rate up by half while it holds, down while it does not, then tries once between the
 * last rate that held and the first that did not. Answers the achieved rate of the best step.
 */
async function highestSustainedRate(ctx: ScenarioContext, plan: SteadyPlan, first: PhaseResult | null): Promise<number> {
  let best = first && sustained(first) ? first.achievedRate : 0;
  let held = first ? plan.rate : null;
  let failed: number | null = first ? null : plan.rate;
  const step = async (rate: number) => {
    const result = await arrivals(ctx, rate, plan.stepSeconds, DRAIN_MS);
    const why = notSustainedBecause(result);
    const ok = why === null;
    ctx.log(`steady: ${rate.toFixed(0)}/s ${ok ? 'held' : `not sustained: ${why}`} (sent ${result.achievedRate.toFixed(0)}/s, p99 ${percentile([...result.latencies].sort((a, b) => a - b), 0.99).toFixed(0)} ms)`);
    if (ok) best = Math.max(best, result.achievedRate);
    return ok;
  };
  for (let i = 0; i < MAX_LADDER_STEPS; i++) {
    if (failed === null) {
      const next = Math.round(held! * RATE_FACTOR);
      if (next > MAX_RATE) break;
      if (await step(next)) held = next;
      else failed = next;
    } else if (held === null) {
      const next = Math.round(failed / RATE_FACTOR);
      if (next < 5) break;
      if (await step(next)) held = next;
      else failed = next;
    } else {
      const middle = Math.round((held + failed) / 2);
      if (middle > held && middle < failed) await step(middle);
      break;
    }
  }
  return best;
}

/** Sustained: every arrival taken, all reached the catalog soon after, p99 under a second, no growing lag. */
function sustained(phase: PhaseResult): boolean {
  return notSustainedBecause(phase) === null;
}

/** Why a phase does not count as sustained, for the log; null when it does. */
function notSustainedBecause(phase: PhaseResult): string | null {
  if (phase.failures) return `${phase.failures} failed`;
  if (phase.refused) return `${phase.refused} refused`;
  if (!phase.settled) return 'backlog';
  if (phase.achievedRate < 0.95 * phase.rate) return `sent only ${phase.achievedRate.toFixed(0)}/s`;
  const sorted = [...phase.latencies].sort((a, b) => a - b);
  if (percentile(sorted, 0.99) >= 1_000) return 'p99 over 1 s';
  if (phase.drift.last > 2 * phase.drift.first + 50) return `lag growing: median ${phase.drift.first.toFixed(0)} → ${phase.drift.last.toFixed(0)} ms`;
  return null;
}

async function arrivals(ctx: ScenarioContext, rate: number, seconds: number, drainMs: number): Promise<PhaseResult> {
  await ctx.backlog.drain(ctx.log);
  const total = Math.max(1, Math.round(rate * seconds));
  const itemIds: string[] = [];
  const httpMs: number[] = [];
  let inFlight = 0;
  let refused = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const requests: Promise<void>[] = [];

  const send = () => {
    inFlight++;
    const line = ctx.items.preLabelledBook();
    requests.push(
      ctx.intake
        .post<{ items: Array<{ id: string }> }>('/shipments', shipment([line]), 30_000)
        .then((res) => {
          if (res.status === 201) {
            itemIds.push(res.body.items[0].id);
            httpMs.push(res.ms);
          } else {
            failures++;
            firstFailure ??= `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
          }
        })
        .catch((error: Error) => {
          failures++;
          firstFailure ??= error.message;
        })
        .finally(() => inFlight--),
    );
  };

  const started = performance.now();
  let scheduled = 0;
  while (scheduled < total) {
    const elapsed = performance.now() - started;
    const due = Math.min(total, Math.floor((elapsed / 1000) * rate) + 1);
    while (scheduled < due) {
      scheduled++;
      if (inFlight >= MAX_IN_FLIGHT) refused++;
      else send();
    }
    if (scheduled < total) await sleep(Math.max(0, (scheduled / rate) * 1000 - (performance.now() - started)));
  }
  const sendSeconds = Math.max((performance.now() - started) / 1000, total / rate);
  await Promise.all(requests);

  // Settled: every item in the catalog within SETTLE_MS of the last answer. Then wait for stragglers,
  // giving up when nothing moves for half a minute.
  const answered = Date.now();
  let settled = false;
  let entered = -1;
  let lastProgress = Date.now();
  for (;;) {
    const now = (await ctx.measurements.catalogEntry(itemIds)).count;
    if (now >= itemIds.length) {
      settled = Date.now() - answered <= SETTLE_MS;
      break;
    }
    if (now !== entered) {
      entered = now;
      lastProgress = Date.now();
    }
    if (Date.now() - answered > drainMs || Date.now() - lastProgress > 30_000) break;
    await sleep(100);
  }
  const rows = await ctx.measurements.arrivalLatencies(itemIds);
  const fifth = Math.max(1, Math.floor(rows.length / 5));
  const medianOf = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5) || 0;
  return {
    rate,
    sent: itemIds.length,
    achievedRate: itemIds.length / sendSeconds,
    refused,
    failures,
    firstFailure,
    settled,
    latencies: rows.map((r) => r.latencyMs),
    fromReceipt: rows.map((r) => r.fromReceiptMs),
    httpMs,
    drift: {
      first: medianOf(rows.slice(0, fifth).map((r) => r.latencyMs)),
      last: medianOf(rows.slice(-fifth).map((r) => r.latencyMs)),
    },
  };
}
