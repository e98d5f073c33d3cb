import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EventDefinition, EventEnvelope, validateEventData } from '@app/contracts';
import { currentContext } from '../correlation-context';
import { MessagingOptions } from '../messaging.options';

export interface OutgoingEvent {
  id: string;
  exchange: string;
  routingKey: string;
  type: string;
  payload: string;
}

export interface PublishOptions {
  branch?: string | null;
  /** Partner events go to `library.partners` under their own routing key (e.g. `bindery.<partnerId>.shipment.dispatched`). */
  partnerRoutingKey?: string;
  /**
   * The consumed event this one follows from, when it is not the one in the current context: a batch
   * handler applies many events in one context and names each published event's cause itself.
   */
  causedBy?: Pick<EventEnvelope, 'id' | 'correlationId'>;
}

/**
 * A database transaction that can also publish: events are written as outbox rows by the same
 * EntityManager as the state change, so both commit or neither does.
 */
export class Transaction {
  private readonly outgoing: OutgoingEvent[] = [];

  constructor(
    readonly manager: EntityManager,
    private readonly options: Pick<MessagingOptions, 'service' | 'schema' | 'eventsExchange' | 'partnersExchange'>,
  ) {}

  /** Queues an event for publishing after commit; validates it against its contract now. */
  publish<TData extends object>(definition: EventDefinition<TData>, data: TData, options: PublishOptions = {}): EventEnvelope<TData> {
    const context = currentContext();
    const envelope = {
      id: randomUUID(),
      type: definition.type,
      schemaVersion: definition.schemaVersion,
      occurredAt: new Date().toISOString(),
      producer: this.options.service,
      correlationId: options.causedBy?.correlationId ?? context?.correlationId ?? randomUUID(),
      causationId: options.causedBy?.id ?? context?.causationId ?? null,
      branch: options.branch ?? null,
      data,
    };
    // Same contract on publish as on consume: an invalid event is a programming error, caught here.
    // The envelope is built above from trusted values, so only the data is checked (and only once).
    const problem = validateEventData(definition, data);
    if (problem) throw new Error(`refusing to publish ${definition.type}: ${problem}`);
    this.outgoing.push({
      id: envelope.id,
      exchange: options.partnerRoutingKey ? this.options.partnersExchange : this.options.eventsExchange,
      routingKey: options.partnerRoutingKey ?? definition.type,
      type: definition.type,
      payload: JSON.stringify(envelope),
    });
    return envelope as EventEnvelope<TData>;
  }

  get publishedCount(): number {
    return this.outgoing.length;
  }

  /** Writes the queued events as outbox rows (in this transaction). */
  async flush(): Promise<void> {
    await writeOutbox(this.manager, this.options.schema, this.takeOutgoing());
  }

  /** Hands over the queued events, to be written together with other transactions' (a consumer batch). */
  takeOutgoing(): OutgoingEvent[] {
    return this.outgoing.splice(0, this.outgoing.length);
  }
}

/** Inserts outbox rows in chunks that stay under PostgreSQL's parameter limit. */
export async function writeOutbox(manager: EntityManager, schema: string, events: OutgoingEvent[]): Promise<void> {
  const chunkSize = 5_000;
  for (let start = 0; start < events.length; start += chunkSize) {
    const chunk = events.slice(start, start + chunkSize);
    const params: string[] = [];
    const rows = chunk.map((event, i) => {
      params.push(event.id, event.exchange, event.routingKey, event.type, event.payload);
      const p = i * 5;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5})`;
    });
    await manager.query(`INSERT INTO "${schema}".outbox_message (id, exchange, routing_key, type, payload) VALUES ${rows.join(', ')}`, params);
  }
}
