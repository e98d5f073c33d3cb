import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import {
  CirculationFactData, EventDefinition, EventEnvelope, isbn13CheckDigit, ItemCheckedIn, ItemCheckedOut, ItemProcessed, ItemProcessedData,
  ItemReceived, ItemReceivedData, makeCodabarBarcode, validateEvent,
} from '@app/contracts';
import { buildEvent, publishEvent } from '../../../test/support/events';
import { TestRun } from '../../../test/support/test-run';

/** Every branch the cataloging tests use; each scenario takes its own so they cannot see each other's items. */
export const TEST_BRANCHES = 'CEN:Central Library,NOR:North Branch,SOU:South Branch,QUE:Queue Test,SHF:Shelving Test,LOOK:Lookup Test,CIRC:Circulation Test';

let sequence = 0;

/** A fresh valid item barcode (Codabar, institution 1234). */
export function nextBarcode(): string {
  return makeCodabarBarcode('1234', ++sequence);
}

/** A fresh valid ISBN-13. */
export function nextIsbn(): string {
  const first12 = `978${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  return first12 + isbn13CheckDigit(first12);
}

export const ALL_STEPS = ['spine-label', 'cover', 'security-tag', 'stamp'];

/** An unlabelled book as intake reports it; override what the scenario is about. */
export function receivedData(overrides: Partial<ItemReceivedData> = {}): ItemReceivedData {
  return {
    itemId: randomUUID(),
    shipmentId: randomUUID(),
    branch: 'CEN',
    materialType: 'book',
    barcode: nextBarcode(),
    title: 'A Test Title',
    creators: ['Author, Ann'],
    isbn: null,
    issn: null,
    publisher: 'Test Press',
    publicationYear: 2020,
    callNumber: null,
    callNumberScheme: null,
    collection: 'Adult Nonfiction',
    price: '24.95',
    currency: null,
    requiredSteps: ALL_STEPS,
    pendingSteps: ALL_STEPS,
    supplier: 'Acme Books',
    receivedBy: 'tech-anna',
    ...overrides,
  };
}

export function processedData(item: Pick<ItemReceivedData, 'itemId' | 'barcode' | 'branch'>, overrides: Partial<ItemProcessedData> = {}): ItemProcessedData {
  return { itemId: item.itemId, barcode: item.barcode, branch: item.branch, completedSteps: ALL_STEPS, completedBy: 'tech-ben', ...overrides };
}

/** Contract-checked envelopes (shared with the other test kits). */
export const envelope = buildEvent;

export const received = (data: ItemReceivedData, options?: { occurredAt?: string; id?: string }) => envelope(ItemReceived, data, options);
export const processed = (data: ItemProcessedData, options?: { occurredAt?: string; id?: string }) => envelope(ItemProcessed, data, options);
export const checkedOut = (data: CirculationFactData) => envelope(ItemCheckedOut, data);
export const checkedIn = (data: CirculationFactData) => envelope(ItemCheckedIn, data);

export const publish = publishEvent;

/** True once the consumer committed the message (the inbox row exists). */
export async function wasProcessed(run: TestRun, messageId: string): Promise<boolean> {
  const rows = await run.query(`SELECT 1 FROM "${run.schemaFor('cataloging')}".processed_message WHERE message_id = $1`, [messageId]);
  return rows.length === 1;
}

/** Listens to what cataloging publishes, on a queue of its own bound to the run's exchange. */
export class EventProbe {
  readonly events: EventEnvelope<Record<string, unknown>>[] = [];

  private constructor(private readonly channel: ConfirmChannel) {}

  static async start(run: TestRun, pattern = 'cataloging.#'): Promise<EventProbe> {
    const channel = await run.channel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, run.eventsExchange, pattern);
    const probe = new EventProbe(channel);
    await channel.consume(queue, (message) => {
      if (message) probe.events.push(JSON.parse(message.content.toString('utf8')));
    }, { noAck: true });
    return probe;
  }

  of(type: string, itemId: string): EventEnvelope<Record<string, unknown>>[] {
    return this.events.filter((e) => e.type === type && e.data.itemId === itemId);
  }

  async stop(): Promise<void> {
    await this.channel.close().catch(() => undefined);
  }
}
