// @ts-check
/**
 * Receive: read a supplier's CSV into editable lines (or enter lines by hand), then send the shipment.
 * When intake refuses it, each problem appears under the line and field it is about, and a summary
 * at the top links to every one of them.
 */
import { call, clear, el, pageData, say } from './api.js';

const { columns } = pageData();
const form = /** @type {HTMLFormElement} */ (document.getElementById('receive-form'));
const supplier = /** @type {HTMLInputElement} */ (document.getElementById('supplier'));
const branch = /** @type {HTMLSelectElement} */ (document.getElementById('branch'));
const fileInput = /** @type {HTMLInputElement} */ (document.getElementById('csv-file'));
const linesEl = /** @type {HTMLElement} */ (document.getElementById('lines'));
const lineCount = /** @type {HTMLElement} */ (document.getElementById('line-count'));
const addLine = /** @type {HTMLButtonElement} */ (document.getElementById('add-line'));
const summary = /** @type {HTMLElement} */ (document.getElementById('receive-summary'));
const receipt = /** @type {HTMLElement} */ (document.getElementById('receipt'));
const submit = /** @type {HTMLButtonElement} */ (document.getElementById('receive-submit'));

/** @typedef {{ row?: number, cells: Record<string, string> }} Line */
/** @typedef {{ index: number, field: string | null, message: string }} LineProblem */

/** @type {Line[]} */
let lines = [];

for (const column of columns) {
  if (!column.options) continue;
  document.body.append(el('datalist', { id: `options-${column.key}` }, ...column.options.map((/** @type {string} */ o) => el('option', { value: o }))));
}

fileInput.addEventListener('change', async () => {
  const file = fileInput.files && fileInput.files[0];
  if (!file) return;
  receipt.hidden = true;
  const text = await file.text();
  const result = await call('POST', '/console-api/shipments/csv', { csv: text });
  if (!result.ok) {
    showSummary('error', `${file.name} could not be read: ${result.message}`, result.whatToDo, []);
    return;
  }
  if (result.body.problems.length) {
    showSummary(
      'error',
      `${file.name} could not be read.`,
      'Fix these in the file and choose it again:',
      result.body.problems.map((/** @type {any} */ p) => ({ text: p.row ? `Row ${p.row}: ${p.message}` : p.message })),
    );
    return;
  }
  lines = result.body.lines.map((/** @type {any} */ l) => ({ row: l.row, cells: l.cells }));
  renderLines([]);
  showSummary('success', `Read ${lines.length} line${lines.length === 1 ? '' : 's'} from ${file.name}.`, 'Check them below, then press Receive shipment.', []);
});

addLine.addEventListener('click', () => {
  collect();
  lines.push({ cells: { materialType: 'book' } });
  renderLines([]);
  const first = /** @type {HTMLInputElement | null} */ (document.getElementById(`line-${lines.length - 1}-title`));
  if (first) first.focus();
});

/** Reads the inputs back into `lines`. */
function collect() {
  lines.forEach((line, i) => {
    for (const column of columns) {
      const input = /** @type {HTMLInputElement | null} */ (document.getElementById(`line-${i}-${column.key}`));
      if (input) line.cells[column.key] = input.value;
    }
  });
}

/** @param {LineProblem[]} problems */
function renderLines(problems) {
  lineCount.textContent = lines.length ? `(${lines.length})` : '';
  linesEl.replaceChildren(
    ...lines.map((line, i) => {
      const own = problems.filter((p) => p.index === i);
      const fieldset = el('fieldset', { class: own.length ? 'line has-error' : 'line', id: `line-${i}` },
        el('legend', {}, `Line ${i + 1}${line.row ? ` · file row ${line.row}` : ''}`));
      for (const p of own.filter((p) => !p.field)) fieldset.append(el('p', { class: 'field-error', id: `line-${i}-error` }, p.message));
      const grid = el('div', { class: 'line-fields' });
      for (const column of columns) {
        const id = `line-${i}-${column.key}`;
        const errors = own.filter((p) => p.field === column.key);
        const input = el('input', {
          id,
          name: id,
          value: line.cells[column.key] || '',
          list: column.options ? `options-${column.key}` : undefined,
          'aria-invalid': errors.length ? 'true' : undefined,
          'aria-describedby': errors.length ? `${id}-error` : undefined,
          autocomplete: 'off',
        });
        const field = el('div', { class: 'field' }, el('label', { for: id }, column.label + (column.required ? '' : '')), input);
        if (errors.length) field.append(el('p', { class: 'field-error', id: `${id}-error` }, errors.map((e) => e.message).join('; ')));
        grid.append(field);
      }
      const remove = el('button', { type: 'button', class: 'secondary remove-line' }, `Remove line ${i + 1}`);
      remove.addEventListener('click', () => {
        collect();
        lines.splice(i, 1);
        renderLines([]);
        addLine.focus();
      });
      fieldset.append(grid, remove);
      return fieldset;
    }),
  );
}

/**
 * @param {'success' | 'error' | 'warning'} kind
 * @param {string} text
 * @param {string} whatToDo
 * @param {Array<{ text: string, href?: string }>} items
 */
function showSummary(kind, text, whatToDo, items) {
  summary.hidden = false;
  say(summary, kind, text, whatToDo);
  if (items.length) {
    summary.append(el('ul', {}, ...items.map((item) => el('li', {}, item.href ? el('a', { href: item.href }, item.text) : item.text))));
  }
  summary.focus();
}

/** @param {string} field @param {string} message */
function formError(field, message) {
  const input = /** @type {HTMLElement} */ (document.getElementById(field));
  const error = /** @type {HTMLElement} */ (document.getElementById(`${field}-error`));
  if (!input || !error) return;
  input.setAttribute('aria-invalid', 'true');
  error.textContent = message;
  error.hidden = false;
}

function clearFormErrors() {
  for (const field of ['supplier', 'branch']) {
    document.getElementById(field)?.removeAttribute('aria-invalid');
    const error = document.getElementById(`${field}-error`);
    if (error) error.hidden = true;
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  collect();
  clearFormErrors();
  receipt.hidden = true;
  if (!supplier.value.trim()) {
    formError('supplier', 'Enter the supplier’s name (as on the packing slip).');
    showSummary('error', 'The shipment needs a supplier.', 'Enter the supplier’s name, then press Receive shipment.', [{ text: 'Supplier', href: '#supplier' }]);
    return;
  }
  if (lines.length === 0) {
    showSummary('error', 'There are no lines to receive.', 'Choose the supplier’s CSV file, or press Add a line.', []);
    return;
  }
  submit.disabled = true;
  const result = await call('POST', '/console-api/shipments', {
    supplier: supplier.value,
    branch: branch.value,
    lines: lines.map((line) => line.cells),
  });
  submit.disabled = false;
  if (!result.ok) {
    const problems = result.body && result.body.problems;
    if (!problems) {
      showSummary('error', result.message, result.whatToDo, []);
      return;
    }
    for (const p of problems.form) formError(p.field, p.message);
    renderLines(problems.lines);
    const items = [
      ...problems.form.map((/** @type {any} */ p) => ({ text: `${p.field}: ${p.message}`, href: `#${p.field}` })),
      ...problems.lines.map((/** @type {LineProblem} */ p) => ({
        text: `Line ${p.index + 1}${p.field ? `, ${columnLabel(p.field)}` : ''}: ${p.message}`,
        href: p.field ? `#line-${p.index}-${p.field}` : `#line-${p.index}`,
      })),
      ...problems.general.map((/** @type {string} */ text) => ({ text })),
    ];
    showSummary('error', `Nothing was received: ${items.length} problem${items.length === 1 ? '' : 's'} to fix.`, result.whatToDo, items);
    return;
  }
  showReceipt(result.body);
  lines = [];
  renderLines([]);
  fileInput.value = '';
  clear(summary);
  summary.hidden = true;
});

/** @param {string} key */
function columnLabel(key) {
  const column = columns.find((/** @type {any} */ c) => c.key === key);
  return column ? column.label : key;
}

/** @param {any} shipment */
function showReceipt(shipment) {
  const waiting = shipment.items.filter((/** @type {any} */ i) => i.awaitingCallNumber).length;
  const rows = shipment.items.map((/** @type {any} */ item) =>
    el('tr', {},
      el('td', { class: 'num' }, String(item.line + 1)),
      el('td', { class: 'mono' }, item.barcode || '—'),
      el('td', {}, item.title),
      el('td', {}, item.awaitingCallNumber ? 'waits for a call number' : item.pendingSteps.length ? `steps: ${item.pendingSteps.join(', ')}` : 'no steps left')));
  receipt.replaceChildren(
    el('h2', { id: 'receipt-title' }, `Received ${shipment.itemCount} item${shipment.itemCount === 1 ? '' : 's'} from ${shipment.supplier}`),
    el('p', {}, `Branch ${shipment.branch}. ${waiting ? `${waiting} wait for a call number (they are on the catalogers’ queue). ` : ''}Next: scan the items at the scan station to record their processing steps.`),
    el('div', { class: 'table-wrap' }, el('table', {},
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', class: 'num' }, 'Line'), el('th', { scope: 'col' }, 'Barcode'), el('th', { scope: 'col' }, 'Title'), el('th', { scope: 'col' }, 'Next'))),
      el('tbody', {}, ...rows))),
    el('p', {}, el('a', { class: 'button', href: '/scan' }, 'Go to the scan station')),
  );
  receipt.hidden = false;
  receipt.setAttribute('tabindex', '-1');
  receipt.focus();
}

renderLines([]);
