import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import {
  CallNumber, CallNumberScheme, EventDefinition, EventEnvelope, ItemSnapshot, ItemStatus, ItemStatusChanged, ItemStatusChangedData,
  ItemUpdated, ItemUpdatedData, makeCodabarBarcode, validateEvent,
} from '@app/contracts';
import { buildEvent, publishEvent } from '../../../test/support/events';
import { eventually, TestRun } from '../../../test/support/test-run';

let sequence = 0;

/** A fresh valid item barcode (Codabar, institution 4321). */
export function nextBarcode(): string {
  return makeCodabarBarcode('4321', ++sequence + Math.floor(Math.random() * 1000) * 10_000);
}

/** An item as cataloging knows it; the tests move it and tell conservation, as cataloging would. */
export interface CatalogItem {
  itemId: string;
  barcode: string;
  branch: string;
  status: ItemStatus;
  version: number;
  snapshot: ItemSnapshot;
}

export function catalogItem(overrides: { branch?: string; callNumber?: string; scheme?: CallNumberScheme; title?: string; collection?: string | null } = {}): CatalogItem {
  const scheme = overrides.scheme ?? 'lc';
  const callNumber = overrides.callNumber === undefined ? null : CallNumber.parse(overrides.callNumber, scheme);
  return {
    itemId: randomUUID(),
    barcode: nextBarcode(),
    branch: overrides.branch ?? 'CEN',
    status: ItemStatus.IN_PROCESS,
    version: 1,
    snapshot: {
      recordId: randomUUID(),
      title: overrides.title ?? `A worn book ${sequence}`,
      creators: ['Author, Ann'],
      isbn: null,
      issn: null,
      publicationYear: 1999,
      materialType: 'book',
      collection: overrides.collection === undefined ? 'Adult Nonfiction' : overrides.collection,
      callNumber: callNumber?.value ?? null,
      callNumberScheme: callNumber ? scheme : null,
      shelfKey: callNumber?.sortKey ?? null,
      checkoutCount: 12,
      lastCirculatedAt: null,
      shelvedAt: null,
      conditions: [],
    },
  };
}

/** Contract-checked envelopes (shared with the other test kits). */
export const envelope = buildEvent;

/** `cataloging.item.status-changed` for the item's current state (with its snapshot unless told otherwise). */
export function statusChanged(item: CatalogItem, options: { from?: ItemStatus | null; snapshot?: boolean } = {}): EventEnvelope<ItemStatusChangedData> {
  return envelope(ItemStatusChanged, {
    itemId: item.itemId,
    barcode: item.barcode,
    branch: item.branch,
    from: options.from ?? null,
    to: item.status,
    version: item.version,
    actor: 'cataloging-test',
    reason: null,
    ...(options.snapshot === false ? {} : { item: { ...item.snapshot } }),
  });
}

export function itemUpdated(item: CatalogItem, changed: string[]): EventEnvelope<ItemUpdatedData> {
  return envelope(ItemUpdated, {
    itemId: item.itemId,
    barcode: item.barcode,
    branch: item.branch,
    status: item.status,
    version: item.version,
    changed,
    item: { ...item.snapshot },
  });
}

/** Publishes onto the run's exchange and waits until conservation committed the message. */
export async function deliver(run: TestRun, event: EventEnvelope<object>): Promise<void> {
  await publishEvent(run, event);
  await eventually(async () => {
    const rows = await run.query(`SELECT 1 FROM "${run.schemaFor('conservation')}".processed_message WHERE message_id = $1`, [event.id]);
    expect(rows).toHaveLength(1);
  });
}

/** Cataloging moves the item to `to` (one version up) and says so, snapshot included. */
export async function catalogMoves(run: TestRun, item: CatalogItem, to: ItemStatus): Promise<void> {
  const from = item.status;
  item.status = to;
  item.version += 1;
  await deliver(run, statusChanged(item, { from }));
}

/** Items as cataloging would announce them on their way to the shelf. */
export async function onShelf(run: TestRun, items: CatalogItem[], status: ItemStatus = ItemStatus.AVAILABLE): Promise<void> {
  await Promise.all(items.map((item) => catalogMoves(run, item, status)));
}

/** Listens to conservation's events on a queue of its own, bound to the run's exchange and removed at cleanup. */
export class EventProbe {
  readonly events: EventEnvelope<Record<string, unknown>>[] = [];

  private constructor(private readonly channel: ConfirmChannel) {}

  static async start(run: TestRun, name: string, pattern = 'conservation.#'): Promise<EventProbe> {
    const channel = await run.channel();
    const queue = run.trackQueue(`${run.queuePrefix}probe.${name}`);
    await channel.assertQueue(queue, { durable: false, autoDelete: false });
    await channel.bindQueue(queue, run.eventsExchange, pattern);
    const probe = new EventProbe(channel);
    await channel.consume(queue, (message) => {
      if (message) probe.events.push(JSON.parse(message.content.toString('utf8')));
    }, { noAck: true });
    return probe;
  }

  of(type: string, match: (data: Record<string, unknown>) => boolean = () => true): EventEnvelope<Record<string, unknown>>[] {
    return this.events.filter((event) => event.type === type && match(event.data));
  }

  /** Waits for exactly one event of the type that matches, and returns it. */
  async one(type: string, match: (data: Record<string, unknown>) => boolean): Promise<EventEnvelope<Record<string, unknown>>> {
    return eventually(() => {
      const found = this.of(type, match);
      expect(found).toHaveLength(1);
      return found[0];
    });
  }

  async stop(): Promise<void> {
    await this.channel.close().catch(() => undefined);
  }
}
