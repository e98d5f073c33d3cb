import { ITEM_STATUSES } from '@app/contracts';
import { html, SafeHtml } from '../pages/html';
import { Layout } from '../pages/layout';
import { errorPanel } from '../pages/panels';
import { statusLabel } from '../pages/vocabulary';
import { barChart, stackedBar, swatch } from './charts';
import { Overview, Part, QueueCounts } from './overview.service';

const QUEUE_ROWS: ReadonlyArray<[keyof Omit<QueueCounts, 'branch'>, string, string]> = [
  ['processing', 'Processing steps to do', '/scan'],
  ['callNumbers', 'Call numbers to assign', '/queues/call-numbers'],
  ['shelving', 'To shelve', '/queues/shelving'],
  ['pulls', 'To pull', '/queues/pulls'],
  ['repairs', 'Open repairs', '/queues/repairs'],
  ['awaitingBindery', 'Waiting for the bindery', '/queues/bindery'],
  ['weeding', 'Weeding decisions', '/queues/weeding'],
  ['listings', 'On sale', '/queues/listings'],
];

function section<T>(part: Part<T>, what: string, render: (value: T) => SafeHtml, forbidden?: string): SafeHtml {
  if (part.ok) return render(part.value);
  if (part.error.status === 403) return html`<p class="help">${forbidden ?? `${what} needs a role you do not have.`}</p>`;
  return errorPanel(part.error, `Could not load ${what.toLowerCase()}`);
}

function daysFrom(iso: string, now: Date): number {
  return Math.round((Date.parse(iso) - now.getTime()) / 86_400_000);
}

export function overviewPage(overview: Overview, layout: Layout, now = new Date()): SafeHtml {
  const statuses = section(overview.statuses, 'Items per status', (counts) => {
    const used = ITEM_STATUSES.filter((status) => overview.branches.some((b) => (counts[b]?.[status] ?? 0) > 0));
    return html`
      <ul class="stacks">
        ${overview.branches.map((branch) => {
          const total = ITEM_STATUSES.reduce((sum, s) => sum + (counts[branch]?.[s] ?? 0), 0);
          return html`<li><span class="bar-label">${branch} — ${layout.branchName(branch)} <span class="muted">(${total})</span></span>
            ${stackedBar(ITEM_STATUSES.map((s) => ({ key: s, label: statusLabel(s), value: counts[branch]?.[s] ?? 0 })), `${layout.branchName(branch)}`)}</li>`;
        })}
      </ul>
      ${used.length ? html`<ul class="legend" aria-label="Legend">${used.map((s) => html`<li>${swatch(s)} ${statusLabel(s)}</li>`)}</ul>` : html`<p class="empty">No items yet.</p>`}
      <div class="table-wrap"><table id="status-table">
        <caption>Items per status and branch</caption>
        <thead><tr><th scope="col">Status</th>${overview.branches.map((b) => html`<th scope="col" class="num">${b}</th>`)}</tr></thead>
        <tbody>${ITEM_STATUSES.map((s) => html`<tr data-status="${s}"><th scope="row">${statusLabel(s)}</th>${overview.branches.map((b) => html`<td class="num">${counts[b]?.[s] ?? 0}</td>`)}</tr>`)}</tbody>
      </table></div>`;
  });

  const queues = section(overview.queues, 'Work waiting', (rows) => {
    const totals = QUEUE_ROWS.map(([key, label]) => ({ label, value: rows.reduce((sum, r) => sum + r[key], 0) }));
    return html`${barChart(totals, `Work waiting in ${overview.branches.join(', ')}`)}
      ${rows.length > 1
        ? html`<div class="table-wrap"><table><caption>Work waiting per branch</caption>
          <thead><tr><th scope="col">Queue</th>${rows.map((r) => html`<th scope="col" class="num">${r.branch}</th>`)}</tr></thead>
          <tbody>${QUEUE_ROWS.map(([key, label, href]) => html`<tr><th scope="row"><a href="${href}">${label}</a></th>${rows.map((r) => html`<td class="num">${r[key]}</td>`)}</tr>`)}</tbody></table></div>`
        : html`<p class="no-print">${QUEUE_ROWS.filter(([, , href]) => href !== '/scan').map(([, label, href]) => html`<a class="chip" href="${href}?branch=${rows[0]?.branch ?? ''}">${label}</a> `)}</p>`}`;
  });

  const lots = section(overview.lots, 'Bindery lots', (rows) => {
    const max = Math.max(1, ...rows.map((r) => Math.abs(daysFrom(r.expectedReturnAt ?? now.toISOString(), now))));
    return barChart(
      rows.map((lot) => {
        const days = lot.expectedReturnAt ? daysFrom(lot.expectedReturnAt, now) : 0;
        return {
          label: `${lot.lotNumber} · ${lot.vendor} · ${lot.returnedCount}/${lot.lineCount} back`,
          value: Math.abs(days),
          display: lot.overdue ? `${Math.abs(days)} days late` : `due in ${days} days (${lot.expectedReturnAt?.slice(0, 10) ?? '?'})`,
          tone: lot.overdue ? 'tone-alert' : 'tone-main',
          note: lot.overdue ? 'Overdue' : undefined,
        };
      }),
      'Lots at the bindery, by the day they are due back',
      { max, empty: 'No lots are out at the bindery.' },
    );
  });

  const revenue = section(overview.revenue, 'Revenue', (months) => {
    const max = Math.max(0, ...months.map((m) => Number(m.gross)));
    return barChart(
      months.map((m) => ({ label: m.month, value: Number(m.gross), display: `${m.gross} ${m.currency} · ${m.itemsSold} sold`, tone: 'tone-money' })),
      'Revenue from sales by month',
      { max, empty: 'No sales reported yet.' },
    );
  }, 'Revenue reports are for librarians: sign in as one to see them.');

  return html`<h1>Overview</h1>
    <p class="help">Your branches: ${overview.branches.join(', ')}. <a href="/overview" class="no-print">Refresh</a></p>
    <div class="overview-grid">
      <section aria-labelledby="ov-status" class="panel wide"><h2 id="ov-status">Items per status</h2>${statuses}</section>
      <section aria-labelledby="ov-queues" class="panel"><h2 id="ov-queues">Work waiting</h2>${queues}</section>
      <section aria-labelledby="ov-lots" class="panel"><h2 id="ov-lots">Bindery lots out</h2>${lots}</section>
      <section aria-labelledby="ov-revenue" class="panel"><h2 id="ov-revenue">Revenue by month</h2>${revenue}</section>
    </div>`;
}
