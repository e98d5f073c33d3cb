import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import {
  CallNumber, CallNumberScheme, EventDefinition, EventEnvelope, isbn13CheckDigit, ItemCondition, ItemSnapshot, ItemStatus, ItemStatusChanged,
  ItemUpdated, makeCodabarBarcode, validateEvent,
} from '@app/contracts';
import { DisposalModule } from '../src/disposal.module';
import { RunningService, startService } from '../../../test/support/service-app';
import { buildEvent, publishEvent } from '../../../test/support/events';
import { eventually, TestRun } from '../../../test/support/test-run';

/** Branches of the disposal tests: each scenario takes its own, so runs and lists cannot see each other's items. */
export const TEST_BRANCHES = [
  'CEN:Central Library', 'NOR:North Branch', 'SOU:South Branch', 'WR1:Weeding One', 'WR2:Weeding Two', 'WR3:Weeding Three', 'WR4:Weeding Four',
  'PUL:Pull List', 'WD1:Withdrawals One', 'WD2:Withdrawals Two', 'SA1:Sales One', 'SA2:Sales Two', 'SA3:Sales Three', 'REV:Revenue',
].join(',');

export function startDisposal(run: TestRun): Promise<RunningService> {
  return startService(run, 'disposal', (env) => DisposalModule.forEnvironment(env), { BRANCHES: TEST_BRANCHES });
}

let sequence = 0;
export function nextBarcode(): string {
  return makeCodabarBarcode('4321', ++sequence);
}

export function nextIsbn(): string {
  const first12 = `978${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  return first12 + isbn13CheckDigit(first12);
}

/** Contract-checked envelopes (shared with the other test kits). */
export const envelope = buildEvent;

export const publish = publishEvent;

/** What a test says about an item; the rest gets plausible defaults. */
export interface ItemSpec {
  branch: string;
  title?: string;
  recordId?: string;
  isbn?: string | null;
  creators?: string[];
  publicationYear?: number | null;
  collection?: string | null;
  callNumber?: [string, CallNumberScheme] | null;
  checkoutCount?: number;
  lastCirculatedAt?: string | null;
  shelvedAt?: string | null;
  conditions?: ItemCondition[];
  materialType?: ItemSnapshot['materialType'];
  barcode?: string | null;
}

export interface CatalogItem {
  itemId: string;
  barcode: string;
  branch: string;
  status: ItemStatus;
  version: number;
  snapshot: ItemSnapshot;
}

export function yearsAgo(years: number): string {
  const date = new Date();
  date.setUTCFullYear(date.getUTCFullYear() - years);
  return date.toISOString();
}

/**
 * Plays cataloging: publishes `cataloging.item.status-changed` / `cataloging.item.updated` with
 * snapshots onto the run's exchange, each with the item's next version, and waits until disposal's
 * read model has applied it.
 */
export class CatalogSimulator {
  private readonly items = new Map<string, CatalogItem>();

  constructor(private readonly run: TestRun) {}

  item(itemId: string): CatalogItem {
    const item = this.items.get(itemId);
    if (!item) throw new Error(`unknown test item ${itemId}`);
    return item;
  }

  /** A new item, shelved: AVAILABLE (version 1 unless told otherwise). */
  async shelve(spec: ItemSpec, status: ItemStatus = ItemStatus.AVAILABLE): Promise<CatalogItem> {
    const callNumber = spec.callNumber === undefined ? (['QA76.73 .J38 S55 2010', 'lc'] as [string, CallNumberScheme]) : spec.callNumber;
    const parsed = callNumber ? CallNumber.parse(callNumber[0], callNumber[1]) : null;
    const snapshot: ItemSnapshot = {
      recordId: spec.recordId ?? randomUUID(),
      title: spec.title ?? 'A Test Title',
      creators: spec.creators ?? ['Author, Ann'],
      isbn: spec.isbn === undefined ? nextIsbn() : spec.isbn,
      issn: null,
      publicationYear: spec.publicationYear === undefined ? new Date().getUTCFullYear() - 2 : spec.publicationYear,
      materialType: spec.materialType ?? 'book',
      collection: spec.collection === undefined ? 'Adult Nonfiction' : spec.collection,
      callNumber: parsed?.value ?? null,
      callNumberScheme: parsed?.scheme ?? null,
      shelfKey: parsed?.sortKey ?? null,
      checkoutCount: spec.checkoutCount ?? 0,
      lastCirculatedAt: spec.lastCirculatedAt ?? null,
      shelvedAt: spec.shelvedAt === undefined ? yearsAgo(1) : spec.shelvedAt,
      conditions: spec.conditions ?? [],
    };
    const item: CatalogItem = { itemId: randomUUID(), barcode: spec.barcode ?? nextBarcode(), branch: spec.branch, status, version: 1, snapshot };
    this.items.set(item.itemId, item);
    await this.publishStatus(item, null);
    return item;
  }

  /** Cataloging's reaction to a disposal event (or any other move): the next version, with the snapshot. */
  async setStatus(itemId: string, to: ItemStatus, options: { withSnapshot?: boolean } = {}): Promise<CatalogItem> {
    const item = this.item(itemId);
    const from = item.status;
    item.status = to;
    item.version += 1;
    await this.publishStatus(item, from, options.withSnapshot ?? true);
    return item;
  }

  /** Facts changed without a status change (conditions, circulation, call number). */
  async update(itemId: string, changes: Partial<ItemSnapshot>, changed: string[] = ['conditions']): Promise<CatalogItem> {
    const item = this.item(itemId);
    Object.assign(item.snapshot, changes);
    item.version += 1;
    const event = envelope(ItemUpdated, {
      itemId: item.itemId, barcode: item.barcode, branch: item.branch, status: item.status, version: item.version, changed, item: { ...item.snapshot },
    });
    await publish(this.run, event);
    await this.applied(item);
    return item;
  }

  private async publishStatus(item: CatalogItem, from: ItemStatus | null, withSnapshot = true): Promise<void> {
    const event = envelope(ItemStatusChanged, {
      itemId: item.itemId,
      barcode: item.barcode,
      branch: item.branch,
      from,
      to: item.status,
      version: item.version,
      actor: 'cataloging-test',
      reason: null,
      ...(withSnapshot ? { item: { ...item.snapshot } } : {}),
    });
    await publish(this.run, event);
    if (withSnapshot || item.version > 1) await this.applied(item);
  }

  /** Waits until the read model holds the item at (at least) its current version. */
  async applied(item: CatalogItem): Promise<void> {
    const schema = this.run.schemaFor('disposal');
    await eventually(async () => {
      const [row] = await this.run.query<{ version: number }>(`SELECT version FROM "${schema}".item_view WHERE item_id = $1`, [item.itemId]);
      if (!row || row.version < item.version) throw new Error(`read model has not applied version ${item.version} of ${item.barcode}`);
    });
  }
}

let probes = 0;

/** A queue of the test's own, bound to the run's events or partners exchange, keeping what arrives. */
export class Probe {
  readonly messages: Array<{ routingKey: string; envelope: EventEnvelope<Record<string, unknown>> }> = [];

  private constructor(private readonly channel: ConfirmChannel) {}

  /** Listens on the run's events exchange for a routing pattern, as another service would. */
  static async events(run: TestRun, pattern = 'disposal.#'): Promise<Probe> {
    const channel = await run.channel();
    const queue = run.trackQueue(`${run.queuePrefix}test.probe.${++probes}`);
    await channel.assertQueue(queue, { durable: false });
    await channel.bindQueue(queue, run.eventsExchange, pattern);
    return Probe.consume(channel, queue);
  }

  /** Reads a partner's own queue (`partner.<id>`), as the partner would with its credentials. */
  static async partner(run: TestRun, partnerId: string): Promise<Probe> {
    const channel = await run.channel();
    const queue = run.partnerQueue(partnerId);
    await eventually(async () => {
      const check = await run.channel();
      check.on('error', () => undefined);
      try {
        await check.checkQueue(queue);
      } finally {
        await check.close().catch(() => undefined);
      }
    });
    return Probe.consume(channel, queue);
  }

  private static async consume(channel: ConfirmChannel, queue: string): Promise<Probe> {
    const probe = new Probe(channel);
    await channel.consume(queue, (message) => {
      if (!message) return;
      probe.messages.push({ routingKey: message.fields.routingKey, envelope: JSON.parse(message.content.toString('utf8')) });
      channel.ack(message);
    });
    return probe;
  }

  of(type: string, match: Record<string, unknown> = {}): Array<EventEnvelope<Record<string, unknown>>> {
    return this.messages
      .map((m) => m.envelope)
      .filter((e) => e.type === type && Object.entries(match).every(([key, value]) => e.data[key] === value));
  }

  async waitFor(type: string, match: Record<string, unknown> = {}, count = 1): Promise<Array<EventEnvelope<Record<string, unknown>>>> {
    return eventually(() => {
      const found = this.of(type, match);
      if (found.length < count) throw new Error(`expected ${count} ${type} matching ${JSON.stringify(match)}, got ${found.length}`);
      return found;
    });
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
  }
}

/** Rows of a disposal table, to show that a refused request changed nothing. */
export async function counts(run: TestRun): Promise<Record<string, number>> {
  const schema = run.schemaFor('disposal');
  const [row] = await run.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM "${schema}".withdrawal) AS withdrawals,
            (SELECT count(*) FROM "${schema}".listing) AS listings,
            (SELECT count(*) FROM "${schema}".sale) AS sales,
            (SELECT count(*) FROM "${schema}".item_disposal) AS disposals,
            (SELECT count(*) FROM "${schema}".outbox_message) AS outbox`,
  );
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
}
