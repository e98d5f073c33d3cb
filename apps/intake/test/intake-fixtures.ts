import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import { EventEnvelope, makeCodabarBarcode } from '@app/contracts';
import { IntakeModule } from '../src/intake.module';
import { RunningService, startService } from '../../../test/support/service-app';
import { eventually, TestRun } from '../../../test/support/test-run';

let sequence = 0;
/** A fresh valid item barcode (unique within the test file; each file has its own schema). */
export function newBarcode(): string {
  sequence += 1;
  return makeCodabarBarcode('1234', sequence);
}

export function startIntake(run: TestRun): Promise<RunningService> {
  return startService(run, 'intake', (env) => IntakeModule.forEnvironment(env));
}

/** A shipment line as a client sends it. */
export interface TestLine {
  materialType: string;
  title: string;
  barcode?: string;
  [field: string]: unknown;
}

/** A typical line of each kind, with a fresh barcode where it needs one. */
export const line: Record<'prelabelledBook' | 'book' | 'magazine' | 'newspaper' | 'eResource', (over?: Record<string, unknown>) => TestLine> = {
  prelabelledBook: (over: Record<string, unknown> = {}) => ({
    materialType: 'book',
    title: 'Java Concurrency in Practice',
    barcode: newBarcode(),
    creators: ['Goetz, Brian'],
    isbn: '0-321-34960-1',
    callNumber: 'QA76.73.J38 G64 2006',
    callNumberScheme: 'lc',
    securityTag: 'rfid',
    price: '54.99',
    ...over,
  }),
  book: (over: Record<string, unknown> = {}) => ({ materialType: 'book', title: 'The Hobbit', barcode: newBarcode(), isbn: '9780547928227', ...over }),
  magazine: (over: Record<string, unknown> = {}) => ({ materialType: 'magazine', title: 'Scientific American, May', barcode: newBarcode(), issn: '00368733', ...over }),
  newspaper: (over: Record<string, unknown> = {}) => ({ materialType: 'newspaper', title: 'The Daily Planet', barcode: newBarcode(), ...over }),
  eResource: (over: Record<string, unknown> = {}) => ({ materialType: 'e-resource', title: 'JSTOR Arts & Sciences I', ...over }),
};

/** Row counts of everything a shipment writes, to show that a refused one wrote nothing. */
export async function storedCounts(run: TestRun): Promise<Record<string, number>> {
  const schema = run.schemaFor('intake');
  const [row] = await run.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM "${schema}".shipment) AS shipments,
            (SELECT count(*) FROM "${schema}".item) AS items,
            (SELECT count(*) FROM "${schema}".processing_step) AS steps,
            (SELECT count(*) FROM "${schema}".outbox_message) AS outbox`,
  );
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
}

/**
 * Listens on the run's events exchange for one routing key, as another service would, and keeps
 * what arrives.
 */
export class EventTap {
  readonly messages: EventEnvelope<Record<string, unknown>>[] = [];
  private constructor(private readonly channel: ConfirmChannel) {}

  static async open(run: TestRun, routingKey: string): Promise<EventTap> {
    const channel = await run.channel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, run.eventsExchange, routingKey);
    const tap = new EventTap(channel);
    await channel.consume(queue, (message) => {
      if (!message) return;
      tap.messages.push(JSON.parse(message.content.toString('utf8')));
      channel.ack(message);
    });
    return tap;
  }

  about(itemId: string): EventEnvelope<Record<string, unknown>>[] {
    return this.messages.filter((message) => message.data.itemId === itemId);
  }

  /** Waits until `count` messages about the item arrived, then returns them. */
  async waitFor(itemId: string, count = 1): Promise<EventEnvelope<Record<string, unknown>>[]> {
    return eventually(() => {
      const found = this.about(itemId);
      if (found.length < count) throw new Error(`expected ${count} event(s) about ${itemId}, got ${found.length}`);
      return found;
    });
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
  }
}

/** Publishes an event onto the run's exchange as cataloging would, in a valid envelope. */
export async function publishAsCataloging(run: TestRun, type: string, data: Record<string, unknown>, branch = 'CEN'): Promise<string> {
  const envelope = {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    producer: 'cataloging',
    correlationId: randomUUID(),
    causationId: null,
    branch,
    data,
  };
  await run.publishRaw(type, JSON.stringify(envelope), { messageId: envelope.id, contentType: 'application/json' });
  return envelope.id;
}
