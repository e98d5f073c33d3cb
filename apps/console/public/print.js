// @ts-check
// "Print" buttons (no inline handlers: the console's content security policy forbids them).
for (const button of document.querySelectorAll('[data-print]')) {
  button.addEventListener('click', () => window.print());
}
