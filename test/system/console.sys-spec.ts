import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, createConnection, createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { mintDevelopmentToken } from '@app/auth';
import { TestIdentityProvider } from '../../apps/console/test/oidc-provider';
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

/** Debian's Chromium with a profile of its own; script errors of its page are collected in `pageErrors`. */
async function openBrowser(profilePrefix: string, pageErrors: string[]): Promise<{ userDataDir: string; context: BrowserContext; page: Page }> {
  const userDataDir = mkdtempSync(join(tmpdir(), profilePrefix));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { userDataDir, context, page };
}

async function closeBrowser(context: BrowserContext | undefined, userDataDir: string | undefined): Promise<void> {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
}

describe('the technician console in a browser (system)', () => {
  const system = new SystemHarness();
  // The bindery vendor and the sales platform this test's lot and listing make declare their partner
  // queues: removed with the run's other queues.
  for (const partnerId of ['acme-bindery', 'sales-platform']) system.run.partnerQueue(partnerId);
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

  /** The return button names the lot, whose number holds the day it was opened. */
  async function returnButtonName(barcode: string): Promise<string> {
    let name = '';
    await eventually(async () => {
      await page.locator('#barcode').focus();
      await scan(barcode);
      name = (await page.getByRole('button', { name: /^Returned from the bindery/ }).innerText({ timeout: 1000 })).trim();
    }, 60_000, 500);
    return name;
  }

  async function statusCount(status: string): Promise<number> {
    return Number(await page.locator(`#status-table tr[data-status="${status}"] td`).first().innerText());
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await system.start(['intake', 'cataloging', 'conservation', 'disposal']);
    await system.start(['console']);
    technicianApi = await bearer('technician', ['CEN'], { sub: 'api-check' });
    ({ userDataDir, context, page } = await openBrowser('console-chromium-', pageErrors));
  }, 240_000);

  afterAll(async () => {
    await closeBrowser(context, userDataDir);
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

  it('pulls a book for binding, prepares a bindery lot with its slip, dispatches it and checks the book back in', async () => {
    const admin = await bearer('admin', ['*'], { sub: 'ada' });
    await system.http('conservation').post('/vendors').set('Authorization', admin).send({ name: 'Acme Bookbinding', partnerId: 'acme-bindery', turnaroundDays: 35 }).expect(201);

    await go('/scan');
    await actUntil(books.poems.barcode, 'Pull for binding', 'pulled for binding');
    await scanUntil(books.poems.barcode, 'Waiting for the bindery');
    // Conservation shows its vendors to administrators only, and this branch has sent no lot yet.
    await see(page.locator('#item .notes'), 'no bindery vendor is known to you: ask an administrator');

    await signOut();
    await signIn('Ada', 'admin', '*');
    await page.locator('#barcode').focus();
    await scan(books.poems.barcode);
    const form = page.locator('form[data-action="bindery-add"]');
    await form.getByLabel('Lot', { exact: true }).selectOption({ label: 'New lot with Acme Bookbinding' });
    await form.getByLabel('Binding style').selectOption('buckram');
    await form.getByLabel('Leaf attachment').selectOption('oversew');
    await form.getByLabel('Cloth colour').fill('dark blue');
    await form.getByLabel('Foil colour').fill('gold');
    expect(await form.getByLabel('Spine lettering').inputValue()).toBe('COLLECTED POEMS / PS3545 .I345 A6 1990');
    await shot('scan-bindery-slip');
    await clickAndRead(form.getByRole('button', { name: 'Add to a bindery lot' }));
    await see(message(), 'added to the bindery lot');

    // A technician dispatches the lot the scanned book is a line of.
    await signOut();
    await signIn('Tess', 'technician');
    await page.locator('#barcode').focus();
    await scan(books.poems.barcode);
    await see(page.locator('#item .notes'), 'Line 1 of bindery lot CEN-');
    const dispatched = await clickAndRead(page.getByRole('button', { name: /^Dispatch lot CEN-\d{8}-\d+ \(1 item\)$/ }));
    expect(dispatched).toMatch(/lot CEN-\d{8}-\d+ dispatched to the bindery/);
    await untilStatus(system, technicianApi, [books.poems.barcode], 'AT_BINDERY');
    await go('/queues/bindery?branch=CEN');
    await see(page.locator('.queue-table'), 'Acme Bookbinding');
    await see(page.locator('.queue-table'), 'at the bindery');
    await shot('queue-bindery');

    await go('/scan');
    await actUntil(books.poems.barcode, (await returnButtonName(books.poems.barcode)), 'checked in from the bindery');
    await untilStatus(system, technicianApi, [books.poems.barcode], 'SHELF_READY');
  });

  it('lists a book condemned in repair for sale from the scan station', async () => {
    await go('/scan');
    await eventually(async () => {
      await page.locator('#barcode').focus();
      await scan(books.tea.barcode);
      const text = await clickAndRead(page.getByRole('button', { name: 'Pull for repair', exact: true }));
      if (!text.includes('pulled for repair')) throw new Error(text);
    }, 60_000, 500);
    await scanUntil(books.tea.barcode, 'In repair');
    await page.locator('form[data-action="complete-repair"]').waitFor();
    await page.getByLabel('Treatment').selectOption('clean');
    await page.getByLabel('Outcome').selectOption('condemned');
    await page.getByRole('button', { name: 'Complete repair' }).click();
    await see(message(), 'repair completed');
    await untilStatus(system, technicianApi, [books.tea.barcode], 'WITHDRAWN');

    // Disposal hears of the withdrawal from cataloging's event; until then it refuses the listing.
    await eventually(async () => {
      await page.locator('#barcode').focus();
      await scan(books.tea.barcode);
      const form = page.locator('form[data-action="list-for-sale"]');
      await form.getByLabel('Condition').selectOption('good', { timeout: 1000 });
      await form.getByLabel('Price (optional)').fill('3.50');
      await shot('scan-list-for-sale');
      const text = await clickAndRead(form.getByRole('button', { name: 'List for sale' }));
      if (!text.includes('listed for sale')) throw new Error(text);
    }, 60_000, 500);
    await untilStatus(system, technicianApi, [books.tea.barcode], 'LISTED_FOR_SALE');
    await go('/queues/listings?branch=CEN');
    await see(page.locator('.queue-table'), books.tea.title);
    await see(page.locator('.queue-table'), '3.50');
    await shot('queue-listings');
  });

  it('finds one item on the pull list by its barcode', async () => {
    for (const [barcode, damage] of [[books.java.barcode, 'loose-pages'], [books.poems.barcode, 'broken-spine']]) {
      await eventually(() => system.http('conservation').post('/pull-requests').set('Authorization', technicianApi).send({ barcode, reason: 'repair', damage }).expect(201), 60_000, 500);
    }
    const rows = page.locator('.queue-table tbody tr');
    await go('/queues/pulls?branch=CEN');
    await countOf(rows, 2);
    await page.getByLabel('Barcode', { exact: true }).fill(books.poems.barcode);
    await page.keyboard.press('Enter');
    await page.waitForURL(/barcode=/);
    await countOf(rows, 1);
    await see(page.locator('.queue-table'), 'broken spine');
    await shot('queue-pulls-barcode');
    await page.getByRole('link', { name: 'Show the whole list' }).click();
    await countOf(rows, 2);
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

/**
 * The address people use for the console: a plain TCP pass-through (as a load balancer would be) in
 * front of the console process. It exists first, so the console can be told its own callback URL
 * before the harness has picked the console's port.
 */
class FrontDoor {
  targetPort = 0;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/**
 * Production sign-in in a real browser: the console and cataloging verify tokens only with the keys
 * of a real (small) OpenID Connect provider run by the test, on another site (localhost rather than
 * 127.0.0.1), so the cookies meet the same SameSite rules as in a deployment. A person signs in at
 * the provider, comes back signed in with the roles and branch of their account, and cataloging
 * accepts the token the console forwards; a forged answer is refused with a page that says what to do.
 */
describe('signing in at the library identity provider in a browser (system)', () => {
  const AUDIENCE = 'technical-services';
  const frontDoor = new FrontDoor();
  let consoleAddress: string;
  let idp: TestIdentityProvider;
  let system: SystemHarness;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const atProvider = () => page.waitForURL((url) => url.toString().startsWith(`${idp.issuer}/authorize`));
  const status = (path: string) => page.evaluate(`fetch(${JSON.stringify(path)}).then((r) => r.status)`) as Promise<number>;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    consoleAddress = await frontDoor.start();
    // A public client: PKCE alone protects the code (the other integration test uses a client secret).
    idp = new TestIdentityProvider({ id: 'technician-console', redirectUri: `${consoleAddress}/auth/callback` }, AUDIENCE, 'localhost');
    await idp.start();
    system = new SystemHarness({
      AUTH_MODE: 'jwks',
      JWKS_URL: idp.jwksUrl,
      JWT_ISSUER: idp.issuer,
      JWT_AUDIENCE: AUDIENCE,
      CONSOLE_DEV_SIGN_IN: 'false',
      OIDC_ISSUER_URL: idp.issuer,
      OIDC_CLIENT_ID: 'technician-console',
      OIDC_REDIRECT_URL: `${consoleAddress}/auth/callback`,
      OIDC_STATE_SECRET: 'system-test-state-secret-0123456789abcdef',
    });
    await system.start(['cataloging']);
    await system.start(['console']);
    frontDoor.targetPort = Number(new URL(system.url('console')).port);
    ({ userDataDir, context, page } = await openBrowser('console-oidc-chromium-', pageErrors));
  }, 240_000);

  afterAll(async () => {
    await closeBrowser(context, userDataDir);
    await system?.stop();
    await idp?.stop();
    await frontDoor.stop();
  }, 60_000);

  it('sends a visitor to the provider and back, signed in with the roles and branch of their library account', async () => {
    idp.account = { sub: 'tess.tech', name: 'Tess Tech', roles: ['technician', 'wiki-editor'], branches: ['CEN'] };
    await page.goto(`${consoleAddress}/queues`);
    await atProvider();
    await shot('oidc-provider-sign-in');
    await page.getByRole('button', { name: 'Sign in to the library' }).click();
    await page.waitForURL(`${consoleAddress}/queues`);
    expect(await page.locator('.who').innerText()).toContain('Tess Tech · technician · CEN');
    // The token the console forwards is the provider's, and cataloging takes it on its own keys.
    expect(await status('/api/cataloging/items?branch=CEN')).toBe(200);
    expect(await status('/api/cataloging/items?branch=NOR')).toBe(403);
    await shot('oidc-signed-in');
  });

  it('refuses an answer that does not belong to the sign-in this browser started, saying what to do', async () => {
    await page.goto(`${consoleAddress}/sign-in?next=%2Fscan`);
    await atProvider();
    await page.goto(`${consoleAddress}/auth/callback?code=stolen-code&state=forged-state`);
    const problem = page.locator('.message.error');
    expect(await problem.innerText()).toContain('state mismatch');
    expect(await problem.innerText()).toContain('Sign in again from this browser');
    await shot('oidc-state-mismatch');

    await page.getByRole('link', { name: 'Sign in again' }).click();
    await atProvider();
    await page.getByRole('button', { name: 'Sign in to the library' }).click();
    await page.waitForURL(`${consoleAddress}/scan`);
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('barcode');
  });

  it('signs out of the console, and back in through the provider', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${consoleAddress}/signed-out`);
    expect(await page.locator('.message.success').innerText()).toContain('You are signed out of the console.');
    expect(await status('/api/cataloging/items?branch=CEN')).toBe(401);
    await shot('oidc-signed-out');

    idp.account = { sub: 'cal', name: 'Cal Loger', roles: ['cataloger'], branches: ['NOR'] };
    await page.getByRole('link', { name: 'Sign in again' }).click();
    await atProvider();
    await page.getByRole('button', { name: 'Sign in to the library' }).click();
    await page.waitForURL(`${consoleAddress}/scan`);
    expect(await page.locator('.who').innerText()).toContain('Cal Loger · cataloger · NOR');
  });

  it('ran every page without a script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
