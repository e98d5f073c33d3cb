import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfirmChannel } from 'amqplib';
import * as contracts from '@app/contracts';
import { queueNames } from '@app/messaging/messaging.options';
import { assertExchanges, assertPartnerQueue, assertServiceQueues } from '@app/messaging/topology';
import { Environment, retryDelays } from '@app/platform/config/environment';
import { ROOT } from './kustomize';

export const SERVICES = ['intake', 'cataloging', 'conservation', 'disposal'] as const;
export type Service = (typeof SERVICES)[number];

/** What a service's code declares on the broker, recorded from the real topology functions. */
export interface Declarations {
  exchanges: Array<{ name: string; type: string; durable: boolean; arguments: Record<string, unknown> }>;
  queues: Array<{ name: string; durable: boolean; arguments: Record<string, unknown> }>;
  bindings: Array<{ queue: string; exchange: string; routingKey: string }>;
}

/** A stand-in channel that records declarations instead of sending them. */
function recordingChannel(): { channel: ConfirmChannel; declared: Declarations } {
  const declared: Declarations = { exchanges: [], queues: [], bindings: [] };
  const channel = {
    assertExchange: async (name: string, type: string, options: { durable?: boolean; arguments?: Record<string, unknown> } = {}) => {
      declared.exchanges.push({ name, type, durable: options.durable ?? true, arguments: options.arguments ?? {} });
      return { exchange: name };
    },
    assertQueue: async (name: string, options: { durable?: boolean; arguments?: Record<string, unknown> } = {}) => {
      declared.queues.push({ name, durable: options.durable ?? true, arguments: options.arguments ?? {} });
      return { queue: name, messageCount: 0, consumerCount: 0 };
    },
    bindQueue: async (queue: string, exchange: string, routingKey: string) => {
      declared.bindings.push({ queue, exchange, routingKey });
      return {};
    },
  };
  return { channel: channel as unknown as ConfirmChannel, declared };
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

function appSource(service: Service): string {
  return sourceFiles(join(ROOT, 'apps', service, 'src'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

/**
 * The event types a service handles: its `@OnEvent(Definition)` decorators, each definition resolved
 * in the contracts library (the consumer binds the queue to exactly these).
 */
export function handledEventTypes(service: Service): string[] {
  const types = new Set<string>();
  for (const match of appSource(service).matchAll(/@OnEvent\(\s*([A-Za-z0-9_]+)\s*\)/g)) {
    const definition = (contracts as unknown as Record<string, contracts.EventDefinition | undefined>)[match[1]];
    if (!definition?.type) throw new Error(`${service}: @OnEvent(${match[1]}) does not name an event definition of @app/contracts`);
    types.add(definition.type);
  }
  return [...types].sort();
}

/**
 * Whether a service sends to partners (a `partnerRoutingKey` of its own, or through `PartnerEvents` of
 * @app/partners) and declares their queues (`assertPartnerQueue`).
 */
export function partnerRole(service: Service): { publishes: boolean; declaresQueues: boolean } {
  const source = appSource(service);
  return { publishes: /partnerRoutingKey\s*:|\bPartnerEvents\b/.test(source), declaresQueues: /assertPartnerQueue\(/.test(source) };
}

/** Everything a service declares at start, as its consumer does (assertExchanges, then its queues). */
export async function serviceDeclarations(service: Service, env: Environment): Promise<Declarations> {
  const { channel, declared } = recordingChannel();
  const options = {
    service,
    eventsExchange: env.EVENTS_EXCHANGE,
    partnersExchange: env.PARTNERS_EXCHANGE,
    queuePrefix: env.QUEUE_PREFIX ?? '',
    retryDelaysMs: retryDelays(env),
    deliveryLimit: env.DELIVERY_LIMIT,
  };
  await assertExchanges(channel, options);
  await assertServiceQueues(channel, options, handledEventTypes(service));
  return declared;
}

export async function partnerDeclarations(env: Environment, partnerId: string, routingPattern: string): Promise<Declarations> {
  const { channel, declared } = recordingChannel();
  await assertPartnerQueue(channel, { partnersExchange: env.PARTNERS_EXCHANGE, queuePrefix: env.QUEUE_PREFIX ?? '' }, partnerId, routingPattern);
  return declared;
}

export interface Access {
  permission: 'configure' | 'write' | 'read';
  resource: string;
  why: string;
}

/**
 * The permission checks RabbitMQ makes for what a service does (see RabbitMQ's access control guide):
 * declaring an exchange or queue needs configure on it; an alternate exchange also needs read on the
 * declared exchange and write on the alternate; a dead-letter exchange, read on the queue and write on
 * that exchange (the default exchange is `amq.default`); binding needs write on the queue and read on
 * the exchange; publishing, write on the exchange; consuming, read on the queue.
 */
export function requiredAccess(service: Service, declared: Declarations, env: Environment, partnerQueues: Declarations[]): Access[] {
  const access: Access[] = [];
  const exchangeName = (name: unknown) => (name === '' ? 'amq.default' : String(name));
  for (const declarations of [declared, ...partnerQueues]) {
    for (const exchange of declarations.exchanges) {
      access.push({ permission: 'configure', resource: exchange.name, why: `declare exchange ${exchange.name}` });
      const alternate = exchange.arguments['alternate-exchange'];
      if (alternate !== undefined) {
        access.push({ permission: 'read', resource: exchange.name, why: `declare ${exchange.name} with an alternate exchange` });
        access.push({ permission: 'write', resource: exchangeName(alternate), why: `alternate exchange of ${exchange.name}` });
      }
    }
    for (const queue of declarations.queues) {
      access.push({ permission: 'configure', resource: queue.name, why: `declare queue ${queue.name}` });
      const deadLetterExchange = queue.arguments['x-dead-letter-exchange'];
      if (deadLetterExchange !== undefined) {
        access.push({ permission: 'read', resource: queue.name, why: `declare ${queue.name} with dead-lettering` });
        access.push({ permission: 'write', resource: exchangeName(deadLetterExchange), why: `dead-letter exchange of ${queue.name}` });
      }
    }
    for (const binding of declarations.bindings) {
      access.push({ permission: 'write', resource: binding.queue, why: `bind ${binding.queue}` });
      access.push({ permission: 'read', resource: binding.exchange, why: `bind ${binding.queue} to ${binding.exchange}` });
    }
  }
  const names = queueNames({ queuePrefix: env.QUEUE_PREFIX ?? '', service, retryDelaysMs: retryDelays(env) });
  // The outbox relay publishes every event to the events exchange, partner messages to the partners one.
  access.push({ permission: 'write', resource: env.EVENTS_EXCHANGE, why: 'publish events (outbox relay)' });
  if (partnerRole(service).publishes) access.push({ permission: 'write', resource: env.PARTNERS_EXCHANGE, why: 'publish partner messages (outbox relay)' });
  // Retries and dead letters are copied to their queue through the default exchange (sendToQueue).
  access.push({ permission: 'write', resource: 'amq.default', why: `copy to ${names.retry[0]} / ${names.deadLetter}` });
  access.push({ permission: 'read', resource: names.main, why: `consume ${names.main}` });
  return access;
}

export function allows(pattern: string, resource: string): boolean {
  // RabbitMQ matches permissions with Erlang's re (PCRE); these patterns use no syntax where JS differs.
  return new RegExp(pattern).test(resource);
}
