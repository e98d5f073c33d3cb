import { Inject, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { DataSource, EntityManager } from 'typeorm';
import { EventEnvelope, validateEvent } from '@app/contracts';
// The database client's file alone: platform depends on messaging, not the other way round.
import { prepared } from '@app/platform/database/preparing-client';
import { AckCoalescer } from './ack-coalescer';
import { AmqpConnection } from './amqp-connection';
import { runInContext } from './correlation-context';
import { EVENT_BATCH_HANDLER_METADATA, EVENT_HANDLER_METADATA, EventBatchHandlerFn, EventHandlerFn } from './event-handler.decorator';
import { HandlerOutcome } from './handler-outcome';
import { messagingMetrics } from './messaging.metrics';
import { MESSAGING_OPTIONS, MessagingOptions, QueueNames, queueNames } from './messaging.options';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutgoingEvent, Transaction, writeOutbox } from './outbox/transaction';
import { assertExchanges, assertServiceQueues } from './topology';

export const DEAD_LETTER_HEADERS = {
  reason: 'x-dead-letter-reason',
  kind: 'x-dead-letter-kind',
  at: 'x-dead-lettered-at',
  sourceQueue: 'x-source-queue',
  originalExchange: 'x-original-exchange',
  originalRoutingKey: 'x-original-routing-key',
  retryCount: 'x-retry-count',
  lastError: 'x-last-error',
} as const;

/** Why a message was parked: it broke the contract, nothing handles it, or its handler kept failing. */
export type DeadLetterKind = 'invalid' | 'unhandled' | 'rejected' | 'failed';

interface Delivery {
  message: ConsumeMessage;
  generation: number;
  /** The parsed body; undefined when it is not JSON. */
  raw: unknown;
}

interface Lane {
  buffer: Delivery[];
  draining?: Promise<void>;
}

/** The lane of a message: by the item it is about (else its shipment, else itself). */
function laneOf(raw: unknown, lanes: number): number {
  if (lanes === 1) return 0;
  const body = raw as { id?: unknown; data?: { itemId?: unknown; shipmentId?: unknown; barcode?: unknown } } | undefined;
  const key = body?.data?.itemId ?? body?.data?.barcode ?? body?.data?.shipmentId ?? body?.id;
  if (typeof key !== 'string') return 0;
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % lanes;
}

interface ReadyDelivery {
  delivery: Delivery;
  envelope: EventEnvelope;
  handler: EventHandlerFn;
}

interface ProcessResult {
  outcome: HandlerOutcome;
  duplicate: boolean;
  /** The events the handler published, written to the outbox if the batch commits. */
  outgoing: OutgoingEvent[];
  /** Applied by the type's batch handler together with others. */
  batched?: boolean;
}

/**
 * Consumes the service's quorum queue. For each message: validate against the contract (invalid →
 * dead-letter queue with the reason, never retried); in one transaction record it as processed (a
 * duplicate stops here), run the handler and write its outgoing events; commit; then ack. A failing
 * handler is republished to a delay queue and retried a bounded number of times, then dead-lettered
 * with its error. Nothing is acked before its outcome is durable somewhere.
 */
@Injectable()
export class EventConsumer {
  private readonly logger = new Logger(EventConsumer.name);
  private readonly handlers = new Map<string, EventHandlerFn>();
  private readonly batchHandlers = new Map<string, EventBatchHandlerFn>();
  private readonly names: QueueNames;
  private channel?: ChannelWrapper;
  /** Bumped whenever the channel is replaced: deliveries from an old channel are neither handled nor acked. */
  private generation = 0;
  /** Acks the current channel's deliveries, several to a frame where it can. */
  private acks?: AckCoalescer;
  /** Parallel lanes, each handled in order; all events about one item go to the same lane. */
  private readonly lanes: Lane[];
  private inFlight = 0;
  private accepting = false;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
    private readonly relay: OutboxRelay,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {
    this.names = queueNames(options);
    this.lanes = Array.from({ length: Math.max(1, options.consumerLanes) }, () => ({ buffer: [] }));
  }

  get queues(): QueueNames {
    return this.names;
  }

  get handledTypes(): string[] {
    return [...this.handlers.keys()];
  }

  /** Finds every `@OnEvent` (and `@OnEventBatch`) method among the application's providers. */
  discoverHandlers(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const type = this.reflector.get<string>(EVENT_HANDLER_METADATA, prototype[method]);
        if (type) {
          if (this.handlers.has(type)) throw new Error(`two handlers for ${type} in ${this.options.service}`);
          this.handlers.set(type, (instance[method] as EventHandlerFn).bind(instance));
        }
        const batchType = this.reflector.get<string>(EVENT_BATCH_HANDLER_METADATA, prototype[method]);
        if (batchType) {
          if (this.batchHandlers.has(batchType)) throw new Error(`two batch handlers for ${batchType} in ${this.options.service}`);
          this.batchHandlers.set(batchType, (instance[method] as EventBatchHandlerFn).bind(instance));
        }
      }
    }
    // A batch handler is only a fast path: the one-at-a-time handler decides whenever it declines.
    for (const type of this.batchHandlers.keys()) {
      if (!this.handlers.has(type)) throw new Error(`${this.options.service} has a batch handler for ${type} but no @OnEvent handler`);
    }
  }

  async start(): Promise<void> {
    this.accepting = true;
    const types = this.handledTypes;
    this.channel = this.connection.createChannel({
      name: 'event-consumer',
      confirm: true,
      json: false,
      setup: async (channel: ConfirmChannel) => {
        const generation = ++this.generation;
        this.acks?.dispose();
        this.acks = new AckCoalescer((message, allUpTo) => {
          if (generation === this.generation) this.channel?.ack(message, allUpTo);
        });
        await assertExchanges(channel, this.options);
        await assertServiceQueues(channel, this.options, types);
      },
    });
    await this.channel.waitForConnect();
    if (types.length === 0) return;
    await this.channel.consume(this.names.main, (message) => this.enqueue(message), {
      noAck: false,
      prefetch: this.options.prefetch,
    });
  }

  /** Stops taking deliveries and waits for the ones in hand to finish (graceful shutdown). */
  async stop(): Promise<void> {
    this.accepting = false;
    if (!this.channel) return;
    try {
      await this.channel.cancelAll();
    } catch (error) {
      this.logger.warn(`cancel failed: ${(error as Error).message}`);
    }
    await Promise.all(this.lanes.map((lane) => lane.draining));
    this.acks?.ackAllSettled();
    await this.channel.close();
    this.channel = undefined;
  }

  get busy(): number {
    return this.inFlight;
  }

  private enqueue(message: ConsumeMessage): void {
    this.acks?.track(message);
    let raw: unknown;
    try {
      raw = JSON.parse(message.content.toString('utf8'));
    } catch {
      raw = undefined; // dead-lettered as invalid JSON by its lane
    }
    const lane = this.lanes[laneOf(raw, this.lanes.length)];
    lane.buffer.push({ message, generation: this.generation, raw });
    this.inFlight++;
    if (!lane.draining) this.startDraining(lane);
  }

  private startDraining(lane: Lane): void {
    lane.draining = this.drain(lane).finally(() => {
      lane.draining = undefined;
      // A delivery that arrived as the loop ended would otherwise wait for the next one.
      if (lane.buffer.length > 0) this.startDraining(lane);
    });
  }

  /**
   * Handles a lane's deliveries in delivery order, a batch at a time: under load the batches grow
   * (one commit for many messages), at a trickle each message goes alone without waiting. Lanes run
   * side by side on their own database connections; one item's events share a lane, so they are
   * applied in the order they came (facts about several items, such as a bindery lot, may overtake
   * facts about one of them in another lane: their handlers wait and retry, they never move back).
   */
  private async drain(lane: Lane): Promise<void> {
    while (lane.buffer.length > 0) {
      const batch = lane.buffer.splice(0, this.options.consumerBatchSize);
      try {
        await this.handleBatch(batch);
      } catch (error) {
        this.logger.error(`consumer failure: ${(error as Error).message}`);
      } finally {
        this.inFlight -= batch.length;
      }
    }
  }

  private async handleBatch(batch: Delivery[]): Promise<void> {
    const service = this.options.service;
    const ready: ReadyDelivery[] = [];
    for (const delivery of batch) {
      // A delivery from a replaced channel is redelivered on the new one; one taken while stopping goes back.
      if (delivery.generation !== this.generation || !this.accepting) continue;
      if (delivery.message.fields.redelivered) messagingMetrics.redelivered.inc({ service });
      const accepted = this.accept(delivery);
      if ('problem' in accepted) {
        const { kind, reason, type } = accepted.problem;
        await this.deadLetter(delivery.message, delivery.generation, kind, reason, type);
      } else {
        ready.push(accepted);
      }
    }
    if (ready.length === 0) return;

    const results = await this.processBatch(ready);
    for (const [i, { delivery, envelope }] of ready.entries()) {
      const { outcome, duplicate } = results[i];
      if (outcome.kind === 'ack') {
        messagingMetrics.consumed.inc({ service, type: envelope.type, outcome: duplicate ? 'duplicate' : 'processed' });
        if (results[i].batched) messagingMetrics.batched.inc({ service, type: envelope.type });
        this.ack(delivery.message, delivery.generation);
      } else if (outcome.kind === 'dead-letter') {
        await this.deadLetter(delivery.message, delivery.generation, 'rejected', outcome.reason, envelope.type);
      } else {
        messagingMetrics.failed.inc({ service, type: envelope.type });
        await this.retryOrDeadLetter(delivery.message, delivery.generation, outcome.reason, envelope.type);
      }
    }
  }

  /** Checks a delivery against its contract and finds its handler; problems are dead-lettered, never retried. */
  private accept(delivery: Delivery): ReadyDelivery | { problem: { kind: DeadLetterKind; reason: string; type: string } } {
    const { message, raw } = delivery;
    if (raw === undefined) return { problem: { kind: 'invalid', reason: 'message body is not valid JSON', type: 'unknown' } };
    const validation = validateEvent(raw);
    if (!validation.ok) {
      const type = typeof (raw as { type?: unknown })?.type === 'string' ? String((raw as { type: string }).type) : 'unknown';
      return { problem: { kind: 'invalid', reason: validation.reason, type } };
    }
    const envelope = validation.envelope;
    if (message.properties.messageId && message.properties.messageId !== envelope.id) {
      return { problem: { kind: 'invalid', reason: `AMQP message id ${message.properties.messageId} differs from envelope id ${envelope.id}`, type: envelope.type } };
    }
    const handler = this.handlers.get(envelope.type);
    if (!handler) return { problem: { kind: 'unhandled', reason: `${this.options.service} has no handler for ${envelope.type}`, type: envelope.type } };
    return { delivery, envelope, handler };
  }

  /**
   * One transaction for the batch. Its messages are recorded as processed with one statement (the
   * duplicates stop there), then handled in delivery order: runs of one type go to the type's batch
   * handler, other messages to their handler. If every handler acks, that is the whole cost. If one
   * declines or fails, the transaction is rolled back and the batch handled again one message at a
   * time, each under its own savepoint, so the one that declines is rolled back alone (with its
   * processed record) and the others commit together. If the transaction itself fails
   * (a lost connection, a deadlock), nothing of it is durable and each message is tried again on its own.
   */
  private async processBatch(ready: ReadyDelivery[], careful = false): Promise<ProcessResult[]> {
    let results: ProcessResult[] = [];
    let fresh: boolean[] = [];
    const lease = this.relay.lease();
    try {
      await this.dataSource.transaction(async (manager) => {
        fresh = await this.recordProcessed(manager, ready);
        const todo = ready.filter((_, i) => fresh[i]);
        let handled: ProcessResult[] = [];
        if (todo.length === 1) {
          // A message alone needs no savepoint: if it declines, the whole transaction goes.
          const [result] = await this.handleOneByOne(manager, todo, false);
          if (result.outcome.kind !== 'ack') throw new DeclinedAlone(result);
          handled = [result];
        } else if (todo.length > 1 && !careful) {
          handled = (await this.handleTogether(manager, todo)) ?? throwFastPathDeclined();
        } else if (todo.length > 1) {
          handled = await this.handleOneByOne(manager, todo, true);
          const declined = todo.filter((_, i) => handled[i].outcome.kind !== 'ack').map((item) => item.envelope.id);
          // Not processed after all: the retry (or the dead-letter replay) must find no record of it.
          if (declined.length > 0) {
            await manager.query(`DELETE FROM "${this.options.schema}".processed_message WHERE message_id = ANY($1::uuid[])`, [declined]);
          }
        }
        results = this.inDeliveryOrder(fresh, handled);
        // The events of every message that stays, written once for the batch, before the commit.
        await writeOutbox(manager, this.options.schema, results.flatMap((result) => result.outgoing), lease);
      });
    } catch (error) {
      if (error instanceof DeclinedAlone) return this.inDeliveryOrder(fresh, [error.result]);
      // The fast path met a message that declines: all of it is rolled back and done again carefully.
      if (error instanceof FastPathDeclined) return this.processBatch(ready, true);
      if (ready.length === 1) return [{ outcome: { kind: 'retry', reason: (error as Error).message || String(error) }, duplicate: false, outgoing: [] }];
      this.logger.warn(`batch of ${ready.length} failed (${(error as Error).message}); handling its messages one by one`);
      const oneByOne: ProcessResult[] = [];
      for (const item of ready) oneByOne.push(...(await this.processBatch([item])));
      return oneByOne;
    }
    this.relay.committed(results.flatMap((result) => result.outgoing), lease !== null);
    return results;
  }

  /** The handled messages' results, with an ack for each duplicate, in the batch's order. */
  private inDeliveryOrder(fresh: boolean[], handled: ProcessResult[]): ProcessResult[] {
    let next = 0;
    return fresh.map((isFresh) => (isFresh ? handled[next++] : { outcome: { kind: 'ack' }, duplicate: true, outgoing: [] }));
  }

  /**
   * Records the batch's message ids in the inbox with one statement: true for each message seen for
   * the first time (a message id twice in one batch counts once, the first time).
   */
  private async recordProcessed(manager: EntityManager, ready: ReadyDelivery[]): Promise<boolean[]> {
    if (ready.length === 0) return [];
    const rows: { message_id: string }[] = await manager.query(
      prepared(`INSERT INTO "${this.options.schema}".processed_message (message_id, type)
       SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT (message_id) DO NOTHING RETURNING message_id`),
      [ready.map((item) => item.envelope.id), ready.map((item) => item.envelope.type)],
    );
    // PostgreSQL answers uuids in lower case, whatever case the producer wrote them in.
    const inserted = new Set(rows.map((row) => row.message_id));
    return ready.map((item) => inserted.delete(item.envelope.id.toLowerCase()));
  }

  /** The fast path: every message handled without a savepoint of its own; undefined as soon as one does not ack. */
  private async handleTogether(manager: EntityManager, todo: ReadyDelivery[]): Promise<ProcessResult[] | undefined> {
    const results: ProcessResult[] = [];
    for (let start = 0; start < todo.length; ) {
      let end = start + 1;
      const type = todo[start].envelope.type;
      const batchHandler = this.batchHandlers.get(type);
      if (batchHandler) while (end < todo.length && todo[end].envelope.type === type) end++;
      const run = todo.slice(start, end);
      const tx = new Transaction(manager, this.options);
      try {
        const outcome =
          run.length > 1 && batchHandler
            ? await runInContext({ correlationId: run[0].envelope.correlationId, causationId: run[0].envelope.id, actor: null }, () =>
                batchHandler(run.map((item) => item.envelope), tx),
              )
            : await this.handleInContext(run[0], tx);
        if (outcome && outcome.kind !== 'ack') return undefined;
      } catch {
        return undefined; // decided again, one at a time, where the error is reported with its message
      }
      // The run's events belong to its first message's result; the batch writes them all together.
      const batched = run.length > 1 && batchHandler !== undefined;
      results.push({ outcome: { kind: 'ack' }, duplicate: false, outgoing: tx.takeOutgoing(), batched });
      for (let i = 1; i < run.length; i++) results.push({ outcome: { kind: 'ack' }, duplicate: false, outgoing: [], batched });
      start = end;
    }
    return results;
  }

  /** The careful path: each message under its own savepoint (when others share the transaction), rolled back alone if it declines or fails. */
  private async handleOneByOne(manager: EntityManager, todo: ReadyDelivery[], savepoints: boolean): Promise<ProcessResult[]> {
    const results: ProcessResult[] = [];
    for (const item of todo) {
      // Reusing the name is fine: ROLLBACK TO goes back to the latest savepoint of that name, and
      // leaving the earlier ones unreleased saves a round trip per message.
      if (savepoints) await manager.query('SAVEPOINT event_handler');
      const tx = new Transaction(manager, this.options);
      let result: ProcessResult;
      try {
        const outcome = (await this.handleInContext(item, tx)) ?? { kind: 'ack' };
        result = { outcome, duplicate: false, outgoing: outcome.kind === 'ack' ? tx.takeOutgoing() : [] };
      } catch (error) {
        result = { outcome: { kind: 'retry', reason: (error as Error).message || String(error) }, duplicate: false, outgoing: [] };
      }
      if (savepoints && result.outcome.kind !== 'ack') await manager.query('ROLLBACK TO SAVEPOINT event_handler');
      results.push(result);
    }
    return results;
  }

  private handleInContext(item: ReadyDelivery, tx: Transaction): Promise<HandlerOutcome | void> {
    const { envelope, handler } = item;
    return runInContext({ correlationId: envelope.correlationId, causationId: envelope.id, actor: null }, () => handler(envelope, tx));
  }

  private ack(message: ConsumeMessage, generation: number): void {
    // Ack only after commit: a crash between the two redelivers, and the inbox makes that a no-op.
    if (generation === this.generation) this.acks?.settle(message);
  }

  private async retryOrDeadLetter(message: ConsumeMessage, generation: number, error: string, type: string): Promise<void> {
    const attempt = Number(message.properties.headers?.[DEAD_LETTER_HEADERS.retryCount] ?? 0);
    if (attempt >= this.names.retry.length) {
      return this.deadLetter(message, generation, 'failed', `handler failed after ${attempt} retries: ${error}`, type);
    }
    this.logger.warn(`${type} ${message.properties.messageId} failed (attempt ${attempt + 1}), retrying: ${error}`);
    messagingMetrics.retried.inc({ service: this.options.service, type });
    await this.republish(message, generation, this.names.retry[attempt], {
      [DEAD_LETTER_HEADERS.retryCount]: attempt + 1,
      [DEAD_LETTER_HEADERS.lastError]: truncate(error),
    });
  }

  private async deadLetter(message: ConsumeMessage, generation: number, kind: DeadLetterKind, reason: string, type: string): Promise<void> {
    this.logger.warn(`dead-lettering ${type} ${message.properties.messageId ?? '(no id)'}: ${reason}`);
    messagingMetrics.deadLettered.inc({ service: this.options.service, type, reason: kind });
    await this.republish(message, generation, this.names.deadLetter, {
      [DEAD_LETTER_HEADERS.kind]: kind,
      [DEAD_LETTER_HEADERS.reason]: truncate(reason),
      [DEAD_LETTER_HEADERS.at]: new Date().toISOString(),
      [DEAD_LETTER_HEADERS.sourceQueue]: this.names.main,
      [DEAD_LETTER_HEADERS.originalExchange]: message.properties.headers?.[DEAD_LETTER_HEADERS.originalExchange] ?? message.fields.exchange,
      [DEAD_LETTER_HEADERS.originalRoutingKey]: message.properties.headers?.[DEAD_LETTER_HEADERS.originalRoutingKey] ?? message.fields.routingKey,
    });
  }

  /** Copies the message to another queue, waits for the broker's confirm, then acks the original. */
  private async republish(message: ConsumeMessage, generation: number, queue: string, headers: Record<string, unknown>): Promise<void> {
    if (!this.channel || generation !== this.generation) return;
    const { properties } = message;
    await this.channel.sendToQueue(queue, message.content, {
      persistent: true,
      messageId: properties.messageId,
      type: properties.type,
      contentType: properties.contentType,
      correlationId: properties.correlationId,
      timestamp: properties.timestamp,
      appId: properties.appId,
      headers: {
        ...properties.headers,
        [DEAD_LETTER_HEADERS.originalExchange]: properties.headers?.[DEAD_LETTER_HEADERS.originalExchange] ?? message.fields.exchange,
        [DEAD_LETTER_HEADERS.originalRoutingKey]: properties.headers?.[DEAD_LETTER_HEADERS.originalRoutingKey] ?? message.fields.routingKey,
        ...headers,
      },
    });
    this.ack(message, generation);
  }
}

/** Rolls back a batch whose fast path met a message that declines, to do it again one message at a time. */
class FastPathDeclined extends Error {}

function throwFastPathDeclined(): never {
  throw new FastPathDeclined('a message of the batch declined on the fast path');
}

/** Rolls back the transaction of a message handled alone that declined; carries its outcome out. */
class DeclinedAlone extends Error {
  constructor(readonly result: ProcessResult) {
    super(`declined: ${result.outcome.kind}`);
  }
}

function truncate(text: string, max = 2_000): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
