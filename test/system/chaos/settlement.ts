import { DeadLetterQueue, DeadLetter } from '@app/messaging';
import { ServiceName, SystemHarness } from '../support/system-harness';
import { expectedPath, PlannedItem } from './item-plan';
import { inParallel, StaffClient, until } from './staff-client';

export const SERVICES: ServiceName[] = ['intake', 'cataloging', 'conservation', 'disposal'];
/** The retry queues the services declare with the chaos run's RETRY_DELAYS_MS. */
export const CHAOS_RETRY_DELAYS_MS = '500,2000,5000,10000';

/** Events each service wrote to its outbox, and how many are still waiting for the broker. */
export async function outboxFigures(system: SystemHarness): Promise<Record<ServiceName, { written: number; pending: number }>> {
  const figures = {} as Record<ServiceName, { written: number; pending: number }>;
  for (const service of SERVICES) {
    const [row] = await system.run.query<{ written: number; pending: number }>(
      `SELECT count(*)::int AS written, count(*) FILTER (WHERE published_at IS NULL)::int AS pending FROM "${system.run.schemaFor(service)}".outbox_message`,
    );
    figures[service] = row;
  }
  return figures;
}

/** Messages each service's inbox recorded as processed (each exactly once, whatever was redelivered). */
export async function inboxFigures(system: SystemHarness): Promise<Record<ServiceName, number>> {
  const figures = {} as Record<ServiceName, number>;
  for (const service of SERVICES) {
    const [row] = await system.run.query<{ processed: number }>(`SELECT count(*)::int AS processed FROM "${system.run.schemaFor(service)}".processed_message`);
    figures[service] = row.processed;
  }
  return figures;
}

/** Every message waiting in a service's main and retry queues. */
async function queued(system: SystemHarness, service: ServiceName): Promise<number> {
  const names = system.run.queues(service);
  const retries = CHAOS_RETRY_DELAYS_MS.split(',').map((_, i) => `${names.main}.retry.${i + 1}`);
  let total = 0;
  for (const queue of [names.main, ...retries]) total += await system.run.messageCount(queue);
  return total;
}

/** Waits until every outbox is drained and every queue (main and retry) is empty, twice in a row. */
export async function untilQuiet(system: SystemHarness, timeoutMs = 300_000): Promise<void> {
  let state = '';
  let quietOnce = false;
  await until(() => `the system to fall quiet: ${state}`, async () => {
    const outboxes = await outboxFigures(system);
    const queues: Record<string, number> = {};
    for (const service of SERVICES) queues[service] = await queued(system, service).catch(() => -1);
    const pending = SERVICES.filter((s) => outboxes[s].pending > 0 || queues[s] !== 0);
    state = SERVICES.map((s) => `${s}: outbox ${outboxes[s].pending} pending, queues ${queues[s]}`).join('; ');
    // Twice, a moment apart: a message between a queue and its handler's commit shows in neither.
    const quiet = pending.length === 0;
    const settled = quiet && quietOnce;
    quietOnce = quiet;
    return settled;
  }, timeoutMs, 1_000);
}

/**
 * What a failed run leaves behind, for its log: each service's unpublished outbox rows (and how many
 * of them are leased to a relay), its queued messages, and its dead letters.
 */
export async function describeBacklog(system: SystemHarness): Promise<string> {
  const lines: string[] = [];
  for (const service of SERVICES) {
    const [outbox] = await system.run.query<{ pending: number; leased: number; oldest: string | null }>(
      `SELECT count(*)::int AS pending, count(*) FILTER (WHERE locked_until > now())::int AS leased, min(created_at)::text AS oldest
         FROM "${system.run.schemaFor(service)}".outbox_message WHERE published_at IS NULL`,
    );
    const waiting = await queued(system, service).catch((error: Error) => `unreadable (${error.message})`);
    const letters = await deadLetters(system, service).catch(() => []);
    lines.push(`${service}: outbox ${outbox.pending} pending (${outbox.leased} leased, oldest ${outbox.oldest ?? '-'}), queued ${waiting}, dead letters ${letters.length}`);
    for (const letter of letters.slice(0, 5)) lines.push(`  dead letter ${letter.type} [${letter.kind}] ${letter.reason}`);
  }
  return lines.join('\n');
}

export async function deadLetters(system: SystemHarness, service: ServiceName): Promise<DeadLetter[]> {
  const dlq = new DeadLetterQueue(() => system.run.channel(), system.run.queues(service).deadLetter);
  return dlq.list(50);
}

export interface HistoryProblem {
  barcode: string;
  expected: string[];
  actual: string[];
  problem: string;
}

interface HistoryEntry {
  version: number;
  from: string | null;
  to: string;
  eventId: string;
}

/**
 * Reads every item's history from cataloging and compares it with the item's path: each transition
 * exactly once, in order, chained (each `from` is the previous `to`), versions rising, no causing
 * event used twice.
 */
export async function historyProblems(client: StaffClient, token: string, items: PlannedItem[]): Promise<HistoryProblem[]> {
  const problems: HistoryProblem[] = [];
  await inParallel(items, 8, async (item) => {
    const history = await client.read<HistoryEntry[]>('cataloging', `/items/${item.barcode}/history`, token);
    const expected = expectedPath(item);
    const actual = history.map((h) => h.to);
    // The receipt's two steps (null → RECEIVED → next) share the intake event; every later step has its own.
    const causes = history.slice(1).map((h) => h.eventId);
    const problem =
      actual.join() !== expected.join() ? 'path differs'
      : history.some((h, i) => h.from !== (i === 0 ? null : history[i - 1].to)) ? 'from/to chain broken'
      : history.some((h, i) => i > 0 && h.version <= history[i - 1].version) ? 'versions do not rise'
      : new Set(causes).size !== causes.length ? 'an event caused two transitions'
      : null;
    if (problem) problems.push({ barcode: item.barcode, expected, actual, problem });
  });
  return problems;
}

/** Items whose version in a service's read model differs from the catalog's (the view lags or ran ahead). */
export async function readModelLag(system: SystemHarness, service: 'conservation' | 'disposal', catalog: Map<string, { version: number; status: string }>): Promise<string[]> {
  const idColumn = service === 'conservation' ? 'id' : 'item_id';
  const rows = await system.run.query<{ barcode: string; status: string; version: number }>(
    `SELECT barcode, status, version FROM "${system.run.schemaFor(service)}".item_view WHERE ${idColumn} IS NOT NULL`,
  );
  const seen = new Map(rows.map((r) => [r.barcode, r]));
  const lag: string[] = [];
  for (const [barcode, item] of catalog) {
    const view = seen.get(barcode);
    if (!view || view.version !== item.version || view.status !== item.status) {
      lag.push(`${barcode}: catalog ${item.status} v${item.version}, ${service} ${view ? `${view.status} v${view.version}` : 'unknown'}`);
    }
  }
  return lag;
}
