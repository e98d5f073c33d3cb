import type { ConfirmChannel } from 'amqplib';
import { MessagingOptions, queueNames, unroutableQueueName } from './messaging.options';

/**
 * The shared exchanges. Every service declares them with the same arguments (a mismatch is a
 * PRECONDITION_FAILED), and an alternate exchange catches events that no queue is bound for, so an
 * unroutable event is parked rather than confirmed and dropped.
 */
export async function assertExchanges(channel: ConfirmChannel, options: Pick<MessagingOptions, 'eventsExchange' | 'partnersExchange'>): Promise<void> {
  const unroutable = unroutableQueueName(options.eventsExchange);
  await channel.assertExchange(unroutable, 'fanout', { durable: true });
  // Bounded: informational events nobody subscribes to yet must not grow it forever.
  await channel.assertQueue(unroutable, { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-max-length': 100_000 } });
  await channel.bindQueue(unroutable, unroutable, '');
  await channel.assertExchange(options.eventsExchange, 'topic', { durable: true, arguments: { 'alternate-exchange': unroutable } });
  await channel.assertExchange(options.partnersExchange, 'topic', { durable: true });
}

/**
 * A service's own queues: the main quorum queue bound to the event types it handles, one delay queue
 * per retry (its TTL dead-letters the message back to the main queue) and the dead-letter queue.
 * The delivery limit and broker-side dead-lettering are set explicitly: they are the backstop for a
 * message that kills the consumer before it can decide (RabbitMQ 4.3 no longer counts nack-requeue,
 * so the consumer never relies on it; it republishes and acks instead).
 */
export async function assertServiceQueues(
  channel: ConfirmChannel,
  options: Pick<MessagingOptions, 'eventsExchange' | 'queuePrefix' | 'service' | 'retryDelaysMs' | 'deliveryLimit'>,
  eventTypes: string[],
): Promise<void> {
  const names = queueNames(options);
  const atLeastOnce = { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' };
  await channel.assertQueue(names.deadLetter, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(names.main, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': options.deliveryLimit,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': names.deadLetter,
      ...atLeastOnce,
    },
  });
  for (const [i, retryQueue] of names.retry.entries()) {
    await channel.assertQueue(retryQueue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': options.retryDelaysMs[i],
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': names.main,
        ...atLeastOnce,
      },
    });
  }
  for (const type of eventTypes) await channel.bindQueue(names.main, options.eventsExchange, type);
}

/** A partner's own queue: `partner.<partnerId>` on `library.partners`, bound to its routing keys only. */
export function partnerQueueName(queuePrefix: string, partnerId: string): string {
  return `${queuePrefix}partner.${partnerId}`;
}

/**
 * Declares a partner's queue and binds it to its own routing-key pattern (`bindery.<partnerId>.#`,
 * `sales.<partnerId>.#`). Its credentials (a RabbitMQ user allowed to read only this queue) are
 * provisioned by operations; see the README.
 */
export async function assertPartnerQueue(
  channel: ConfirmChannel,
  options: Pick<MessagingOptions, 'partnersExchange' | 'queuePrefix'>,
  partnerId: string,
  routingPattern: string,
): Promise<string> {
  const queue = partnerQueueName(options.queuePrefix, partnerId);
  await channel.assertExchange(options.partnersExchange, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(queue, options.partnersExchange, routingPattern);
  return queue;
}

/** RabbitMQ permissions (configure, write, read regexes) of a partner's user: read its own queue, nothing else. */
export function partnerPermissions(queuePrefix: string, partnerId: string): { configure: string; write: string; read: string } {
  const queue = partnerQueueName(queuePrefix, partnerId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { configure: '^$', write: '^$', read: `^${queue}$` };
}
