import { RunFigures } from '../report/figures';
import { shipment } from '../support/fixtures';
import { expectStatus } from '../support/http';
import { sleep } from '../support/repo';
import { cpuPer1000, cpuSnapshot, ScenarioContext } from './scenario-context';

const CART_SIZE = 500;

interface ReceivedShipment {
  id: string;
  items: Array<{ id: string; barcode: string; pendingSteps: string[] }>;
}

type StepResult = { barcode: string; ok: true } | { barcode: string; ok: false; status: number; error: string };

/**
 * Bulk receipt: one POST /shipments of N pre-labelled books, the stamp recorded cart by cart (500
 * barcodes a request, one after another, as a technician works), until all N are SHELF_READY.
 * Timings run from the moment the POST is sent; the end times come from cataloging's history rows.
 */
export async function runBulkReceipt(ctx: ScenarioContext, count: number): Promise<RunFigures> {
  await ctx.backlog.drain(ctx.log);
  const lines = ctx.items.preLabelledBooks(count);
  const baseline = await shelfReadyTotal(ctx);
  const cpuBefore = cpuSnapshot(ctx.fleet);

  const postedAt = Date.now();
  const posted = performance.now();
  const response = expectStatus(await ctx.intake.post<ReceivedShipment>('/shipments', shipment(lines), 300_000), 201, `POST /shipments (${count} items)`);
  const timeTo201S = (performance.now() - posted) / 1000;
  const timeToStatusLineS = response.headersMs / 1000;
  const received = response.body.items;
  if (received.length !== count) throw new Error(`POST /shipments answered ${received.length} lines for ${count} items`);
  const unexpected = received.find((line) => line.pendingSteps.length !== 1 || line.pendingSteps[0] !== 'stamp');
  if (unexpected) {
    throw new Error(`the bench expects a pre-labelled book to need only the stamp; ${unexpected.barcode} needs [${unexpected.pendingSteps.join(', ')}]`);
  }
  const itemIds = received.map((line) => line.id);
  ctx.log(`bulk: 201 for ${count} items in ${timeTo201S.toFixed(2)} s (status line after ${timeToStatusLineS.toFixed(2)} s)`);

  const stepsStarted = performance.now();
  for (let i = 0; i < count; i += CART_SIZE) {
    const barcodes = lines.slice(i, i + CART_SIZE).map((line) => line.barcode);
    const res = expectStatus(await ctx.intake.post<{ results: StepResult[] }>('/steps', { step: 'stamp', barcodes }), 200, 'POST /steps');
    const failed = res.body.results.find((r) => !r.ok);
    if (failed && !failed.ok) throw new Error(`stamp refused for ${failed.barcode}: ${failed.status} ${failed.error}`);
  }
  const stepsS = (performance.now() - stepsStarted) / 1000;
  ctx.log(`bulk: stamp recorded for ${count} items in ${stepsS.toFixed(2)} s`);

  // The count is what a user would watch; the precise moment comes from the history rows below.
  await waitForShelfReady(ctx, baseline, itemIds);
  const shelfReady = await ctx.measurements.reached(itemIds, 'SHELF_READY');
  const entered = await ctx.measurements.catalogEntry(itemIds);
  if (shelfReady.count !== count || shelfReady.lastAt === null || entered.lastAt === null) {
    throw new Error(`cataloging counts ${baseline + count} SHELF_READY, but the history shows ${shelfReady.count} of this shipment's ${count} items`);
  }
  const allShelfReadyS = (shelfReady.lastAt - postedAt) / 1000;
  ctx.log(`bulk: all ${count} SHELF_READY ${allShelfReadyS.toFixed(2)} s after the POST`);
  // CPU counts the whole flow, including the events other services consume after SHELF_READY.
  await ctx.backlog.drain(ctx.log);
  const cpuAfter = cpuSnapshot(ctx.fleet);

  return {
    'bulk.timeTo201S': timeTo201S,
    'bulk.timeToStatusLineS': timeToStatusLineS,
    'bulk.stepsS': stepsS,
    'bulk.allInCatalogS': (entered.lastAt - postedAt) / 1000,
    'bulk.allShelfReadyS': allShelfReadyS,
    'bulk.itemsPerS': count / allShelfReadyS,
    ...cpuPer1000(cpuBefore, cpuAfter, count, 'bulk'),
  };
}

async function shelfReadyTotal(ctx: ScenarioContext): Promise<number> {
  const res = expectStatus(await ctx.cataloging.get<{ page: { total: number } }>('/items?branch=CEN&status=SHELF_READY&limit=1'), 200, 'GET /items');
  return res.body.page.total;
}

/**
 * Polls cataloging's count (what a user would watch). Progress is judged on every transition of the
 * shipment's items, not only SHELF_READY: the catalog takes all N receipts before the first stamp's
 * event, so the count can rightly stay at zero for a long time. Gives up when nothing moved for a minute.
 */
async function waitForShelfReady(ctx: ScenarioContext, baseline: number, itemIds: string[]): Promise<void> {
  let transitions = -1;
  let lastProgress = Date.now();
  let lastCheck = 0;
  for (;;) {
    const done = (await shelfReadyTotal(ctx)) - baseline;
    if (done >= itemIds.length) return;
    if (Date.now() - lastCheck >= 1_000) {
      lastCheck = Date.now();
      const now = await ctx.measurements.transitions(itemIds);
      if (now !== transitions) {
        transitions = now;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > 60_000) {
        throw new Error(`stalled: ${done} of ${itemIds.length} items SHELF_READY, ${now} transitions recorded, nothing new for 60 s`);
      }
    }
    await sleep(100);
  }
}
