import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { BranchRegistry } from '@app/platform';
import { periodBounds } from '../common/period';
import { RevenueReportQuery } from './revenue-report.query';

export interface RevenueLine {
  itemsSold: number;
  /** Sum of sale prices, a decimal string; amounts in different currencies are never added up. */
  gross: string;
  currency: string;
}

export interface RevenueReport {
  branches: string[] | 'all';
  from: string | null;
  to: string | null;
  itemsSold: number;
  /** By month (UTC, `YYYY-MM`) and channel, in month order. */
  months: Array<RevenueLine & { month: string; channel: string }>;
  byChannel: Array<RevenueLine & { channel: string }>;
  totals: RevenueLine[];
}

interface Row {
  month?: string;
  channel?: string;
  currency: string;
  items_sold: number;
  gross: string;
}

const line = (row: Row): RevenueLine => ({ itemsSold: row.items_sold, gross: row.gross, currency: row.currency });

/** Revenue from reported sales, per branch and period: sums are done by PostgreSQL on numeric, so they are exact. */
@Injectable()
export class RevenueReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly branches: BranchRegistry,
  ) {}

  async report(query: RevenueReportQuery, user: AuthenticatedUser): Promise<RevenueReport> {
    const branches = this.branches.listBranches(user, query.branch);
    const { from, toExclusive } = periodBounds(query.from, query.to);
    if (from && toExclusive && from >= toExclusive) throw new BadRequestException('to: must not be before from');
    const params: unknown[] = [branches, from, toExclusive];
    const where = `($1::text[] IS NULL OR branch = ANY($1::text[])) AND ($2::timestamptz IS NULL OR sold_at >= $2) AND ($3::timestamptz IS NULL OR sold_at < $3)`;
    const sum = `count(*)::int AS items_sold, sum(price)::numeric(14,2)::text AS gross`;
    const month = `to_char(sold_at AT TIME ZONE 'UTC', 'YYYY-MM')`;
    const [months, byChannel, totals]: Row[][] = await Promise.all([
      this.dataSource.query(`SELECT ${month} AS month, channel, currency, ${sum} FROM sale WHERE ${where} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, params),
      this.dataSource.query(`SELECT channel, currency, ${sum} FROM sale WHERE ${where} GROUP BY 1, 2 ORDER BY 1, 2`, params),
      this.dataSource.query(`SELECT currency, ${sum} FROM sale WHERE ${where} GROUP BY 1 ORDER BY 1`, params),
    ]);
    return {
      branches: branches ?? 'all',
      from: query.from ?? null,
      to: query.to ?? null,
      itemsSold: totals.reduce((n, row) => n + row.items_sold, 0),
      months: months.map((row) => ({ month: row.month!, channel: row.channel!, ...line(row) })),
      byChannel: byChannel.map((row) => ({ channel: row.channel!, ...line(row) })),
      totals: totals.map(line),
    };
  }
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The same report as CSV: one line per month and channel, then per channel (`month` = total), then per currency. */
export function revenueReportCsv(report: RevenueReport): string {
  const lines = [['month', 'channel', 'currency', 'items_sold', 'gross']];
  for (const row of report.months) lines.push([row.month, row.channel, row.currency, String(row.itemsSold), row.gross]);
  for (const row of report.byChannel) lines.push(['total', row.channel, row.currency, String(row.itemsSold), row.gross]);
  for (const row of report.totals) lines.push(['total', 'all', row.currency, String(row.itemsSold), row.gross]);
  return `${lines.map((fields) => fields.map(csvField).join(',')).join('\r\n')}\r\n`;
}
