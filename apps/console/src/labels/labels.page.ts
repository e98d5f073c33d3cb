import { html, raw, SafeHtml } from '../pages/html';
import { Layout } from '../pages/layout';
import { ConsoleSession } from '../session/console-session';
import { codabarSvg } from './codabar';
import { LabelSheet } from './spine-labels.service';

export interface LabelPageOptions {
  sheet?: LabelSheet;
  barcodes: string[];
  branch?: string;
  session: ConsoleSession;
  layout: Layout;
}

export function labelSheet(options: LabelPageOptions): SafeHtml {
  const { sheet, barcodes, branch, session, layout } = options;
  const source = barcodes.length
    ? `${barcodes.length} scanned item${barcodes.length === 1 ? '' : 's'}`
    : `items of ${branch ?? 'your branch'} waiting for a spine label`;
  return html`
<h1>Spine labels</h1>
<form method="get" action="/labels" class="no-print labels-form">
  <div class="field-row">
    <div class="field">
      <label for="label-branch">Branch</label>
      <select id="label-branch" name="branch">
        ${session.branches.map((code) => html`<option value="${code}" ${code === branch ? html`selected` : ''}>${code} — ${layout.branchName(code)}</option>`)}
      </select>
    </div>
    <div class="field grow">
      <label for="label-barcodes">Barcodes</label>
      <textarea id="label-barcodes" name="barcodes" rows="2" aria-describedby="label-barcodes-help">${barcodes.join('\n')}</textarea>
      <p id="label-barcodes-help" class="help">Leave empty for every item of the branch whose spine label is still to do; or scan barcodes, one per line.</p>
    </div>
  </div>
  <div class="inline">
    <button type="submit">Show labels</button>
    ${sheet && sheet.labels.length ? html`<button type="button" data-print class="secondary">Print labels</button>` : ''}
  </div>
</form>
${sheet
  ? html`<p class="no-print">${sheet.labels.length} label${sheet.labels.length === 1 ? '' : 's'} for ${source}.</p>
    ${sheet.skipped.length
      ? html`<div class="message warning no-print" role="status"><p>Not on the sheet:</p><ul>${sheet.skipped.map((s) => html`<li>${s.barcode}: ${s.reason}</li>`)}</ul></div>`
      : ''}
    ${sheet.labels.length === 0 ? html`<p class="help">No labels to print. Scan barcodes above, or pick another branch.</p>` : ''}
    <ol class="label-sheet" aria-label="Spine labels">
      ${sheet.labels.map(
        (label) => html`<li class="spine-label">
          <div class="call-lines" aria-label="Call number ${label.callNumber}">${label.lines.map((line) => html`<span>${line}</span>`)}</div>
          <div class="label-barcode">${label.codabar ? raw(codabarSvg(label.barcode)) : html`<span class="barcode-text">${label.barcode}</span>`}</div>
          <div class="label-title">${label.title}</div>
        </li>`,
      )}
    </ol>`
  : ''}`;
}
