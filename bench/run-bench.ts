/**
 * `npm run bench` — issue 7: a shipment end to end through the services, beside the raw limits of
 * the same PostgreSQL and RabbitMQ measured in the same runs. Prints a table and writes
 * bench/results/<date>.json and .md. `--help` lists the flags.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from 'amqplib';
import { Client } from 'pg';
import { mintDevelopmentToken } from '../libs/auth/src/development-token';
import { ensureDatabaseAndSchema } from '../libs/platform/src/database/ensure-database';
import { runReference } from './reference/reference.scenario';
import { figureDefinitions, RunFigures, ScenarioName } from './report/figures';
import { buildReport, renderText, ScenarioState, writeReport } from './report/report';
import { runBulkReceipt } from './scenarios/bulk-receipt.scenario';
import { checkMixedDay, runMixedDay } from './scenarios/mixed-day.scenario';
import { ScenarioContext } from './scenarios/scenario-context';
import { runSteadyArrivals, steadyPlan } from './scenarios/steady-arrivals.scenario';
import { Backlog } from './support/backlog';
import { ItemFactory } from './support/fixtures';
import { JsonClient } from './support/http';
import { Measurements } from './support/measurements';
import { repoRoot } from './support/repo';
import { ServiceFleet } from './support/services';
import { AMQP_URL, BenchWorld, DATABASE_URL, SERVICES, ServiceName } from './support/world';

const SCENARIOS = ['reference', 'bulk', 'steady', 'mixed'] as const;
type Selectable = (typeof SCENARIOS)[number];
const REQUIRED_SERVICES: ServiceName[] = ['intake', 'cataloging'];

const USAGE = `npm run bench [-- flags]
  --items N        items in the bulk shipment and the saturated reference run (default 10000)
  --runs N         runs; every figure is the median of the runs, with min and max (default 3)
  --rate N         steady arrivals, items/s (default 200)
  --warmup N       items received and stamped to SHELF_READY, unmeasured, before the first scenario
                   of a run, since a deployed service is warm (default a tenth of --items, at most 1000; 0: none)
  --scenarios A,B  any of ${SCENARIOS.join(',')} (default: all)
  --attach         use the services already running at their default ports and names
  --out DIR        where the .json and .md go (default bench/results)`;

interface Options {
  items: number;
  runs: number;
  rate: number;
  warmup: number;
  scenarios: Selectable[];
  attach: boolean;
  out: string;
}

const FLAGS = {
  items: { type: 'string', default: '10000' },
  runs: { type: 'string', default: '3' },
  rate: { type: 'string', default: '200' },
  warmup: { type: 'string' },
  scenarios: { type: 'string', default: SCENARIOS.join(',') },
  attach: { type: 'boolean', default: false },
  out: { type: 'string', default: join(repoRoot(), 'bench', 'results') },
  help: { type: 'boolean', default: false },
} as const;

function parseOptions(argv: string[]): Options {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof FLAGS }>>['values'];
  try {
    values = parseArgs({ args: argv, options: FLAGS }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer, got "${raw}"`);
    return n;
  };
  const scenarios = values.scenarios.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = scenarios.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length || scenarios.length === 0) fail(`--scenarios takes ${SCENARIOS.join(',')}; got "${values.scenarios}"`);
  const items = positive('items', values.items);
  const warmup = values.warmup === undefined ? Math.min(1000, Math.round(items / 10)) : Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0) fail(`--warmup must be 0 or a positive integer, got "${values.warmup}"`);
  return {
    items,
    runs: positive('runs', values.runs),
    rate: positive('rate', values.rate),
    warmup,
    scenarios: SCENARIOS.filter((s) => scenarios.includes(s)),
    attach: values.attach,
    out: values.out,
  };
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Everything to undo if the bench is interrupted: stop services, drop the world. */
const undo = new Set<() => Promise<void>>();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${signal}: cleaning up (again to quit at once)`);
    void Promise.allSettled([...undo].map((step) => step())).finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const benchId = randomBytes(3).toString('hex');
  const started = Date.now();
  const meta = {
    date: new Date(started).toISOString(),
    benchId,
    options: { ...options, out: relative(repoRoot(), options.out) || '.' },
    host: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30) },
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    versions: await versions(),
    git: gitDescription(),
  } as Record<string, unknown>;
  const selected = new Set<Selectable>(options.scenarios);
  const servicesNeeded = selected.has('bulk') || selected.has('steady') || selected.has('mixed');
  const plan = steadyPlan(options.items, options.rate);
  log(`bench ${benchId}: ${options.runs} run(s) of ${options.scenarios.join(', ')}, ${options.items} items, steady ${options.rate}/s for ${plan.phaseSeconds} s`);

  const states: Partial<Record<ScenarioName, ScenarioState>> = {};
  for (const name of options.scenarios) states[name] = { status: 'ok', notes: [] };
  if (servicesNeeded) states.resources = { status: 'ok', notes: [] };
  const failed = (name: ScenarioName, run: number, error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    log(`${name} failed in run ${run}: ${message}`);
    states[name] = { status: 'failed', notes: [...(states[name]?.notes ?? []), `run ${run}: ${message.split('\n')[0]}`] };
  };

  const runs: RunFigures[] = [];
  const runningServices = new Set<ServiceName>();
  for (let run = 1; run <= options.runs; run++) {
    const figures: RunFigures = {};
    runs.push(figures);
    if (selected.has('reference')) {
      log(`run ${run}: reference`);
      const paced = [{ rate: 1000, items: options.items }, ...(options.rate === 1000 ? [] : [{ rate: options.rate, items: Math.round(options.rate * plan.phaseSeconds) }])];
      // One retry: the reference does not reconnect, and test suites on this broker may drop every
      // connection (rabbitmqctl close_all_connections) in the middle of a run.
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          Object.assign(figures, await runReference({ id: `${benchId}r${run}a${attempt}`, items: options.items, paced }, options.rate));
          log(`run ${run}: reference ${figures['reference.unbatchedItemsPerS'].toFixed(0)} items/s saturated (${figures['reference.itemsPerS'].toFixed(0)} with stage B batched), p99 ${figures['reference.paced1000.p99Ms'].toFixed(1)} ms at 1,000/s`);
          break;
        } catch (error) {
          if (attempt === 1) log(`run ${run}: reference attempt failed, retrying once: ${(error as Error).message.split('\n')[0]}`);
          else failed('reference', run, error);
        }
      }
    }
    if (servicesNeeded) await serviceRun(run, options, benchId, plan, figures, states, failed, runningServices);
  }

  meta.durationS = Math.round((Date.now() - started) / 1000);
  meta.loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  const report = buildReport(meta, figureDefinitions([...runningServices]), runs, states);
  const stamp = new Date(started).toISOString().replace(/:/g, '-').replace(/\..*$/, '');
  const files = writeReport(report, options.out, stamp);
  process.stdout.write(`\n${renderText(report)}\n\nwritten: ${files.json}\n         ${files.markdown}\n`);
  const broken = Object.entries(states).filter(([, state]) => state.status === 'failed');
  if (broken.length) {
    process.stderr.write(`bench: ${broken.map(([name]) => name).join(', ')} failed\n`);
    process.exitCode = 1;
  }
}

async function serviceRun(
  run: number,
  options: Options,
  benchId: string,
  plan: ReturnType<typeof steadyPlan>,
  figures: RunFigures,
  states: Partial<Record<ScenarioName, ScenarioState>>,
  failed: (name: ScenarioName, run: number, error: unknown) => void,
  runningServices: Set<ServiceName>,
): Promise<void> {
  const selected = new Set(options.scenarios);
  // A fresh world per run: every run starts from empty tables and fresh processes (so peak memory is per run).
  const world = options.attach ? BenchWorld.attached() : BenchWorld.isolated(`${benchId}r${run}`);
  const fleet = new ServiceFleet(world);
  const teardown = async () => {
    await fleet.stop();
    await world.cleanup();
  };
  undo.add(teardown);
  const token = await mintDevelopmentToken({ sub: 'bench-technician', roles: ['technician'], branches: ['CEN'] });
  let ctx: ScenarioContext | undefined;
  try {
    log(`run ${run}: starting services${world.attached ? ' (attached)' : ` in world ${world.id}`}`);
    try {
      await fleet.start(REQUIRED_SERVICES);
    } catch (error) {
      for (const name of ['bulk', 'steady', 'mixed', 'resources'] as const) if (states[name]) failed(name, run, error);
      return;
    }
    // The others as they ship: they consume the same events in production, so they run here too.
    for (const name of SERVICES.filter((s) => !REQUIRED_SERVICES.includes(s) && ServiceFleet.isBuilt(s))) {
      try {
        await fleet.start([name]);
      } catch (error) {
        log(`run ${run}: ${name} did not start (${(error as Error).message.split('\n')[0]}); going on without it`);
      }
    }
    for (const name of fleet.services.keys()) runningServices.add(name);
    ctx = {
      world,
      fleet,
      intake: new JsonClient(fleet.get('intake').url, token),
      cataloging: new JsonClient(fleet.get('cataloging').url, token),
      measurements: new Measurements(world),
      backlog: new Backlog(world, () => [...fleet.services.keys()]),
      items: new ItemFactory(),
      log: (line) => log(`run ${run}: ${line}`),
    };
    await ctx.measurements.verifySchema();
    if (options.warmup > 0) {
      // The reference warms up too (reference-worker.ts): both sides are measured past their JIT start-up.
      await runBulkReceipt(ctx, options.warmup);
      ctx.log(`warm-up: ${options.warmup} items received, stamped and SHELF_READY (not measured)`);
    }

    if (selected.has('bulk')) {
      try {
        Object.assign(figures, await runBulkReceipt(ctx, options.items));
      } catch (error) {
        failed('bulk', run, error);
      }
    }
    if (selected.has('steady')) {
      try {
        Object.assign(figures, await runSteadyArrivals(ctx, plan));
      } catch (error) {
        failed('steady', run, error);
      }
    }
    if (selected.has('mixed')) {
      const readiness = await checkMixedDay(fleet);
      if (readiness.status === 'unavailable') {
        if (states.mixed?.status !== 'failed') states.mixed = { status: 'unavailable', notes: [readiness.reason] };
      } else {
        try {
          const day = await runMixedDay(ctx, options.items);
          Object.assign(figures, day.figures);
          // The figures stand, but a day that left items in the wrong status is a failed run.
          if (day.problems.length) failed('mixed', run, new Error(day.problems.join('; ')));
        } catch (error) {
          failed('mixed', run, error);
        }
      }
    }
    for (const service of fleet.services.values()) {
      if (service.monitor) figures[`resources.${service.name}.peakRssMb`] = service.monitor.peakRssMb();
    }
    if (world.attached) states.resources!.notes = ['attached: peak RSS is over each process\'s whole life, not only this bench'];
  } catch (error) {
    for (const name of ['bulk', 'steady', 'mixed', 'resources'] as const) if (states[name]) failed(name, run, error);
  } finally {
    ctx?.intake.close();
    ctx?.cataloging.close();
    await ctx?.measurements.close();
    await ctx?.backlog.close();
    await teardown();
    undo.delete(teardown);
  }
}

async function versions(): Promise<Record<string, string>> {
  const result: Record<string, string> = { node: process.version };
  try {
    // On a fresh machine the database does not exist until a service first starts.
    await ensureDatabaseAndSchema(DATABASE_URL, 'public');
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    result.postgresql = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    await client.end();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${DATABASE_URL}: ${(error as Error).message}`);
  }
  try {
    const connection = await connect(AMQP_URL);
    const properties = (connection.connection as unknown as { serverProperties?: { version?: string } }).serverProperties;
    result.rabbitmq = properties?.version ?? 'unknown';
    await connection.close();
  } catch (error) {
    throw new Error(`RabbitMQ is not reachable at ${AMQP_URL}: ${(error as Error).message}`);
  }
  return result;
}

function gitDescription(): string | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot(), encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps', 'libs'], { cwd: repoRoot(), encoding: 'utf8' }).trim() ? ' (with uncommitted changes in apps/libs)' : '';
    return commit + dirty;
  } catch {
    return undefined;
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
