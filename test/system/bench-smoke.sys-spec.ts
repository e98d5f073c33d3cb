import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIXED_ACTIVITIES } from '../../bench/scenarios/mixed-day.plan';

/**
 * Keeps `npm run bench` from rotting: the built benchmark runs in small mode (200 items, one run)
 * and must complete with well-formed figures. Never a timing: the machine is shared and noisy.
 * Widen or narrow with BENCH_SMOKE_SCENARIOS (the bench's --scenarios).
 */
const ROOT = join(__dirname, '../..');
const SCENARIOS = (process.env.BENCH_SMOKE_SCENARIOS ?? 'reference,bulk,steady,mixed').split(',');
/** Scenarios that may report instead of run when the services they need are not built. */
const MAY_BE_PENDING: Record<string, string[]> = { mixed: ['unavailable'] };

interface Figure {
  key: string;
  label: string;
  runs: number[];
  median: number;
  min: number;
  max: number;
  reference: { key: string; median: number } | null;
  ratio: number | null;
  target: { text: string; met: boolean | null } | null;
}

describe('the benchmark in small mode (system)', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  let exit: { code: number | null; output: string };
  let written: { meta: Record<string, unknown>; scenarios: Record<string, { status: string; notes: string[]; figures: Figure[] }>; targets: unknown[] };

  beforeAll(async () => {
    const main = join(ROOT, 'dist/bench/run-bench.js');
    if (!existsSync(main)) throw new Error('the smoke test runs the built bench: `npm run build` first (npm test does)');
    exit = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [main, '--items', '200', '--runs', '1', '--scenarios', SCENARIOS.join(','), '--out', out], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/library_test' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, output }));
    });
    const json = readdirSync(out).find((name) => name.endsWith('.json'));
    if (json) written = JSON.parse(readFileSync(join(out, json), 'utf8'));
  }, 280_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const results = () => {
    if (!written) throw new Error(`bench wrote no JSON (exit ${exit.code}):\n${exit.output.slice(-4000)}`);
    return written;
  };

  it('completes and writes its results as JSON and Markdown', () => {
    if (exit.code !== 0) throw new Error(`bench exited with ${exit.code}:\n${exit.output.slice(-4000)}`);
    const files = readdirSync(out);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.md'))).toHaveLength(1);
    expect(results().meta).toEqual(expect.objectContaining({ date: expect.any(String), options: expect.objectContaining({ items: 200, runs: 1 }) }));
  });

  it('reports every scenario it was asked for, and memory and CPU whenever services ran', () => {
    const expected = [...SCENARIOS];
    if (SCENARIOS.includes('bulk') || SCENARIOS.includes('steady') || SCENARIOS.includes('mixed')) expected.push('resources');
    expect(Object.keys(results().scenarios).sort()).toEqual(expected.sort());
    for (const [name, scenario] of Object.entries(results().scenarios)) {
      const allowed = ['ok', ...(MAY_BE_PENDING[name] ?? [])];
      if (!allowed.includes(scenario.status)) throw new Error(`${name} is ${scenario.status}: ${scenario.notes.join('; ')}`);
      if (scenario.status === 'ok') expect(scenario.figures.length).toBeGreaterThan(0);
      else expect(scenario.notes.join(' ')).not.toBe('');
    }
  });

  it('gives every figure a median, min and max of its runs, and a ratio to the reference where it has one', () => {
    const figures = Object.values(results().scenarios).flatMap((s) => s.figures);
    for (const figure of figures) {
      const where = `${figure.key}: ${JSON.stringify(figure)}`;
      for (const value of [figure.median, figure.min, figure.max, ...figure.runs]) {
        if (!(Number.isFinite(value) && value >= 0)) throw new Error(`not a non-negative number in ${where}`);
      }
      expect(figure.runs).toHaveLength(1);
      expect(figure.min).toBeLessThanOrEqual(figure.median);
      expect(figure.median).toBeLessThanOrEqual(figure.max);
      expect(figure).toHaveProperty('ratio');
      if (figure.ratio !== null && !(Number.isFinite(figure.ratio) && figure.ratio >= 0)) throw new Error(`bad ratio in ${where}`);
      if (SCENARIOS.includes('reference') && figure.reference) expect(typeof figure.ratio).toBe('number');
    }
    if (SCENARIOS.includes('reference') && SCENARIOS.includes('bulk')) {
      // The target compares with the reference (stage B one message per transaction); the same
      // figure also stands beside the batched reference.
      const endToEnd = figures.find((f) => f.key === 'bulk.itemsPerS');
      expect(endToEnd?.reference?.key).toBe('reference.unbatchedItemsPerS');
      expect(endToEnd?.target?.text).toBe('≥ 40% of raw');
      const besideBatched = figures.find((f) => f.key === 'bulk.itemsPerSBesideBatched');
      expect(besideBatched?.reference?.key).toBe('reference.itemsPerS');
      expect(besideBatched?.median).toBe(endToEnd?.median);
    }
  });

  it('times steady arrivals from intake\'s commit, and from its receipt of the request beside it', () => {
    const steady = results().scenarios.steady;
    if (!steady || steady.status !== 'ok') return; // not asked for
    const figure = (key: string) => steady.figures.find((f) => f.key === key)!;
    // Every item is received before it is committed, so each percentile from receipt is at least the one from commit.
    for (const q of ['50', '99']) {
      expect(figure(`steady.fromReceiptP${q}Ms`).median).toBeGreaterThanOrEqual(figure(`steady.p${q}Ms`).median);
    }
    expect(figure('steady.p99Ms').label).toBe('intake commit → catalog status, p99');
    expect(figure('steady.p50Ms').median).toBeGreaterThan(0);
  });

  it('times the bulk POST to its status line and to its whole answer, the first no later than the second', () => {
    const bulk = results().scenarios.bulk;
    if (!bulk || bulk.status !== 'ok') return; // not asked for
    const figure = (key: string) => bulk.figures.find((f) => f.key === key)!;
    expect(figure('bulk.timeToStatusLineS').median).toBeGreaterThan(0);
    expect(figure('bulk.timeToStatusLineS').max).toBeLessThanOrEqual(figure('bulk.timeTo201S').max);
    expect(figure('bulk.timeToStatusLineS').median).toBeLessThanOrEqual(figure('bulk.timeTo201S').median);
  });

  it('works every activity of the mixed day and leaves each item in the status its path ends in', () => {
    const mixed = results().scenarios.mixed;
    if (!mixed || mixed.status !== 'ok') return; // not asked for, or reported unavailable above
    const figure = (key: string) => mixed.figures.find((f) => f.key === key);
    for (const activity of MIXED_ACTIVITIES) {
      expect(figure(`mixed.${activity}.ops`)?.median).toBeGreaterThan(0);
      expect(figure(`mixed.${activity}.opsPerS`)).toBeDefined();
    }
    expect(figure('mixed.mismatches')?.median).toBe(0);
    expect(results().scenarios.resources?.figures.map((f) => f.key)).toContain('resources.all.cpuPer1000.mixed');
  });
});
