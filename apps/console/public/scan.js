// @ts-check
/**
 * Scan station. A scanner types the barcode and presses Enter: the item shows with its next actions,
 * and goes on the cart. Focus always comes back to the barcode box, so the next scan just works.
 */
import { call, clear, el, pageData, say } from './api.js';

const data = pageData();
const can = (data.session && data.session.can) || {};
const CART_KEY = 'console.cart';
const MAX_CART = 1000;

const form = /** @type {HTMLFormElement} */ (document.getElementById('scan-form'));
const input = /** @type {HTMLInputElement} */ (document.getElementById('barcode'));
const message = /** @type {HTMLElement} */ (document.getElementById('scan-message'));
const itemSection = /** @type {HTMLElement} */ (document.getElementById('item'));
const cartTitle = /** @type {HTMLElement} */ (document.getElementById('cart-title'));
const cartEmpty = /** @type {HTMLElement} */ (document.getElementById('cart-empty'));
const cartBody = /** @type {HTMLElement} */ (document.getElementById('cart-body'));
const cartRows = /** @type {HTMLElement} */ (document.querySelector('#cart-table tbody'));
const cartForm = /** @type {HTMLFormElement} */ (document.getElementById('cart-form'));
const cartAction = /** @type {HTMLSelectElement} */ (document.getElementById('cart-action'));
const cartMessage = /** @type {HTMLElement} */ (document.getElementById('cart-message'));
const cartLabels = /** @type {HTMLAnchorElement} */ (document.getElementById('cart-labels'));
const cartClear = /** @type {HTMLButtonElement} */ (document.getElementById('cart-clear'));

/** @typedef {{ ref: string, barcode: string | null, title: string, status: string, statusLabel: string, pendingSteps: string[], callNumber: {value: string} | null, result?: { ok: boolean, text: string } }} CartItem */

/** @type {CartItem[]} */
let cart = loadCart();
/** @type {any} */
let current = null;

function loadCart() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(CART_KEY) || '[]');
    return Array.isArray(saved) ? saved : [];
  } catch {
    return [];
  }
}

function saveCart() {
  sessionStorage.setItem(CART_KEY, JSON.stringify(cart));
}

/** @param {any} view @returns {CartItem} */
function cartItemOf(view) {
  return { ref: view.ref, barcode: view.barcode, title: view.title, status: view.status, statusLabel: view.statusLabel, pendingSteps: view.pendingSteps, callNumber: view.callNumber };
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const barcode = input.value.trim();
  if (!barcode) {
    say(message, 'error', 'Scan a barcode first.', 'The cursor is in the Barcode box: scan the item, or type its barcode and press Enter.');
    input.focus();
    return;
  }
  input.value = '';
  await lookup(barcode, true);
  input.focus();
});

/**
 * @param {string} barcode
 * @param {boolean} addToCart
 */
async function lookup(barcode, addToCart) {
  const result = await call('GET', `/console-api/items/${encodeURIComponent(barcode)}`);
  if (!result.ok) {
    say(message, 'error', `${barcode}: ${result.message}`, result.whatToDo, result.status);
    return;
  }
  current = result.body;
  renderItem(current);
  const existing = cart.findIndex((item) => item.ref === current.ref);
  if (existing >= 0) {
    cart[existing] = { ...cartItemOf(current), result: cart[existing].result };
    if (addToCart) say(message, 'success', `${current.title} (${current.ref}) is already on the cart.`);
  } else if (addToCart) {
    if (cart.length >= MAX_CART) {
      say(message, 'warning', `The cart is full (${MAX_CART} items).`, 'Apply a step to the cart or empty it, then scan again.');
    } else {
      cart.push(cartItemOf(current));
      say(message, 'success', `${current.title} (${current.ref}): ${current.statusLabel}. On the cart (${cart.length}).`);
    }
  }
  saveCart();
  renderCart();
}

/** @param {any} view */
function renderItem(view) {
  itemSection.hidden = false;
  const facts = el('dl', { class: 'facts' });
  /** @param {string} term @param {Node | string} value */
  const fact = (term, value) => facts.append(el('dt', {}, term), el('dd', {}, value));
  fact('Barcode', el('span', { class: 'mono' }, view.barcode || view.id));
  fact('Status', el('span', { class: `status status-${view.status}` }, view.statusLabel));
  fact('Call number', view.callNumber ? el('span', { class: 'call-number' }, view.callNumber.value) : 'none yet');
  fact('Branch', `${view.branch} — ${view.branchName}`);
  if (view.location) fact('Location', view.location);
  const processing = ['RECEIVED', 'AWAITING_CALL_NUMBER', 'IN_PROCESS'].includes(view.status);
  if (view.requiredSteps.length && (processing || view.pendingSteps.length)) fact('Steps left', view.pendingSteps.length ? view.pendingSteps.map((/** @type {string} */ s) => s.replace(/-/g, ' ')).join(', ') : 'none — processing done');

  const children = [
    el('h2', { id: 'item-title' }, view.title),
    view.creators.length ? el('p', { class: 'muted' }, view.creators.join('; ')) : null,
    facts,
  ];
  const notes = [...view.notes, ...view.warnings];
  if (notes.length) children.push(el('ul', { class: 'notes' }, ...notes.map((/** @type {string} */ n) => el('li', {}, n))));
  if (view.actions.length) {
    const actions = el('div', { class: 'actions', role: 'group', 'aria-labelledby': 'next-title' });
    for (const action of view.actions) actions.append(action.fields ? actionForm(action) : actionButton(action));
    children.push(el('h3', { id: 'next-title' }, 'Next'), actions);
  }
  if (view.history.length) {
    const list = el('ol', { class: 'history', reversed: true });
    for (const entry of [...view.history].reverse()) {
      const when = new Date(entry.at).toLocaleString();
      const move = entry.fromLabel ? `${entry.fromLabel} → ${entry.toLabel}` : entry.toLabel;
      list.append(el('li', {}, `${when}: ${move}, by ${entry.actor}${entry.reason ? ` (${entry.reason})` : ''}`));
    }
    children.push(el('h3', {}, 'History'), list);
  }
  itemSection.replaceChildren(...children.filter(Boolean).map((c) => /** @type {Node} */ (c)));
}

/** @param {any} action */
function actionButton(action) {
  const button = el('button', { type: 'button', class: action.primary ? 'primary' : 'secondary', 'data-action': action.id }, action.label);
  button.addEventListener('click', () => perform(action, {}, /** @type {HTMLButtonElement} */ (button)));
  return button;
}

/** @param {any} action */
function actionForm(action) {
  const formEl = /** @type {HTMLFormElement} */ (el('form', { 'data-action': action.id, novalidate: true }));
  const fieldset = el('fieldset', { class: 'action-form' }, el('legend', {}, action.label));
  for (const field of action.fields) {
    const id = `${action.id}-${field.name}`;
    const wrapper = el('div', { class: 'field' }, el('label', { for: id }, field.label + (field.required ? '' : ' (optional)')));
    let control;
    if (field.type === 'select') {
      control = el('select', { id, name: field.name, required: !!field.required });
      if (!field.required) control.append(el('option', { value: '' }, '—'));
      for (const [value, label] of field.options) control.append(el('option', { value, selected: value === field.value }, label));
    } else {
      control = el('input', { id, name: field.name, type: field.type === 'number' ? 'number' : 'text', inputmode: field.type === 'number' ? 'numeric' : undefined, required: !!field.required, min: field.type === 'number' ? '0' : undefined, value: field.value });
    }
    if (field.help) {
      control.setAttribute('aria-describedby', `${id}-help`);
      wrapper.append(control, el('p', { id: `${id}-help`, class: 'help' }, field.help));
    } else {
      wrapper.append(control);
    }
    fieldset.append(wrapper);
  }
  const submit = el('button', { type: 'submit', class: action.primary ? 'primary' : '' }, action.label);
  fieldset.append(submit);
  formEl.append(fieldset);
  formEl.addEventListener('submit', (event) => {
    event.preventDefault();
    /** @type {Record<string, unknown>} */
    const values = {};
    for (const field of action.fields) {
      const control = /** @type {HTMLInputElement} */ (formEl.elements.namedItem(field.name));
      const value = control.value.trim();
      if (!value) {
        if (field.required) {
          say(message, 'error', `${field.label} is needed for “${action.label}”.`, `Fill in ${field.label.toLowerCase()}, then press ${action.label}.`);
          control.focus();
          return;
        }
        continue;
      }
      values[field.name] = field.type === 'number' ? Number(value) : value;
    }
    perform(action, values, /** @type {HTMLButtonElement} */ (submit));
  });
  return formEl;
}

/**
 * @param {any} action
 * @param {Record<string, unknown>} values
 * @param {HTMLButtonElement} button
 */
async function perform(action, values, button) {
  const body = { ...(action.body || {}), ...values };
  button.disabled = true;
  const result = await call(action.method, action.path, Object.keys(body).length ? body : undefined);
  button.disabled = false;
  const ref = current ? current.ref : '';
  if (!result.ok) {
    say(message, 'error', `${ref}: ${result.message}`, result.whatToDo, result.status);
    return;
  }
  say(message, 'success', `${ref}: ${action.done}.`);
  await refresh(ref);
  input.focus();
  // Statuses move on through events; look again shortly so the screen catches up.
  setTimeout(() => {
    if (current && current.ref === ref) refresh(ref);
  }, 1500);
}

/** @param {string} ref */
async function refresh(ref) {
  const result = await call('GET', `/console-api/items/${encodeURIComponent(ref)}`);
  if (!result.ok) return;
  if (current && current.ref === ref) {
    current = result.body;
    renderItem(current);
  }
  const index = cart.findIndex((item) => item.ref === ref);
  if (index >= 0) {
    cart[index] = { ...cartItemOf(result.body), result: cart[index].result };
    saveCart();
    renderCart();
  }
}

function renderCart() {
  cartTitle.textContent = cart.length ? `Cart (${cart.length} item${cart.length === 1 ? '' : 's'})` : 'Cart';
  cartEmpty.hidden = cart.length > 0;
  cartBody.hidden = cart.length === 0;
  cartRows.replaceChildren(
    ...cart.map((item) => {
      const remove = el('button', { type: 'button', class: 'secondary', 'aria-label': `Remove ${item.title} from the cart` }, 'Remove');
      remove.addEventListener('click', () => {
        cart = cart.filter((entry) => entry.ref !== item.ref);
        saveCart();
        renderCart();
        input.focus();
      });
      const result = item.result ? el('span', { class: item.result.ok ? 'result-ok' : 'result-error' }, item.result.text) : '';
      return el('tr', { 'data-ref': item.ref },
        el('td', { class: 'mono' }, item.ref),
        el('td', {}, item.title),
        el('td', {}, el('span', { class: `status status-${item.status}` }, item.statusLabel)),
        el('td', {}, result),
        el('td', {}, remove));
    }),
  );
  const options = cartOptions();
  cartAction.replaceChildren(
    ...(options.length
      ? options.map((o) => el('option', { value: o.value }, o.label))
      : [el('option', { value: '' }, 'Nothing to do for the whole cart')]),
  );
  cartLabels.href = `/labels?barcodes=${encodeURIComponent(cart.map((item) => item.ref).join(','))}`;
}

function cartOptions() {
  /** @type {Array<{ value: string, label: string }>} */
  const options = [];
  if (can.technician) {
    /** @type {Map<string, number>} */
    const steps = new Map();
    for (const item of cart) for (const step of item.pendingSteps) steps.set(step, (steps.get(step) || 0) + 1);
    for (const [step, count] of steps) options.push({ value: `step:${step}`, label: `Record ${step.replace(/-/g, ' ')} (${count} item${count === 1 ? '' : 's'})` });
    const ready = cart.filter((item) => item.status === 'SHELF_READY').length;
    if (ready) options.push({ value: 'shelve', label: `Shelve (${ready} ready)` });
  }
  return options;
}

cartForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const choice = cartAction.value;
  if (!choice) {
    say(cartMessage, 'warning', 'Nothing to do for the whole cart.', 'Scan items that need a processing step or are ready to shelve.');
    return;
  }
  const submit = /** @type {HTMLButtonElement} */ (cartForm.querySelector('button[type="submit"]'));
  submit.disabled = true;
  let results = [];
  let label = '';
  if (choice.startsWith('step:')) {
    const step = choice.slice(5);
    label = `Record ${step.replace(/-/g, ' ')}`;
    const barcodes = cart.filter((item) => item.pendingSteps.includes(step)).map((item) => item.ref);
    const result = await call('POST', '/api/intake/steps', { step, barcodes });
    if (!result.ok) return failed(result, submit);
    results = result.body.results.map((/** @type {any} */ r) => ({ ref: r.barcode, ok: r.ok, text: r.ok ? `${step.replace(/-/g, ' ')} recorded` : r.error }));
  } else if (choice === 'shelve') {
    label = 'Shelve';
    const barcodes = cart.filter((item) => item.status === 'SHELF_READY').map((item) => item.ref);
    const result = await call('POST', '/api/cataloging/items/shelve', { barcodes });
    if (!result.ok) return failed(result, submit);
    results = result.body.results.map((/** @type {any} */ r) => ({ ref: r.barcode, ok: r.ok, text: r.ok ? 'shelved' : r.error }));
  }
  submit.disabled = false;
  for (const r of results) {
    const item = cart.find((entry) => entry.ref === r.ref);
    if (item) item.result = { ok: r.ok, text: r.text };
  }
  const done = results.filter((r) => r.ok).length;
  const refused = results.length - done;
  say(
    cartMessage,
    refused ? 'warning' : 'success',
    `${label}: done for ${done} of ${results.length} item${results.length === 1 ? '' : 's'}.`,
    refused ? 'The items not done say why in the Result column; scan one to see what it needs.' : undefined,
  );
  saveCart();
  renderCart();
  input.focus();
  await refreshCart();
  setTimeout(refreshCart, 1500);
});

/**
 * @param {any} result
 * @param {HTMLButtonElement} submit
 */
function failed(result, submit) {
  submit.disabled = false;
  say(cartMessage, 'error', result.message, result.whatToDo, result.status);
}

async function refreshCart() {
  const refs = cart.map((item) => item.ref);
  for (let i = 0; i < refs.length; i += 4) {
    await Promise.all(
      refs.slice(i, i + 4).map(async (ref) => {
        const result = await call('GET', `/console-api/items/${encodeURIComponent(ref)}`);
        const index = cart.findIndex((item) => item.ref === ref);
        if (result.ok && index >= 0) cart[index] = { ...cartItemOf(result.body), result: cart[index].result };
        if (result.ok && current && current.ref === ref) {
          current = result.body;
          renderItem(current);
        }
      }),
    );
  }
  saveCart();
  renderCart();
}

cartClear.addEventListener('click', () => {
  cart = [];
  saveCart();
  renderCart();
  clear(cartMessage);
  say(message, 'success', 'The cart is empty.');
  input.focus();
});

renderCart();
input.focus();
