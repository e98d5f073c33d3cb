import { html, SafeHtml } from '../pages/html';

/** The scan station's frame; scan.js fills in the item and the cart. */
export function scanPage(): SafeHtml {
  return html`
<h1>Scan station</h1>
<form id="scan-form" class="scan-form" autocomplete="off" novalidate>
  <label for="barcode">Barcode</label>
  <div class="inline">
    <input id="barcode" name="barcode" class="scan-input" inputmode="numeric" autofocus required
      aria-describedby="barcode-help" spellcheck="false" autocapitalize="off">
    <button type="submit">Look up</button>
  </div>
  <p id="barcode-help" class="help">Scan the item, or type its barcode and press Enter. Every item you scan goes on the cart below.</p>
</form>
<div id="scan-message" class="message" role="status" aria-live="polite"></div>
<section id="item" class="item" aria-labelledby="item-title" hidden></section>
<section id="cart" class="cart" aria-labelledby="cart-title">
  <h2 id="cart-title">Cart</h2>
  <p id="cart-empty" class="help">The cart is empty. Scan items to put them on it, then do one step for all of them at once.</p>
  <div id="cart-body" hidden>
    <div class="table-wrap">
    <table id="cart-table">
      <caption class="visually-hidden">Items on the cart</caption>
      <thead><tr><th scope="col">Barcode</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Result</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
      <tbody></tbody>
    </table>
    </div>
    <form id="cart-form" class="cart-form">
      <label for="cart-action">Do for the whole cart</label>
      <div class="inline">
        <select id="cart-action" name="action"></select>
        <button type="submit">Apply to cart</button>
      </div>
    </form>
    <div class="inline">
      <a id="cart-labels" class="button secondary" href="/labels">Spine labels for the cart</a>
      <button id="cart-clear" type="button" class="secondary">Empty the cart</button>
    </div>
  </div>
  <div id="cart-message" class="message" role="status" aria-live="polite"></div>
</section>`;
}
