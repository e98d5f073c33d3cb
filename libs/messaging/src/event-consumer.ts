import { Inject, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { DataSource } from 'typeorm';
import { EventEnvelope, validateEvent } from '@app/contracts';
import { AmqpConnection } from './amqp-connection';
import { runInContext } from './correlation-context';
import { EVENT_HANDLER_METADATA, EventHandlerFn } from './event-handler.decorator';
import { HandlerOutcome } from './handler-outcome';
import { messagingMetrics } from './messaging.metrics';
import { MESSAGING_OPTIONS, MessagingOptions, QueueNames, queueNames } from './messaging.options';
import { OutboxRelay } from './outbox/outbox.relay';
import { Transaction } from './outbox/transaction';
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

class RollbackSignal extends Error {
  constructor(readonly outcome: HandlerOutcome) {
    super('rollback');
  }
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
  private readonly names: QueueNames;
  private channel?: ChannelWrapper;
  /** Bumped whenever the channel is replaced: deliveries from an old channel are neither handled nor acked. */
  private generation = 0;
  private chain: Promise<void> = Promise.resolve();
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
  }

  get queues(): QueueNames {
    return this.names;
  }

  get handledTypes(): string[] {
    return [...this.handlers.keys()];
  }

  /** Finds every `@OnEvent` method among the application's providers. */
  discoverHandlers(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const type = this.reflector.get<string>(EVENT_HANDLER_METADATA, prototype[method]);
        if (!type) continue;
        if (this.handlers.has(type)) throw new Error(`two handlers for ${type} in ${this.options.service}`);
        this.handlers.set(type, (instance[method] as EventHandlerFn).bind(instance));
      }
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
        this.generation++;
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
    await this.chain;
    await this.channel.close();
    this.channel = undefined;
  }

  get busy(): number {
    return this.inFlight;
  }

  private enqueue(message: ConsumeMessage): void {
    const generation = this.generation;
    this.inFlight++;
    // One message at a time, in delivery order: events about one item are applied in the order sent.
    this.chain = this.chain
      .then(() => this.handle(message, generation))
      .catch((error) => this.logger.error(`consumer failure: ${(error as Error).message}`))
      .finally(() => {
        this.inFlight--;
      });
  }

  private async handle(message: ConsumeMessage, generation: number): Promise<void> {
    if (generation !== this.generation || !this.accepting) return; // redelivered on the new channel
    const service = this.options.service;
    if (message.fields.redelivered) messagingMetrics.redelivered.inc({ service });

    let raw: unknown;
    try {
      raw = JSON.parse(message.content.toString('utf8'));
    } catch {
      return this.deadLetter(message, generation, 'invalid', 'message body is not valid JSON', 'unknown');
    }
    const validation = validateEvent(raw);
    if (!validation.ok) {
      const type = typeof (raw as { type?: unknown })?.type === 'string' ? String((raw as { type: string }).type) : 'unknown';
      return this.deadLetter(message, generation, 'invalid', validation.reason, type);
    }
    const envelope = validation.envelope;
    if (message.properties.messageId && message.properties.messageId !== envelope.id) {
      return this.deadLetter(message, generation, 'invalid', `AMQP message id ${message.properties.messageId} differs from envelope id ${envelope.id}`, envelope.type);
    }
    const handler = this.handlers.get(envelope.type);
    if (!handler) {
      return this.deadLetter(message, generation, 'unhandled', `${service} has no handler for ${envelope.type}`, envelope.type);
    }

    let outcome: HandlerOutcome;
    let duplicate = false;
    try {
      outcome = await runInContext({ correlationId: envelope.correlationId, causationId: envelope.id, actor: null }, () =>
        this.process(envelope, handler, () => {
          duplicate = true;
        }),
      );
    } catch (error) {
      outcome = { kind: 'retry', reason: (error as Error).message || String(error) };
    }

    if (outcome.kind === 'ack') {
      messagingMetrics.consumed.inc({ service, type: envelope.type, outcome: duplicate ? 'duplicate' : 'processed' });
      return this.ack(message, generation);
    }
    if (outcome.kind === 'dead-letter') return this.deadLetter(message, generation, 'rejected', outcome.reason, envelope.type);
    messagingMetrics.failed.inc({ service, type: envelope.type });
    return this.retryOrDeadLetter(message, generation, outcome.reason, envelope.type);
  }

  private async process(envelope: EventEnvelope, handler: EventHandlerFn, onDuplicate: () => void): Promise<HandlerOutcome> {
    let published = 0;
    try {
      const outcome = await this.dataSource.transaction(async (manager) => {
        const inserted: unknown[] = await manager.query(
          `INSERT INTO "${this.options.schema}".processed_message (message_id, type) VALUES ($1, $2)
           ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
          [envelope.id, envelope.type],
        );
        if (inserted.length === 0) {
          onDuplicate();
          return { kind: 'ack' } as HandlerOutcome;
        }
        const tx = new Transaction(manager, this.options);
        const result = (await handler(envelope, tx)) ?? { kind: 'ack' };
        // A handler that declines rolls back everything it did, including the processed record.
        if (result.kind !== 'ack') throw new RollbackSignal(result);
        published = tx.publishedCount;
        await tx.flush();
        return result;
      });
      if (published > 0) this.relay.wake();
      return outcome;
    } catch (error) {
      if (error instanceof RollbackSignal) return error.outcome;
      throw error;
    }
  }

  private ack(message: ConsumeMessage, generation: number): void {
    // Ack only after commit: a crash between the two redelivers, and the inbox makes that a no-op.
    if (generation === this.generation) this.channel?.ack(message);
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

function truncate(text: string, max = 2_000): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
