import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { mintDevelopmentToken } from '@app/auth';
import { bearer } from '../support/service-app';
import { eventually } from '../support/test-run';
import { systemBarcode, untilStatus } from './support/flows';
import { SystemHarness } from './support/system-harness';

jest.setTimeout(300_000);

const ARTIFACTS = join(__dirname, '../../test-artifacts/console');
// Debian's Chromium (no browser download); the flags keep it off the network this machine does not have.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Issue 9 end to end, in a real browser against the real running system (four services and the
 * console as processes): a technician signs in, receives a shipment from a CSV file (a bad line is
 * shown next to its field first), scans the items through processing as a cart, a cataloger assigns
 * a call number from the queue, the items are shelved, one is pulled for repair and repaired, and the
 * overview shows each change. Screenshots of the main pages land in test-artifacts/console/.
 */
describe('the technician console in a browser (system)', () => {
  const system = new SystemHarness();
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  let technicianApi: string;
  const pageErrors: string[] = [];

  const books = {
    java: { barcode: systemBarcode(), title: 'Java Programming', callNumber: 'QA76.73 .J38 S55 2010' },
    tea: { barcode: systemBarcode(), title: 'A History of Tea' },
    poems: { barcode: systemBarcode(), title: 'Collected Poems', callNumber: 'PS3545 .I345 A6 1990' },
  };
  const all = Object.values(books).map((b) => b.barcode);

  const go = (path: string) => page.goto(`${system.url('console')}${path}`);
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const message = () => page.locator('#scan-message');

  async function signIn(name: string, role: string, branch = 'CEN'): Promise<void> {
    await go('/sign-in');
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('Role').selectOption(role);
    await page.getByLabel('Branch').selectOption(branch);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/scan');
  }

  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
  }

  /** As a scanner does it: the barcode typed into the focused box, then Enter. */
  async function scan(barcode: string): Promise<void> {
    await page.keyboard.type(barcode);
    await page.keyboard.press('Enter');
    await page.locator('#item-title').waitFor();
    await page.locator('#item .mono', { hasText: barcode }).first().waitFor();
  }

  /** Scans until the item shows the status (events take a moment to reach cataloging). */
  async function scanUntil(barcode: string, statusLabel: string): Promise<void> {
    await eventually(async () => {
      await page.locator('#barcode').focus();
      await scan(barcode);
      await page.locator('#item .status', { hasText: statusLabel }).waitFor({ timeout: 500 });
    }, 60_000, 300);
  }

  /** Waits until the element's text matches (pages update as answers arrive). */
  async function see(locator: Locator, expected: string | RegExp, timeoutMs = 20_000): Promise<void> {
    await eventually(async () => {
      const text = await locator.first().innerText({ timeout: 1000 });
      const ok = typeof expected === 'string' ? text.includes(expected) : expected.test(text);
      if (!ok) throw new Error(`expected ${String(expected)} in: ${text.slice(0, 400)}`);
    }, timeoutMs, 200);
  }

  async function countOf(locator: Locator, expected: number): Promise<void> {
    await eventually(async () => expect(await locator.count()).toBe(expected), 20_000, 200);
  }

  /** Presses an action button until the service takes it (another service may still be catching up). */
  async function actUntil(barcode: string, button: string, done: string): Promise<void> {
    await eventually(async () => {
      await page.locator('#barcode').focus();
      await scan(barcode);
      const action = page.getByRole('button', { name: button, exact: true });
      if ((await action.count()) === 0) throw new Error(`no "${button}" button yet: ${await page.locator('#item').innerText()} / ${await message().innerText()}`);
      const text = await clickAndRead(action);
      if (!text.includes(done)) throw new Error(text);
    }, 60_000, 500);
  }

  /** Clicks, then reads the scan station's message once it has changed. */
  async function clickAndRead(target: Locator): Promise<string> {
    const before = await message().innerText();
    await target.click({ timeout: 1000 });
    let text = before;
    await eventually(async () => {
      text = await message().innerText();
      if (text === before) throw new Error('no answer yet');
    }, 15_000, 100);
    return text;
  }

  async function statusCount(status: string): Promise<number> {
    return Number(await page.locator(`#status-table tr[data-status="${status}"] td`).first().innerText());
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await system.start(['intake', 'cataloging', 'conservation', 'disposal']);
    await system.start(['console']);
    technicianApi = await bearer('technician', ['CEN'], { sub: 'api-check' });
    userDataDir = mkdtempSync(join(tmpdir(), 'console-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await system.stop();
  }, 60_000);

  it('sends a visitor to sign in, and signs a technician in at the scan station', async () => {
    await go('/scan');
    await page.waitForURL('**/sign-in?next=%2Fscan');
    await shot('sign-in');
    await signIn('Tess', 'technician');
    await see(page.locator('.who'), 'Tess');
    // The scanner's input has the focus: a scan goes straight in.
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('barcode');
  });

  let availableBefore = 0;
  it('shows the overview before any work', async () => {
    await go('/overview');
    availableBefore = await statusCount('AVAILABLE');
    expect(availableBefore).toBe(0);
    expect(await statusCount('RECEIVED')).toBe(0);
  });

  it('receives a shipment from a CSV file, showing a bad line next to its field until it is fixed', async () => {
    const csv = [
      'Material Type,Title,Barcode,Creators,ISBN,Call number,Scheme,Security tag,Done by vendor,Collection,Price',
      `book,${books.java.title},${books.java.barcode},"Smith, J.; Jones, A.",9780306406157,${books.java.callNumber},lc,strip,cover,Adult Nonfiction,24.95`,
      `book,${books.tea.title},${books.tea.barcode},"Brown, P.",9780306406158,,,,,Adult Nonfiction,`,
      `book,${books.poems.title},${books.poems.barcode},"Eliot, T. S.",,${books.poems.callNumber},lc,strip,cover,Poetry,12.50`,
    ].join('\r\n');
    const file = join(userDataDir, 'shipment.csv');
    writeFileSync(file, csv);

    await go('/receive');
    await page.getByLabel('Supplier', { exact: true }).fill('Baker & Taylor');
    await page.getByLabel("Supplier's file (CSV)").setInputFiles(file);
    await see(page.locator('#receive-summary'), 'Read 3 lines from shipment.csv');
    await page.getByRole('button', { name: 'Receive shipment' }).click();

    // Intake refuses the whole shipment; the problem sits under line 2's ISBN, and the summary links to it.
    const error = page.locator('#line-1-isbn-error');
    await see(error, /check digit/i);
    expect(await page.locator('#line-1-isbn').getAttribute('aria-invalid')).toBe('true');
    await see(page.locator('#receive-summary'), 'Nothing was received');
    await see(page.locator('#receive-summary a[href="#line-1-isbn"]'), 'Line 2, ISBN');
    await shot('receive-errors');

    await page.locator('#line-1-isbn').fill('9780140449136');
    await page.getByRole('button', { name: 'Receive shipment' }).click();
    await see(page.locator('#receipt'), 'Received 3 items from Baker & Taylor');
    await see(page.locator('#receipt'), '1 wait for a call number');
    await shot('receive-receipt');
    const received = await system.http('intake').get('/items?branch=CEN').set('Authorization', technicianApi).expect(200);
    expect(received.body.page.total).toBe(3);
  });

  it('scans the items onto a cart and records a step for the whole cart', async () => {
    await go('/scan');
    for (const barcode of all) {
      await page.locator('#barcode').focus();
      await scan(barcode);
    }
    await see(page.locator('#cart-title'), 'Cart (3 items)');
    await see(page.locator('#item'), books.poems.title);
    await shot('scan-station');

    await page.getByLabel('Do for the whole cart').selectOption('step:stamp');
    await page.getByRole('button', { name: 'Apply to cart' }).click();
    await see(page.locator('#cart-message'), 'Record stamp: done for 3 of 3 items');
    await see(page.locator('#cart-table'), 'stamp recorded');
    // Pre-labelled books had only the stamp left: they go to the shelvers.
    await untilStatus(system, technicianApi, [books.java.barcode, books.poems.barcode], 'SHELF_READY');
  });

  it('records the remaining steps one by one from the buttons of the scanned item', async () => {
    await page.locator('#barcode').focus();
    await scan(books.tea.barcode);
    await see(page.locator('#item'), 'Waiting for a cataloger to assign a call number');
    await page.getByRole('button', { name: 'Record cover' }).click();
    await see(message(), 'cover recorded');
    await page.getByRole('button', { name: 'Record security tag' }).click();
    await see(message(), 'security tag recorded');
    // The spine label needs a call number: no button for it yet, and the screen says why.
    await countOf(page.getByRole('button', { name: 'Record spine label' }), 0);
    await see(page.locator('#item'), 'The spine label waits for a call number');
  });

  it('lets a cataloger assign the call number from the queue, refusing a malformed one with what to do', async () => {
    await signOut();
    await signIn('Cal', 'cataloger');
    await go('/queues/call-numbers?branch=CEN');
    await see(page.locator('.queue-table'), books.tea.title);
    await shot('queue-call-numbers');

    const callNumber = page.getByLabel(`Call number for ${books.tea.title}`);
    await callNumber.fill('123 not a call number');
    await page.getByRole('button', { name: 'Assign' }).click();
    await see(page.locator('.field-error'), 'Correct what the message names');
    expect(await page.getByLabel(`Call number for ${books.tea.title}`).getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel(`Call number for ${books.tea.title}`).fill('TX415 .B76 2019');
    await page.getByLabel('Scheme').selectOption('lc');
    await page.getByRole('button', { name: 'Assign' }).click();
    await see(page.locator('.message.success'), `Assigned TX415 .B76 2019 to ${books.tea.barcode}`);
    await see(page.locator('.empty'), 'Nothing waits for a call number');
  });

  it('prints the spine label and shelves everything from the cart', async () => {
    await signOut();
    await signIn('Tess', 'technician');
    // Intake hears of the call number through cataloging's event; until then it refuses the step.
    await actUntil(books.tea.barcode, 'Record spine label', 'spine label recorded');
    await untilStatus(system, technicianApi, all, 'SHELF_READY');

    await go('/queues/shelving?branch=CEN');
    // Shelf order: PS before QA before TX (call-number order).
    await countOf(page.locator('.queue-table tbody tr'), 3);
    const order = await page.locator('.queue-table tbody td.call').allInnerTexts();
    expect(order.map((c) => c.slice(0, 2))).toEqual(['PS', 'QA', 'TX']);
    await shot('queue-shelving');

    await go('/scan');
    for (const barcode of all) {
      await page.locator('#barcode').focus();
      await scan(barcode);
    }
    await page.getByLabel('Do for the whole cart').selectOption('shelve');
    await page.getByRole('button', { name: 'Apply to cart' }).click();
    await see(page.locator('#cart-message'), 'Shelve: done for 3 of 3 items');
    await untilStatus(system, technicianApi, all, 'AVAILABLE');
  });

  it('pulls a damaged book for repair and completes the repair', async () => {
    await page.getByRole('button', { name: 'Empty the cart' }).click();
    // Conservation learns of the shelved book from cataloging's events; until then it refuses the pull.
    await eventually(async () => {
      await page.locator('#barcode').focus();
      await scan(books.java.barcode);
      await page.getByLabel('Damage').selectOption('torn-pages', { timeout: 1000 });
      const text = await clickAndRead(page.getByRole('button', { name: 'Pull for repair', exact: true }));
      if (!text.includes('pulled for repair')) throw new Error(text);
    }, 60_000, 500);
    await scanUntil(books.java.barcode, 'In repair');
    await page.locator('form[data-action="complete-repair"]').waitFor();
    await shot('scan-repair');
    await page.getByLabel('Treatment').selectOption('tear-mend');
    await page.getByLabel('Outcome').selectOption('repaired');
    await page.getByLabel('Minutes spent (optional)').fill('15');
    await page.getByRole('button', { name: 'Complete repair' }).click();
    await see(message(), 'repair completed');
    await untilStatus(system, technicianApi, [books.java.barcode], 'SHELF_READY');
    await scanUntil(books.java.barcode, 'Ready to shelve');
    await see(page.locator('#item .history'), 'In repair → Ready to shelve, by dev-tess');
  });

  it('shows every queue of the branch as a printable list, without errors', async () => {
    await go('/queues');
    const queues = await page.locator('.queue-index a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
    expect(queues).toHaveLength(7);
    for (const href of queues) {
      await go(href);
      await page.locator('h1').waitFor();
      expect(await page.locator('.message.error').count()).toBe(0);
      await countOf(page.getByRole('button', { name: 'Print this list' }), 1);
      if (href.startsWith('/queues/shelving')) await see(page.locator('.queue-table'), books.java.barcode);
      if (href.startsWith('/queues/pulls')) await shot('queue-pulls');
    }
  });

  it('shows the work on the overview', async () => {
    await go('/overview');
    expect(await statusCount('AVAILABLE')).toBe(2);
    expect(await statusCount('SHELF_READY')).toBe(1);
    expect(await statusCount('IN_REPAIR')).toBe(0);
    await see(page.locator('#ov-queues').locator('..'), 'To shelve');
    await shot('overview');
  });

  it('prints spine labels with the call number in lines and the barcode in Codabar', async () => {
    await go(`/labels?barcodes=${books.java.barcode},${books.tea.barcode}`);
    const first = page.locator('.spine-label').first();
    expect(await first.locator('.call-lines span').allInnerTexts()).toEqual(['QA', '76.73', '.J38', 'S55', '2010']);
    await countOf(first.locator(`svg[aria-label="Codabar barcode ${books.java.barcode}"]`), 1);
    await countOf(page.locator('.spine-label'), 2);
    await shot('spine-labels');
  });

  it('works at a narrow width', async () => {
    await page.setViewportSize({ width: 380, height: 800 });
    await go('/scan');
    await page.locator('#barcode').focus();
    await scan(books.poems.barcode);
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('scan-station-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('tells the person to sign in again when the services no longer accept their token', async () => {
    const expired = await mintDevelopmentToken({ sub: 'dev-tess', roles: ['technician'], branches: ['CEN'] }, undefined, '-1h');
    await context.addCookies([{ name: 'console_session', value: expired, url: system.url('console') }]);
    const direct = (await page.evaluate(
      `fetch('/api/cataloging/items/${books.poems.barcode}').then(async (r) => ({ status: r.status, body: await r.json() }))`,
    )) as { status: number; body: { whatToDo: string } };
    expect(direct.status).toBe(401);
    expect(direct.body.whatToDo).toMatch(/^Sign in again/);
    await go('/scan');
    await page.waitForURL(/\/sign-in\?next=%2Fscan&reason=/);
    await see(page.locator('.message.warning'), 'Sign in again');
  });

  it('ran every page without a script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
