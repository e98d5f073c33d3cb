import { Injectable } from '@nestjs/common';
import { ITEM_STATUSES, ItemStatus } from '@app/contracts';
import { ConsoleSession } from '../session/console-session';
import { ServiceClient, ServiceError } from '../upstream/service-client';

export interface QueueCounts {
  branch: string;
  processing: number;
  callNumbers: number;
  shelving: number;
  pulls: number;
  repairs: number;
  awaitingBindery: number;
  weeding: number;
  listings: number;
}

export interface LotDue {
  lotNumber: string;
  branch: string;
  vendor: string;
  lineCount: number;
  returnedCount: number;
  expectedReturnAt: string | null;
  overdue: boolean;
}

export interface RevenueMonth {
  month: string;
  itemsSold: number;
  gross: string;
  currency: string;
}

/** Each part of the overview stands alone: one service down leaves the others on the page. */
export type Part<T> = { ok: true; value: T } | { ok: false; error: ServiceError };

export interface Overview {
  branches: string[];
  statuses: Part<Record<string, Record<ItemStatus, number>>>;
  queues: Part<QueueCounts[]>;
  lots: Part<LotDue[]>;
  revenue: Part<RevenueMonth[]>;
}

/** Runs `task` over `items`, at most `limit` at a time (the services share two cores with us). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function part<T>(work: () => Promise<T>): Promise<Part<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ServiceError) return { ok: false, error };
    throw error;
  }
}

/** Counts and sums for the overview, all read with the person's token and limited to their branches. */
@Injectable()
export class OverviewService {
  constructor(private readonly services: ServiceClient) {}

  async load(session: ConsoleSession): Promise<Overview> {
    const branches = session.branches;
    const [statuses, queues, lots, revenue] = await Promise.all([
      part(() => this.statusCounts(branches, session.token)),
      part(() => mapLimit(branches, 2, (branch) => this.queueCounts(branch, session.token))),
      part(() => this.lotsOut(session.token)),
      part(() => this.revenue(session.token)),
    ]);
    return { branches, statuses, queues, lots, revenue };
  }

  private async statusCounts(branches: string[], token: string): Promise<Record<string, Record<ItemStatus, number>>> {
    const pairs = branches.flatMap((branch) => ITEM_STATUSES.map((status) => [branch, status] as const));
    const counts = await mapLimit(pairs, 6, ([branch, status]) => this.services.count('cataloging', `/items?branch=${branch}&status=${status}`, token));
    const result: Record<string, Record<ItemStatus, number>> = {};
    pairs.forEach(([branch, status], i) => {
      result[branch] ??= {} as Record<ItemStatus, number>;
      result[branch][status] = counts[i];
    });
    return result;
  }

  private async queueCounts(branch: string, token: string): Promise<QueueCounts> {
    const b = encodeURIComponent(branch);
    const count = (service: Parameters<ServiceClient['count']>[0], path: string) => this.services.count(service, path, token);
    const [processing, callNumbers, shelving, conservationPulls, weedingPulls, repairs, awaitingBindery, runs, listings] = await Promise.all([
      count('intake', `/items?branch=${b}&pending=true`),
      count('cataloging', `/call-number-queue?branch=${b}`),
      count('cataloging', `/shelving-list?branch=${b}`),
      count('conservation', `/pull-list?branch=${b}`),
      count('disposal', `/pull-list?branch=${b}`),
      count('conservation', `/repairs?branch=${b}&status=open`),
      count('cataloging', `/items?branch=${b}&status=AWAITING_BINDERY`),
      this.services.all<{ open: boolean; counts: Record<string, number> }>('disposal', `/weeding-runs?branch=${b}`, token, 200),
      count('disposal', `/listings?branch=${b}&status=active`),
    ]);
    const weeding = runs.filter((run) => run.open).reduce((sum, run) => sum + (run.counts.proposed ?? 0), 0);
    return { branch, processing, callNumbers, shelving, pulls: conservationPulls + weedingPulls, repairs, awaitingBindery, weeding, listings };
  }

  private async lotsOut(token: string): Promise<LotDue[]> {
    const lots = await this.services.all<{ lotNumber: string; branch: string; vendor: { name: string }; lineCount: number; returnedCount: number; expectedReturnAt: string | null; overdue: boolean }>(
      'conservation',
      '/bindery/shipments?status=dispatched',
      token,
    );
    return lots
      .map((lot) => ({ lotNumber: lot.lotNumber, branch: lot.branch, vendor: lot.vendor.name, lineCount: lot.lineCount, returnedCount: lot.returnedCount, expectedReturnAt: lot.expectedReturnAt, overdue: lot.overdue }))
      .sort((a, b) => (a.expectedReturnAt ?? '').localeCompare(b.expectedReturnAt ?? ''));
  }

  /** Gross revenue per month (all channels together), per currency, oldest month first. */
  private async revenue(token: string): Promise<RevenueMonth[]> {
    const report = await this.services.get<{ months: Array<{ month: string; channel: string; itemsSold: number; gross: string; currency: string }> }>('disposal', '/reports/revenue', token);
    const byMonth = new Map<string, RevenueMonth & { cents: number }>();
    for (const row of report.months) {
      const key = `${row.month}|${row.currency}`;
      const entry = byMonth.get(key) ?? { month: row.month, currency: row.currency, itemsSold: 0, gross: '0.00', cents: 0 };
      entry.itemsSold += row.itemsSold;
      entry.cents += toCents(row.gross);
      entry.gross = fromCents(entry.cents);
      byMonth.set(key, entry);
    }
    return [...byMonth.values()].sort((a, b) => a.month.localeCompare(b.month) || a.currency.localeCompare(b.currency)).map(({ cents: _cents, ...month }) => month);
  }
}

/** Money stays exact: decimal strings → integer cents → decimal strings. */
export function toCents(amount: string): number {
  const [whole, fraction = ''] = amount.split('.');
  const sign = whole.startsWith('-') ? -1 : 1;
  return sign * (Math.abs(Number(whole)) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2)));
}

export function fromCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
