import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round, spread } from '../support/stats';
import { MIXED_SHARES, MIXED_STAFF, MixedActivity } from '../scenarios/mixed-day.plan';
import { FigureDefinition, RunFigures, ScenarioName } from './figures';

const pct = (activity: MixedActivity) => `${Math.round(MIXED_SHARES[activity] * 100)}%`;

export type ScenarioStatus = 'ok' | 'failed' | 'unavailable' | 'not-implemented';

export interface ScenarioState {
  status: ScenarioStatus;
  /** Why it is unavailable, not implemented, or what failed (one line per failed run). */
  notes: string[];
}

export interface FigureReport {
  key: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** One value per run that measured it, in run order. */
  runs: number[];
  median: number;
  min: number;
  max: number;
  /** The raw figure beside it, when the reference ran. */
  reference: { key: string; median: number } | null;
  /** Ours ÷ raw on the medians; null when the figure has no raw counterpart or the reference did not run. */
  ratio: number | null;
  target: { text: string; met: boolean | null } | null;
}

export interface BenchReport {
  meta: Record<string, unknown>;
  scenarios: Partial<Record<ScenarioName, ScenarioState & { figures: FigureReport[] }>>;
  targets: Array<{ figure: string; label: string; text: string; median: number; met: boolean | null }>;
}

export function buildReport(meta: Record<string, unknown>, definitions: FigureDefinition[], runs: RunFigures[], states: Partial<Record<ScenarioName, ScenarioState>>): BenchReport {
  const figures = new Map<string, FigureReport>();
  for (const definition of definitions) {
    const values = runs.map((run) => run[definition.from ?? definition.key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length === 0) continue;
    const { median, min, max } = spread(values);
    figures.set(definition.key, {
      key: definition.key,
      label: definition.label,
      unit: definition.unit,
      better: definition.better,
      runs: values.map((v) => round(v, 4)),
      median: round(median, 4),
      min: round(min, 4),
      max: round(max, 4),
      reference: null,
      ratio: null,
      target: null,
    });
  }
  const targets: BenchReport['targets'] = [];
  for (const definition of definitions) {
    const figure = figures.get(definition.key);
    if (!figure) continue;
    const raw = definition.reference ? figures.get(definition.reference) : undefined;
    if (raw) {
      figure.reference = { key: raw.key, median: raw.median };
      figure.ratio = raw.median > 0 ? round(figure.median / raw.median, 3) : null;
    } else if (definition.scenario === 'reference') {
      figure.ratio = 1;
    }
    if (definition.target) {
      const met = definition.target.met(figure.median, raw ? raw.median : null);
      figure.target = { text: definition.target.text, met };
      targets.push({ figure: figure.key, label: figure.label, text: definition.target.text, median: figure.median, met });
    }
  }
  const scenarios: BenchReport['scenarios'] = {};
  for (const [name, state] of Object.entries(states) as Array<[ScenarioName, ScenarioState]>) {
    const own = definitions.filter((d) => d.scenario === name).map((d) => figures.get(d.key)).filter((f): f is FigureReport => !!f);
    scenarios[name] = { ...state, figures: own };
  }
  return { meta, scenarios, targets };
}

const TITLES: Record<ScenarioName, string> = {
  reference: '1. Reference, raw (pg + amqplib, same guarantees)',
  bulk: '2. Bulk receipt',
  steady: '3. Steady arrivals',
  mixed: '4. Mixed day',
  resources: '5. Memory and CPU per service',
};

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  // Counts (operations, items, mismatches) read as counts.
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function targetCell(figure: FigureReport): string {
  if (!figure.target) return '';
  const verdict = figure.target.met === null ? 'n/a' : figure.target.met ? 'met' : 'MISSED';
  return `${figure.target.text}: ${verdict}`;
}

const HEADER = ['figure', 'unit', 'median', 'min', 'max', 'raw', 'ours÷raw', 'target'];

function rows(report: BenchReport): Array<{ scenario: ScenarioName; state: ScenarioState; cells: string[][] }> {
  return (Object.entries(report.scenarios) as Array<[ScenarioName, ScenarioState & { figures: FigureReport[] }]>).map(([scenario, state]) => ({
    scenario,
    state,
    cells: state.figures.map((f) => [
      f.label,
      f.unit,
      formatNumber(f.median),
      formatNumber(f.min),
      formatNumber(f.max),
      f.reference ? formatNumber(f.reference.median) : '',
      f.ratio === null || f.key.startsWith('reference.') ? '' : `${f.ratio.toFixed(2)}×`,
      targetCell(f),
    ]),
  }));
}

/** The table for the terminal. */
export function renderText(report: BenchReport): string {
  const sections = rows(report);
  const all = [HEADER, ...sections.flatMap((s) => s.cells)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 1 || i === 7 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out: string[] = [line(HEADER), widths.map((w) => '─'.repeat(w)).join('  ')];
  for (const section of sections) {
    out.push('', `${TITLES[section.scenario]}${section.state.status === 'ok' ? '' : ` — ${section.state.status.toUpperCase()}`}`);
    for (const note of section.state.notes) out.push(`  ${note}`);
    for (const cells of section.cells) out.push(line(cells));
  }
  return out.join('\n');
}

/** The same, as Markdown, with how it was measured. */
export function renderMarkdown(report: BenchReport): string {
  const meta = report.meta as { date: string; options: Record<string, unknown>; host: Record<string, unknown>; versions: Record<string, unknown>; git?: string; durationS?: number; loadAverage?: unknown };
  const out: string[] = [
    `# Benchmark ${meta.date}`,
    '',
    `Machine: ${meta.host.cpus} × ${meta.host.cpuModel}, ${meta.host.memoryGb} GB; load average at start ${JSON.stringify(meta.loadAverage)}.`,
    `Versions: ${Object.entries(meta.versions).map(([k, v]) => `${k} ${v}`).join(', ')}. Commit ${meta.git ?? 'unknown'}.`,
    `Options: ${Object.entries(meta.options).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`).join(' ')}. Took ${meta.durationS} s.`,
    '',
    'Each figure is the median of the runs, with min and max; "raw" is the reference pipeline measured in the same runs, and ours÷raw compares the medians.',
    '',
  ];
  for (const section of rows(report)) {
    out.push(`## ${TITLES[section.scenario]}${section.state.status === 'ok' ? '' : ` — ${section.state.status}`}`, '');
    for (const note of section.state.notes) out.push(`> ${note}`, '');
    if (section.cells.length) {
      out.push(`| ${HEADER.join(' | ')} |`, `|${HEADER.map((_, i) => (i < 2 || i === 7 ? ' --- ' : ' ---: ')).join('|')}|`);
      for (const cells of section.cells) out.push(`| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
      out.push('');
    }
  }
  out.push(
    '## How it is measured',
    '',
    '- Reference: stage A commits an item row and an outbox row per item (500 per transaction when saturated; whatever has arrived when paced); a relay claims outbox rows with `FOR UPDATE SKIP LOCKED`, publishes them persistent on a confirm channel, waits for the confirms and marks them sent; stage B consumes a quorum queue (prefetch 400), records each message id in an inbox and updates its item in one transaction, and acks after the commit — one message per transaction, as the issue defines the reference (its bulk target of 40 % is set against this one), and again batched (up to 200 deliveries per transaction, as our consumers batch) as a stricter yardstick beside it; the paced latency runs use the batched consumer (at those rates its batches are a few messages). Latency is `clock_timestamp()` of stage B\'s transaction minus stage A\'s, read from the item rows. It runs in its own process, so its CPU and memory are measured like a service\'s. Its AMQP socket sets TCP_NODELAY (amqplib leaves Nagle on).',
    '- Services run from `dist/` as real processes in a world of their own (schemas `bench_<id>_<service>`, exchange `bench.<id>.events`, queue prefix `bench.<id>.`), fresh for every run and dropped afterwards; `--attach` uses running services instead. Before a run\'s first scenario they take a warm-up shipment, not measured (`--warmup`, by default a tenth of N and at most 1,000 items, received, stamped and SHELF_READY): a deployed service is long past its JIT start-up, and the reference warms up the same way (500 items before it measures).',
    '- Bulk receipt: one `POST /shipments` of N pre-labelled books (only `stamp` pending), then `POST /steps` carts of 500 one after another; "all SHELF_READY" is the last `item_status_history.at` of the shipment\'s items, from the moment the POST was sent.',
    '- Steady arrivals: single-item shipments on a fixed schedule (open loop); latency from intake\'s `item.created_at` to cataloging\'s first `item_status_history.at` of the item, read from the tables. The highest sustained rate is searched in steps of ×1.5 (then once between the last rate that held and the first that did not): sustained means every arrival answered 201, all in the catalog within 5 s of the last, p99 under 1 s and no growing lag.',
    `- Mixed day: one shipment of a fifth of N books (100 to 2,000), received, stamped and shelved, then split in disjoint parts that are put where their activity starts (not measured): on the shelf (pulls ${pct('pulls')}, weeding ${pct('weeding')}), IN_REPAIR (repairs ${pct('repairs')}), AWAITING_BINDERY (bindery ${pct('bindery')}), WITHDRAWN (sales ${pct('sales')}). Then all five activities at once, closed loop (${MIXED_STAFF}). A third of the pulls are for binding and every tenth is not found; every tenth repair is condemned and one in ten sent to the bindery, every tenth weeding candidate kept, every tenth sale reported twice. Call times are as the client saw them; an effect's time runs from the moment its request was sent to cataloging's \`item_status_history.at\` of the new status. The bindery returns its books once the catalog shows them AT_BINDERY, so its operations/s include that wait. Mismatches: items whose status in cataloging's API is not the one their path ends in. CPU is per 1,000 operations.`,
    '- Memory: peak resident set (VmHWM) of each service process over its run. CPU: utime+stime from `/proc/<pid>/stat` over the scenario, per 1,000 items. PostgreSQL\'s and RabbitMQ\'s own CPU is not counted (on either side).',
    '',
  );
  return out.join('\n');
}

export function writeReport(report: BenchReport, dir: string, stamp: string): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${stamp}.json`);
  const markdown = join(dir, `${stamp}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, renderMarkdown(report));
  return { json, markdown };
}
