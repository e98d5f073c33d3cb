import { bearer } from '../../support/service-app';
import { SystemHarness } from '../support/system-harness';
import { FaultInjector } from './fault-injector';
import { PlannedItem, pendingSteps, shipmentLine } from './item-plan';
import { Answer, inParallel, sleep, StaffClient, until } from './staff-client';

const BRANCH = 'CEN';
const CART = 1000;
const SHIPMENT_LINES = 1000;
const BINDERY_REQUEST = 500;
const PARALLEL = 8;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

export interface FaultPlan {
  /** Stop and start RabbitMQ itself (larger mode only: other suites share the broker). */
  brokerRestart: boolean;
}

interface Tokens {
  technician: string;
  senior: string;
  cataloger: string;
  librarian: string;
  admin: string;
  vendor: string;
}

/**
 * Drives the library through its HTTP APIs and the vendor's partner queue the way its staff and its
 * bindery would, for every item of the plan: receive, process, catalog, shelve, pull, repair, bind,
 * withdraw. Every state-changing call can be repeated after a fault without applying twice: an
 * answer that says "already done" is success, and where the first attempt's fate is unknown the
 * current state is read before trying again. The faults are triggered from inside the phases, so
 * each one lands while work is in flight.
 */
export class LibraryFlow {
  readonly vendorPartner = 'chaos-bindery';
  private tokens!: Tokens;
  readonly vendorMessages = new Set<string>();

  constructor(
    private readonly system: SystemHarness,
    private readonly client: StaffClient,
    private readonly faults: FaultInjector,
    private readonly items: PlannedItem[],
    private readonly plan: FaultPlan,
    private readonly log: (line: string) => void,
  ) {}

  async run(): Promise<void> {
    this.tokens = {
      technician: await bearer('technician', [BRANCH], { sub: 'chaos-tech' }),
      senior: await bearer('senior-technician', [BRANCH], { sub: 'chaos-senior' }),
      cataloger: await bearer('cataloger', [BRANCH], { sub: 'chaos-cataloger' }),
      librarian: await bearer('librarian', [BRANCH], { sub: 'chaos-librarian' }),
      admin: await bearer('admin', ['*'], { sub: 'chaos-admin' }),
      vendor: await bearer('bindery-vendor', [], { partnerId: this.vendorPartner }),
    };
    await this.phase('receive', () => this.receive());
    await this.phase('process', () => this.process());
    await this.phase('catalog', () => this.catalog());
    await this.phase('shelve', () => this.shelveAll(this.items.map((i) => i.barcode), { crashMidCart: true }));
    await this.phase('pull', () => this.pull());
    await this.phase('repair', () => this.repair());
    await this.phase('bind', () => this.bind());
    await this.phase('reshelve', () => this.reshelve());
    await this.phase('withdraw', () => this.withdraw());
  }

  private async phase(name: string, work: () => Promise<void>): Promise<void> {
    const started = Date.now();
    this.log(`phase ${name}…`);
    await work();
    await this.faults.settle();
    this.log(`phase ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  // ---- intake -----------------------------------------------------------------------------------

  /** Shipments of up to 1,000 lines; intake is killed after the first, cataloging while it takes them in. */
  private async receive(): Promise<void> {
    const shipments: PlannedItem[][] = [];
    for (let i = 0; i < this.items.length; i += SHIPMENT_LINES) shipments.push(this.items.slice(i, i + SHIPMENT_LINES));
    for (const [i, shipment] of shipments.entries()) {
      await this.receiveShipment(shipment);
      if (i === 0) this.faults.inBackground(() => this.faults.crash('intake'));
    }
    // Cataloging is part-way through the intake.item.received events when it dies.
    await until('cataloging to take in a quarter of the items', async () => (await this.catalogTotal()) >= this.items.length / 4, 120_000, 200);
    this.faults.inBackground(() => this.faults.crash('cataloging'));
  }

  private async receiveShipment(lines: PlannedItem[]): Promise<void> {
    const answer = await this.client.post('intake', '/shipments', {
      token: this.tokens.technician,
      body: { supplier: 'Chaos Books Ltd', branch: BRANCH, items: lines.map(shipmentLine) },
    });
    // All or nothing: "already received" for a retried shipment means the first attempt landed.
    if (answer.status === 201) return;
    if (answer.status === 409 && /already received/.test(JSON.stringify(answer.body))) {
      const first = await this.client.read('intake', `/items/${lines[0].barcode}`, this.tokens.technician);
      if (first.shipmentId) return;
    }
    throw new Error(`shipment refused: ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
  }

  /** Each step as a cart, in the order technicians work; the broker drops every connection meanwhile. */
  private async process(): Promise<void> {
    for (const step of ['cover', 'security-tag', 'stamp']) {
      const barcodes = this.items.filter((item) => pendingSteps(item).includes(step)).map((item) => item.barcode);
      if (step === 'security-tag') this.faults.inBackground(() => this.faults.dropBrokerConnections());
      await this.recordStep(step, barcodes);
    }
  }

  /**
   * Records a step on every item, cart by cart. An item that already has it (a retried cart) is done;
   * a spine label before intake heard of the call number waits and is tried again.
   */
  private async recordStep(step: string, barcodes: string[]): Promise<void> {
    let todo = barcodes;
    await until(() => `${step} on ${todo.length} items (e.g. ${todo.slice(0, 3).join(', ')})`, async () => {
      const left: string[] = [];
      for (let i = 0; i < todo.length; i += CART) {
        const cart = todo.slice(i, i + CART);
        const answer = await this.client.post('intake', '/steps', { token: this.tokens.technician, body: { step, barcodes: cart } });
        if (answer.status !== 200) throw new Error(`${step} cart: ${answer.status} ${JSON.stringify(answer.body)}`);
        for (const result of answer.body.results as Array<{ barcode: string; ok: boolean; status?: number; error?: string }>) {
          if (result.ok || /already recorded/.test(result.error ?? '')) continue;
          if (result.status === 409 && /no call number yet/.test(result.error ?? '')) left.push(result.barcode);
          else throw new Error(`${step} on ${result.barcode}: ${result.status} ${result.error}`);
        }
      }
      todo = left;
      return todo.length === 0;
    }, 180_000, 1_000);
  }

  // ---- cataloging -------------------------------------------------------------------------------

  /**
   * The cataloger works through the call-number queue; half-way, this run's PostgreSQL sessions are
   * terminated. Then the technicians print the spine labels (intake learns the call numbers from
   * cataloging's events).
   */
  private async catalog(): Promise<void> {
    const unlabelled = this.items.filter((item) => item.arrival === 'unlabelled');
    await this.untilStatus(unlabelled, ['AWAITING_CALL_NUMBER'], 'the unlabelled items in the call-number queue');
    await inParallel(unlabelled, PARALLEL, async (item, i) => {
      if (i === Math.floor(unlabelled.length / 2)) this.faults.inBackground(() => this.faults.terminateDatabaseSessions());
      await this.assignCallNumber(item);
    });
    if (this.plan.brokerRestart) this.faults.inBackground(() => this.faults.restartBroker());
    await this.recordStep('spine-label', unlabelled.map((item) => item.barcode));
  }

  private async assignCallNumber(item: PlannedItem): Promise<void> {
    const path = `/items/${item.barcode}/call-number`;
    const answer = await this.client.put('cataloging', path, {
      token: this.tokens.cataloger,
      body: { callNumber: item.callNumber, scheme: item.scheme },
      // Landed after all when the item has its call number and left the queue.
      reconcile: async () => {
        const current = await this.client.get('cataloging', `/items/${item.barcode}`, this.tokens.cataloger);
        return current.status === 200 && current.body.callNumber && current.body.status !== 'AWAITING_CALL_NUMBER' ? current : undefined;
      },
    });
    if (answer.status !== 200) throw new Error(`call number for ${item.barcode}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  /**
   * Shelves every given item once it is shelf-ready, a cart at a time, until all are AVAILABLE. A
   * cart is one transaction: cataloging killed during one shelves none of it, and the next round
   * sends its items again.
   */
  private async shelveAll(barcodes: string[], options: { crashMidCart?: boolean } = {}): Promise<void> {
    const wanted = new Set(barcodes);
    let crashed = !options.crashMidCart;
    let statuses = new Map<string, string>();
    const behind = () => [...wanted].slice(0, 3).map((barcode) => `${barcode} ${statuses.get(barcode) ?? 'unknown'}`).join(', ');
    await until(() => `${wanted.size} items to be shelved (e.g. ${behind()})`, async () => {
      statuses = await this.catalogStatuses();
      const ready = [...wanted].filter((barcode) => statuses.get(barcode) === 'SHELF_READY');
      for (let i = 0; i < ready.length; i += CART) {
        if (!crashed && ready.length - i >= CART / 2) {
          crashed = true;
          this.faults.inBackground(async () => {
            await sleep(1_000);
            await this.faults.crash('cataloging');
          });
        }
        const answer = await this.client.post('cataloging', '/items/shelve', { token: this.tokens.technician, body: { barcodes: ready.slice(i, i + CART) } });
        if (answer.status !== 200) throw new Error(`shelving cart: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      if (ready.length) statuses = await this.catalogStatuses();
      for (const barcode of [...wanted]) if (statuses.get(barcode) === 'AVAILABLE') wanted.delete(barcode);
      return wanted.size === 0;
    }, 300_000, 1_000);
  }

  // ---- conservation -----------------------------------------------------------------------------

  private readonly repairs = new Map<string, string>();

  /** Pull requests and pulls for repair and binding (and some not found); conservation dies part-way. */
  private async pull(): Promise<void> {
    const pulled = this.items.filter((item) => ['repaired', 'repair-to-bindery', 'condemned', 'bound', 'missing'].includes(item.fate));
    await inParallel(pulled, PARALLEL, async (item, i) => {
      if (i === Math.floor(pulled.length * 0.4)) this.faults.inBackground(() => this.faults.crash('conservation'));
      const requestId = await this.requestPull(item);
      const outcome = item.fate === 'missing' ? 'not-found' : 'pulled';
      const repairId = await this.closePull(requestId, outcome);
      if (repairId) this.repairs.set(item.barcode, repairId);
    });
  }

  private async requestPull(item: PlannedItem): Promise<string> {
    const reason = item.fate === 'bound' ? 'binding' : 'repair';
    let id: string | undefined;
    await until(`a pull request for ${item.barcode}`, async () => {
      const answer = await this.client.post('conservation', '/pull-requests', {
        token: this.tokens.technician,
        body: { barcode: item.barcode, reason, ...(reason === 'repair' ? { damage: 'torn-pages' } : {}) },
      });
      if (answer.status === 201) id = answer.body.id;
      // A retried request finds the one its first attempt opened.
      else if (answer.status === 409 && /already has an open pull request/.test(answer.body.message)) id = UUID.exec(answer.body.message)?.[0] ?? (await this.openPullRequest(item.barcode));
      // Not yet: conservation has not heard from the catalog that the item is on the shelf.
      else if (answer.status === 404 || (answer.status === 409 && /only an item on the shelf/.test(answer.body.message))) return false;
      else throw new Error(`pull request for ${item.barcode}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return id !== undefined;
    }, 120_000, 500);
    return id!;
  }

  private async openPullRequest(barcode: string): Promise<string | undefined> {
    for (let offset = 0; ; offset += 1000) {
      const page = await this.client.read('conservation', `/pull-list?branch=${BRANCH}&limit=1000&offset=${offset}`, this.tokens.technician);
      const found = page.data.find((entry: { barcode: string }) => entry.barcode === barcode);
      if (found) return found.id;
      if (page.data.length < 1000) return undefined;
    }
  }

  /** Marks the pull done; answers the repair work order it opened (a pull for repair opens one). */
  private async closePull(requestId: string, outcome: 'pulled' | 'not-found'): Promise<string | null> {
    const answer = await this.client.post('conservation', `/pull-requests/${requestId}/${outcome}`, { token: this.tokens.technician });
    if (answer.status === 200) return answer.body.repairId;
    if (answer.status === 409 && new RegExp(`is ${outcome}; only an open request`).test(answer.body.message)) {
      return (await this.client.read('conservation', `/pull-requests/${requestId}`, this.tokens.technician)).repairId;
    }
    throw new Error(`pull ${requestId} ${outcome}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  /** Each repair ends as its item's fate says: repaired, to the bindery (a major repair), or condemned. */
  private async repair(): Promise<void> {
    const repaired = this.items.filter((item) => ['repaired', 'repair-to-bindery', 'condemned'].includes(item.fate));
    await inParallel(repaired, PARALLEL, async (item) => {
      const repairId = this.repairs.get(item.barcode);
      if (!repairId) throw new Error(`no repair work order for ${item.barcode}`);
      const [token, body] =
        item.fate === 'repaired'
          ? [this.tokens.technician, { treatment: 'tear-mend', minutes: 15, outcome: 'repaired' }]
          : item.fate === 'repair-to-bindery'
            ? [this.tokens.senior, { treatment: 'rebind', outcome: 'bindery' }]
            : [this.tokens.technician, { treatment: 'other', outcome: 'condemned', note: 'mould throughout' }];
      await until(`repair of ${item.barcode}`, async () => {
        const answer = await this.client.post('conservation', `/repairs/${repairId}/complete`, { token, body });
        if (answer.status === 200) return true;
        if (answer.status === 409 && new RegExp(`repair ${repairId} is completed`).test(answer.body.message)) return true;
        // The catalog's IN_REPAIR has not reached conservation's view yet.
        if (answer.status === 409 && /only an item IN_REPAIR can leave repair/.test(answer.body.message)) return false;
        throw new Error(`repair ${repairId}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }, 120_000, 500);
    });
  }

  /**
   * One lot: the vendor (created by an admin), the items bound and those a repair sent to the bindery,
   * dispatched, read by the vendor from its own queue and acknowledged, then returned in two batches.
   */
  private async bind(): Promise<void> {
    const bound = this.items.filter((item) => item.fate === 'bound' || item.fate === 'repair-to-bindery');
    const vendorId = await this.vendor();
    const lot = await this.openLot(vendorId);
    for (let i = 0; i < bound.length; i += BINDERY_REQUEST) await this.addToLot(lot, bound.slice(i, i + BINDERY_REQUEST));
    await this.dispatch(lot);
    // The vendor's manifest and the catalog's event are in the outbox when every connection drops.
    this.faults.inBackground(() => this.faults.dropBrokerConnections());
    await this.vendorReadsManifest(lot, bound);
    const ack = await this.client.post('conservation', `/vendor/shipments/${lot.id}/acknowledge`, { token: this.tokens.vendor });
    if (ack.status !== 200) throw new Error(`vendor acknowledgement: ${ack.status} ${JSON.stringify(ack.body)}`);
    // The lot comes back weeks later in the real world: by then the catalog has them AT_BINDERY.
    await this.untilStatus(bound, ['AT_BINDERY'], 'the lot at the bindery');
    const half = Math.ceil(bound.length / 2);
    await this.returnFromBindery(lot, bound.slice(0, half));
    await this.returnFromBindery(lot, bound.slice(half));
  }

  private async vendor(): Promise<string> {
    const answer = await this.client.post('conservation', '/vendors', {
      token: this.tokens.admin,
      body: { name: 'Chaos Bindery Co', partnerId: this.vendorPartner, turnaroundDays: 28 },
    });
    this.system.run.partnerQueue(this.vendorPartner);
    if (answer.status === 201) return answer.body.id;
    if (answer.status === 409 && /already belongs to another vendor/.test(answer.body.message)) {
      const vendors = await this.client.read('conservation', '/vendors?limit=1000', this.tokens.admin);
      return vendors.data.find((v: { partnerId: string }) => v.partnerId === this.vendorPartner).id;
    }
    throw new Error(`vendor: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  private async openLot(vendorId: string): Promise<{ id: string; lotNumber: string }> {
    const existing = async (): Promise<Answer | undefined> => {
      const open = await this.client.read('conservation', `/bindery/shipments?branch=${BRANCH}&status=open`, this.tokens.technician);
      return open.data.length ? { status: 201, body: open.data[0] } : undefined;
    };
    const answer = await this.client.post('conservation', '/bindery/shipments', { token: this.tokens.technician, body: { vendorId, branch: BRANCH }, reconcile: existing });
    if (answer.status !== 201) throw new Error(`bindery lot: ${answer.status} ${JSON.stringify(answer.body)}`);
    return { id: answer.body.id, lotNumber: answer.body.lotNumber };
  }

  private async addToLot(lot: { id: string; lotNumber: string }, items: PlannedItem[]): Promise<void> {
    const inLot = async (): Promise<Answer | undefined> => {
      const detail = await this.client.read('conservation', `/bindery/shipments/${lot.id}`, this.tokens.technician);
      const lines = new Set(detail.lines.map((line: { barcode: string }) => line.barcode));
      return items.every((item) => lines.has(item.barcode)) ? { status: 200, body: detail } : undefined;
    };
    await until(`${items.length} items into lot ${lot.lotNumber}`, async () => {
      const answer = await this.client.post('conservation', `/bindery/shipments/${lot.id}/items`, {
        token: this.tokens.technician,
        body: {
          items: items.map((item) => ({
            barcode: item.barcode,
            bindingStyle: 'buckram',
            leafAttachment: 'oversew',
            clothColor: 'dark green',
            foilColor: 'gold',
            spineLettering: [item.title.toUpperCase().slice(0, 60), item.callNumber],
            instructions: 'trim minimally',
          })),
        },
        reconcile: inLot,
      });
      if (answer.status === 200) return true;
      if (answer.status === 409 && (await inLot())) return true;
      // All or nothing: until conservation's view has every item AWAITING_BINDERY, nothing goes in.
      if (answer.status === 409 && /only an item AWAITING_BINDERY/.test(answer.body.message)) return false;
      throw new Error(`lot ${lot.lotNumber}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
    }, 180_000, 1_000);
  }

  private async dispatch(lot: { id: string; lotNumber: string }): Promise<void> {
    const answer = await this.client.post('conservation', `/bindery/shipments/${lot.id}/dispatch`, { token: this.tokens.technician });
    if (answer.status === 200) return;
    if (answer.status === 409 && /is dispatched; only an open lot/.test(answer.body.message)) return;
    throw new Error(`dispatch ${lot.lotNumber}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
  }

  /** The vendor's side: its manifest arrives on its own queue (once, or again after a relay crash). */
  private async vendorReadsManifest(lot: { id: string; lotNumber: string }, items: PlannedItem[]): Promise<void> {
    const queue = this.system.run.partnerQueue(this.vendorPartner);
    const manifests: Array<{ id: string; data: { shipmentId: string; lines: Array<{ barcode: string }> } }> = [];
    await until(`the manifest of lot ${lot.lotNumber} on ${queue}`, async () => {
      try {
        const channel = await this.system.run.channel();
        try {
          for (let message = await channel.get(queue, { noAck: false }); message; message = await channel.get(queue, { noAck: false })) {
            manifests.push(JSON.parse(message.content.toString()));
            channel.ack(message);
          }
        } finally {
          await channel.close().catch(() => undefined);
        }
      } catch {
        return false; // the broker dropped the connection: read again
      }
      return manifests.some((m) => m.data.shipmentId === lot.id);
    }, 120_000, 500);
    for (const manifest of manifests.filter((m) => m.data.shipmentId === lot.id)) {
      const lines = manifest.data.lines.map((line) => line.barcode);
      if (lines.length !== items.length || !items.every((item) => lines.includes(item.barcode))) {
        throw new Error(`manifest of lot ${lot.lotNumber} lists ${lines.length} items, expected ${items.length}`);
      }
      this.vendorMessages.add(manifest.id);
    }
  }

  private async returnFromBindery(lot: { id: string; lotNumber: string }, items: PlannedItem[]): Promise<void> {
    const answer = await this.client.post('conservation', `/bindery/shipments/${lot.id}/returns`, {
      token: this.tokens.technician,
      body: { barcodes: items.map((item) => item.barcode) },
    });
    if (answer.status !== 200) throw new Error(`return to lot ${lot.lotNumber}: ${answer.status} ${JSON.stringify(answer.body)}`);
    // A retried return finds its items already returned: that is the first attempt's work.
    const refused = (answer.body.rejected as Array<{ barcode: string; reason: string }>).filter((r) => r.reason !== 'already returned');
    if (refused.length) throw new Error(`lot ${lot.lotNumber} refused returns: ${JSON.stringify(refused)}`);
  }

  /** Repaired and rebound items come back to the shelvers' cart and go on the shelf. */
  private async reshelve(): Promise<void> {
    const back = this.items.filter((item) => ['repaired', 'repair-to-bindery', 'bound'].includes(item.fate));
    await this.shelveAll(back.map((item) => item.barcode));
  }

  // ---- disposal ---------------------------------------------------------------------------------

  /** A librarian withdraws superseded items; disposal dies part-way. Condemned items withdraw themselves. */
  private async withdraw(): Promise<void> {
    const withdrawn = this.items.filter((item) => item.fate === 'withdrawn');
    await inParallel(withdrawn, PARALLEL, async (item, i) => {
      if (i === Math.floor(withdrawn.length * 0.3)) this.faults.inBackground(() => this.faults.crash('disposal'));
      await until(`withdrawal of ${item.barcode}`, async () => {
        const answer = await this.client.post('disposal', '/withdrawals', { token: this.tokens.librarian, body: { barcode: item.barcode, reason: 'superseded' } });
        if (answer.status === 201) return true;
        // A retried withdrawal finds the item withdrawn by its first attempt.
        if (answer.status === 409 && /(is WITHDRAWN: withdrawn|already left the collection)/.test(answer.body.message)) return true;
        // Disposal has not heard of the item from the catalog yet.
        if (answer.status === 404) return false;
        throw new Error(`withdrawal of ${item.barcode}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }, 120_000, 500);
    });
  }

  // ---- reading the catalog ----------------------------------------------------------------------

  /** Every item's status of record, from cataloging's item search (withdrawn ones included). */
  async catalogStatuses(): Promise<Map<string, string>> {
    return new Map([...(await this.catalogItems())].map(([barcode, item]) => [barcode, item.status]));
  }

  /** Status and version of every item, from cataloging's item search (withdrawn ones included). */
  async catalogItems(): Promise<Map<string, { status: string; version: number }>> {
    return this.listAll('cataloging');
  }

  /** Intake's view of every item it received (the status cataloging last reported to it). */
  async intakeItems(): Promise<Map<string, { status: string; version: number }>> {
    return this.listAll('intake');
  }

  private async listAll(service: 'cataloging' | 'intake'): Promise<Map<string, { status: string; version: number }>> {
    const items = new Map<string, { status: string; version: number }>();
    for (let offset = 0; ; offset += 1000) {
      const page = await this.client.read(service, `/items?branch=${BRANCH}&includeWithdrawn=true&limit=1000&offset=${offset}`, this.tokens.technician);
      for (const item of page.data as Array<{ barcode: string; status: string; version: number }>) items.set(item.barcode, { status: item.status, version: item.version });
      if (offset + page.data.length >= page.page.total || page.data.length === 0) return items;
    }
  }

  private async catalogTotal(): Promise<number> {
    const page = await this.client.read('cataloging', `/items?branch=${BRANCH}&includeWithdrawn=true&limit=1`, this.tokens.technician);
    return page.page.total;
  }

  async untilStatus(items: PlannedItem[], statuses: string[], what: string, timeoutMs = 300_000): Promise<void> {
    let behind: string[] = [];
    await until(() => `${what}: ${behind.length} not yet (e.g. ${behind.slice(0, 3).join(', ')})`, async () => {
      const current = await this.catalogStatuses();
      behind = items.filter((item) => !statuses.includes(current.get(item.barcode) ?? '')).map((item) => `${item.barcode} ${current.get(item.barcode) ?? 'unknown'}`);
      return behind.length === 0;
    }, timeoutMs, 1_000);
  }

  get technicianToken(): string {
    return this.tokens.technician;
  }
}

