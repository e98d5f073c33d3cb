import { html, SafeHtml } from '../pages/html';
import { Layout } from '../pages/layout';
import { ConsoleSession } from '../session/console-session';
import { SHIPMENT_COLUMNS } from './shipment-columns';

/** The Receive page: supplier and branch, a CSV upload or lines by hand, and the documented columns. */
export function receivePage(session: ConsoleSession, layout: Layout): SafeHtml {
  return html`
<h1>Receive a shipment</h1>
<div id="receive-summary" class="message" role="alert" tabindex="-1" hidden></div>
<form id="receive-form" class="receive-form" novalidate>
  <div class="field-row">
    <div class="field">
      <label for="supplier">Supplier</label>
      <input id="supplier" name="supplier" required autocomplete="organization" aria-describedby="supplier-error">
      <p id="supplier-error" class="field-error" hidden></p>
    </div>
    <div class="field">
      <label for="branch">Branch</label>
      <select id="branch" name="branch" aria-describedby="branch-error">
        ${session.branches.map((code) => html`<option value="${code}">${code} — ${layout.branchName(code)}</option>`)}
      </select>
      <p id="branch-error" class="field-error" hidden></p>
    </div>
  </div>
  <div class="field">
    <label for="csv-file">Supplier's file (CSV)</label>
    <input id="csv-file" name="csv" type="file" accept=".csv,text/csv" aria-describedby="csv-help">
    <p id="csv-help" class="help">Choose the file to read its lines; check them below, then receive. The columns are listed at the bottom of this page.</p>
  </div>
  <h2 id="lines-title">Lines <span id="line-count" class="count"></span></h2>
  <div id="lines" class="lines" aria-labelledby="lines-title"></div>
  <div class="inline">
    <button id="add-line" type="button" class="secondary">Add a line</button>
    <button id="receive-submit" type="submit">Receive shipment</button>
  </div>
</form>
<section id="receipt" class="receipt" aria-labelledby="receipt-title" hidden></section>
<section class="columns" aria-labelledby="columns-title">
  <h2 id="columns-title">CSV columns</h2>
  <p>One row per item after a header row. Columns in any order; headers are matched ignoring case, spaces, <code>-</code> and <code>_</code>.
  Cells with commas go in double quotes. <a href="/assets/shipment-example.csv" download>Download an example file</a>.</p>
  <div class="table-wrap">
  <table>
    <thead><tr><th scope="col">Column</th><th scope="col">Required</th><th scope="col">What goes in it</th></tr></thead>
    <tbody>
    ${SHIPMENT_COLUMNS.map((c) => html`<tr><td><code>${c.key}</code></td><td>${c.required ? 'yes' : ''}</td><td>${c.describe}</td></tr>`)}
    </tbody>
  </table>
  </div>
</section>
`;
}
