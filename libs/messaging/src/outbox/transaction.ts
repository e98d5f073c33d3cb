import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EventDefinition, EventEnvelope, validateEventData } from '@app/contracts';
import { prepared } from '@app/platform/database/preparing-client';
import { currentContext } from '../correlation-context';
import { MessagingOptions } from '../messaging.options';

export interface OutgoingEvent {
  id: string;
  exchange: string;
  routingKey: string;
  type: string;
  payload: string;
}

/** How a transaction's outbox rows are leased to the local relay (`OutboxRelay.lease()`). */
export interface OutboxLease {
  /** How long, from the write, before any relay's sweep may take the rows. */
  seconds: number;
  /** The relay's lease holder: as soon as its advisory lock is gone, any sweep may take them. */
  holder: number;
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
  private readonly handedOver: OutgoingEvent[] = [];

  /**
   * @param lease how the rows it writes are leased to the local relay, which dispatches them after
   *   commit (`OutboxRelay.lease()`); null leaves them to the relay's sweep.
   */
  constructor(
    readonly manager: EntityManager,
    private readonly options: Pick<MessagingOptions, 'service' | 'schema' | 'eventsExchange' | 'partnersExchange'>,
    readonly lease: OutboxLease | null = null,
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

  /** Events published and not yet written or handed over. */
  get pendingCount(): number {
    return this.outgoing.length;
  }

  /** Writes the queued events as outbox rows (in this transaction). */
  async flush(): Promise<void> {
    const events = this.takeOutgoing();
    await writeOutbox(this.manager, this.options.schema, events, this.lease);
    this.handedOver.push(...events);
  }

  /**
   * Hands over the queued events as an outbox INSERT taking one parameter (`$paramIndex`), for the
   * caller to run as a step of its own statement: its rows and its events in one round trip.
   */
  takeOutgoingAsInsert(paramIndex: number): { sql: string; param: string } {
    const events = this.takeOutgoing();
    this.handedOver.push(...events);
    return outboxInsert(this.options.schema, events, paramIndex, this.lease);
  }

  /** The events this transaction wrote to the outbox itself (`flush`, `takeOutgoingAsInsert`): the relay's after commit. */
  get written(): readonly OutgoingEvent[] {
    return this.handedOver;
  }

  /** Hands over the queued events, to be written together with other transactions' (a consumer batch). */
  takeOutgoing(): OutgoingEvent[] {
    return this.outgoing.splice(0, this.outgoing.length);
  }
}

/**
 * The outbox rows of `events` as one INSERT taking a single JSON parameter (`$paramIndex`): a
 * service may make it a step of its own statement (a data-modifying CTE), so its rows and its events
 * go in one round trip — still one transaction, still all or nothing.
 */
export function outboxInsert(schema: string, events: readonly OutgoingEvent[], paramIndex: number, lease: OutboxLease | null = null): { sql: string; param: string } {
  if (lease !== null && (!Number.isSafeInteger(lease.seconds) || lease.seconds < 1)) throw new Error(`outbox lease must be a positive whole number of seconds, not ${lease.seconds}`);
  if (lease !== null && (!Number.isSafeInteger(lease.holder) || lease.holder < 1)) throw new Error(`outbox lease holder must be a positive integer, not ${lease.holder}`);
  // The lease runs from the write (clock_timestamp, not the transaction's start): a long transaction
  // does not shorten it. Seconds and holder are our own integers, fixed for the process, so the text
  // stays one prepared statement.
  const [leaseUntil, holder] = lease === null ? ['NULL::timestamptz', 'NULL::integer'] : [`clock_timestamp() + interval '${lease.seconds} seconds'`, String(lease.holder)];
  return {
    sql: `INSERT INTO "${schema}".outbox_message (id, exchange, routing_key, type, payload, locked_until, lease_holder)
          SELECT o.id, o.exchange, o.routing_key, o.type, o.payload, ${leaseUntil}, ${holder}
            FROM jsonb_to_recordset($${paramIndex}::jsonb) AS o(id uuid, exchange text, routing_key text, type text, payload text)`,
    param: JSON.stringify(events.map((e) => ({ id: e.id, exchange: e.exchange, routing_key: e.routingKey, type: e.type, payload: e.payload }))),
  };
}

/** Inserts outbox rows, a few thousand per statement, leased to the local relay (null: left to the sweep). */
export async function writeOutbox(manager: EntityManager, schema: string, events: OutgoingEvent[], lease: OutboxLease | null = null): Promise<void> {
  const chunkSize = 5_000;
  for (let start = 0; start < events.length; start += chunkSize) {
    const { sql, param } = outboxInsert(schema, events.slice(start, start + chunkSize), 1, lease);
    await manager.query(prepared(sql), [param]);
  }
}
