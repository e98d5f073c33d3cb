import { html, SafeHtml } from '../pages/html';
import { SCHEME_OPTIONS } from '../pages/vocabulary';
import { CallNumberQueueRow, CandidateRow, ListingRow, LotRow, PullRow, RepairRow, ShelvingRow } from './queues.service';

export const QUEUES = [
  { id: 'call-numbers', title: 'Call numbers to assign', order: 'oldest received first', describe: 'Items waiting for a cataloger.' },
  { id: 'shelving', title: 'Shelving list', order: 'shelf order', describe: 'Items ready to shelve, in the order you walk the stacks.' },
  { id: 'pulls', title: 'Pull list', order: 'shelf order', describe: 'Items to take off the shelf for repair, binding or weeding.' },
  { id: 'repairs', title: 'Open repairs', order: 'oldest first', describe: 'Repair work orders not yet completed.' },
  { id: 'bindery', title: 'Bindery lots', order: 'overdue first, then by due date', describe: 'Lots out at the bindery and being prepared; items waiting for a lot.' },
  { id: 'weeding', title: 'Weeding candidates', order: 'shelf order', describe: 'Candidates waiting for a librarian to approve or keep.' },
  { id: 'listings', title: 'Listings', order: 'longest listed first', describe: 'Withdrawn items on sale.' },
] as const;
export type QueueId = (typeof QUEUES)[number]['id'];

export function isQueueId(value: string): value is QueueId {
  return QUEUES.some((queue) => queue.id === value);
}

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '');

function table(caption: string, headers: string[], rows: SafeHtml[], empty: string): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="table-wrap"><table class="queue-table">
    <caption>${caption} <span class="count">(${rows.length})</span></caption>
    <thead><tr><th scope="col" class="num">#</th>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
    <tbody>${rows}</tbody>
  </table></div>`;
}

const n = (i: number) => html`<td class="num">${i + 1}</td>`;

export interface AssignProblem {
  barcode: string;
  message: string;
  whatToDo: string;
  callNumber: string;
  scheme: string;
}

export function callNumberQueue(rows: CallNumberQueueRow[], branch: string, canAssign: boolean, problem?: AssignProblem): SafeHtml {
  const body = rows.map((row, i) => {
    const ref = row.barcode ?? row.id;
    const error = problem?.barcode === ref ? problem : undefined;
    const id = `assign-${i}`;
    const form = canAssign
      ? html`<form method="post" action="/queues/call-numbers/assign" class="assign-form no-print">
          <input type="hidden" name="barcode" value="${ref}">
          <input type="hidden" name="branch" value="${branch}">
          <label for="${id}-cn" class="visually-hidden">Call number for ${row.title}</label>
          <input id="${id}-cn" name="callNumber" required placeholder="Call number" value="${error?.callNumber ?? ''}"
            ${error ? html`aria-invalid="true" aria-describedby="${id}-error"` : ''}>
          <label for="${id}-scheme" class="visually-hidden">Scheme</label>
          <select id="${id}-scheme" name="scheme">${SCHEME_OPTIONS.map(([value, label]) => html`<option value="${value}" ${error?.scheme === value ? html`selected` : ''}>${label}</option>`)}</select>
          <button type="submit">Assign</button>
          ${error ? html`<p id="${id}-error" class="field-error" role="alert">${error.message}. ${error.whatToDo}</p>` : ''}
        </form>`
      : '';
    return html`<tr>${n(i)}<td class="date">${day(row.receivedAt)}</td><td class="mono">${ref}</td><td><strong>${row.title}</strong>${row.creators.length ? html`<br><span class="muted">${row.creators.join('; ')}</span>` : ''}</td><td>${row.materialType}</td>${canAssign ? html`<td>${form}</td>` : ''}</tr>`;
  });
  return table('Waiting for a call number', ['Received', 'Barcode', 'Title', 'Type', ...(canAssign ? ['Assign'] : [])], body, 'Nothing waits for a call number.');
}

export function shelvingList(rows: ShelvingRow[]): SafeHtml {
  const body = rows.map((row, i) => html`<tr>${n(i)}<td>${row.location ?? ''}</td><td class="mono call">${row.callNumber?.value ?? ''}</td><td class="mono">${row.barcode ?? ''}</td><td>${row.title}</td></tr>`);
  return table('Ready to shelve', ['Location', 'Call number', 'Barcode', 'Title'], body, 'Nothing to shelve.');
}

export function pullList(rows: PullRow[], branch: string, barcode?: string): SafeHtml {
  const body = rows.map((row, i) => html`<tr>${n(i)}<td>${row.location ?? ''}</td><td class="mono call">${row.callNumber ?? ''}</td><td class="mono">${row.barcode}</td><td>${row.title}</td><td><span class="tag tag-${row.kind}">${row.why}</span></td></tr>`);
  // A plain GET form: the scanner types the barcode and Enter submits it; the branch stays.
  const filter = html`<form method="get" action="/queues/pulls" class="barcode-filter no-print" role="search">
      <input type="hidden" name="branch" value="${branch}">
      <label for="pull-barcode">Barcode</label>
      <div class="inline">
        <input id="pull-barcode" name="barcode" value="${barcode ?? ''}" inputmode="numeric" autocomplete="off" spellcheck="false" aria-describedby="pull-barcode-help">
        <button type="submit" class="secondary">Find on the pull list</button>
        ${barcode ? html`<a class="button secondary" href="/queues/pulls?branch=${encodeURIComponent(branch)}">Show the whole list</a>` : ''}
      </div>
      <p id="pull-barcode-help" class="help">Scan an item to see whether, and why, it is to be pulled.</p>
    </form>`;
  const empty = barcode ? `Item ${barcode} is not on the pull list.` : 'Nothing to pull.';
  return html`${filter}${barcode ? html`<p class="print-only">Barcode ${barcode}</p>` : ''}${table(barcode ? `To pull, barcode ${barcode}` : 'To pull', ['Location', 'Call number', 'Barcode', 'Title', 'Why'], body, empty)}`;
}

export function openRepairs(rows: RepairRow[]): SafeHtml {
  const body = rows.map((row, i) => html`<tr>${n(i)}<td class="date">${day(row.openedAt)}</td><td class="mono">${row.barcode}</td><td>${row.item.title}</td><td>${row.damage?.replace(/-/g, ' ') ?? ''}</td><td>${row.note ?? ''}</td></tr>`);
  return table('Open repairs', ['Opened', 'Barcode', 'Title', 'Damage', 'Note'], body, 'No open repairs.');
}

export function binderyLots(lots: LotRow[], waiting: ShelvingRow[]): SafeHtml {
  const body = lots.map((lot, i) => html`<tr class="${lot.overdue ? 'overdue' : ''}">${n(i)}<td class="mono">${lot.lotNumber}</td><td>${lot.vendor.name}</td>
    <td>${lot.status === 'open' ? 'being prepared' : 'at the bindery'}</td><td>${day(lot.dispatchedAt)}</td>
    <td>${day(lot.expectedReturnAt)} ${lot.overdue ? html`<strong class="tag tag-overdue">Overdue</strong>` : ''}</td><td class="num">${lot.returnedCount} / ${lot.lineCount}</td></tr>`);
  const items = waiting.map((row, i) => html`<tr>${n(i)}<td class="mono call">${row.callNumber?.value ?? ''}</td><td class="mono">${row.barcode ?? ''}</td><td>${row.title}</td><td class="date">${day(row.shelfReadyAt)}</td></tr>`);
  return html`${table('Lots', ['Lot', 'Vendor', 'Status', 'Sent', 'Due back', 'Returned'], body, 'No bindery lots out or being prepared.')}
    <h2>Waiting for a lot</h2>
    ${table('Items waiting for the bindery', ['Call number', 'Barcode', 'Title', 'Since'], items, 'No items wait for the bindery.')}`;
}

export function weedingCandidates(rows: CandidateRow[], canDecide: boolean): SafeHtml {
  const body = rows.map((row, i) => html`<tr>${n(i)}<td>${row.collection ?? ''}</td><td class="mono call">${row.callNumber ?? ''}</td><td class="mono">${row.barcode}</td><td>${row.title}</td><td>${row.reasons.join(', ')}</td>
    ${canDecide
      ? html`<td class="no-print"><form method="post" action="/queues/weeding/${row.id}/approve" class="inline-form"><button type="submit">Approve</button></form>
        <form method="post" action="/queues/weeding/${row.id}/keep" class="inline-form"><button type="submit" class="secondary">Keep</button></form></td>`
      : ''}</tr>`);
  return table('Waiting for a decision', ['Collection', 'Call number', 'Barcode', 'Title', 'Why', ...(canDecide ? ['Decide'] : [])], body, 'No weeding candidates wait for a decision.');
}

export function listings(rows: ListingRow[]): SafeHtml {
  const body = rows.map((row, i) => html`<tr>${n(i)}<td class="date">${day(row.listedAt)}</td><td class="mono">${row.barcode}</td><td>${row.title}</td><td>${row.condition}</td><td class="num">${row.price} ${row.currency}</td></tr>`);
  return table('On sale', ['Listed', 'Barcode', 'Title', 'Condition', 'Price'], body, 'Nothing is listed for sale.');
}
