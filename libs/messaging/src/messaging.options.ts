import { Producer } from '@app/contracts';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingOptions {
  /** The service that owns the outbox, the inbox and the consumer queue. */
  service: Producer;
  /** Its PostgreSQL schema: the outbox and processed-message tables live there. */
  schema: string;
  amqpUrl: string;
  eventsExchange: string;
  partnersExchange: string;
  /** Prepended to every queue name; empty in production, unique per test run. */
  queuePrefix: string;
  prefetch: number;
  /** Most messages handled in one database transaction (each in its own savepoint). */
  consumerBatchSize: number;
  /** Batches handled side by side (each on its own connection); one item's events share a lane. */
  consumerLanes: number;
  /** Handler failures are retried this many times (one delay per entry), then dead-lettered. */
  retryDelaysMs: number[];
  /** Quorum-queue delivery limit: a backstop for messages that crash the consumer outright. */
  deliveryLimit: number;
  /** How often the relay sweeps for rows no relay holds a lease on (see `OutboxRelay`). */
  outboxPollMs: number;
  outboxBatchSize: number;
  /**
   * Longest a committed row is leased to the relay of the process that wrote it, to publish after
   * commit. If that process dies first, any sweep takes the row at once (its lease holder's lock is
   * gone); the time bounds the wait only for a live process that cannot publish.
   */
  outboxLeaseSeconds: number;
  /** How long a published outbox row is kept, then deleted (it is history once confirmed). */
  outboxRetentionHours: number;
  /** How long a processed-message record is kept: far longer than any redelivery or retry takes. */
  inboxRetentionHours: number;
  housekeepingIntervalMs: number;
}

export const DEFAULT_MESSAGING_OPTIONS: Omit<MessagingOptions, 'service' | 'schema' | 'amqpUrl'> = {
  eventsExchange: 'library.events',
  partnersExchange: 'library.partners',
  queuePrefix: '',
  prefetch: 1000,
  consumerBatchSize: 500,
  consumerLanes: 1,
  retryDelaysMs: [1_000, 5_000, 30_000],
  deliveryLimit: 10,
  outboxPollMs: 1_000,
  outboxBatchSize: 500,
  outboxLeaseSeconds: 30,
  outboxRetentionHours: 7 * 24,
  inboxRetentionHours: 30 * 24,
  housekeepingIntervalMs: 3_600_000,
};

export interface QueueNames {
  main: string;
  deadLetter: string;
  retry: string[];
}

export function queueNames(options: Pick<MessagingOptions, 'queuePrefix' | 'service' | 'retryDelaysMs'>): QueueNames {
  const main = `${options.queuePrefix}${options.service}.events`;
  return {
    main,
    deadLetter: `${main}.dlq`,
    retry: options.retryDelaysMs.map((_, i) => `${main}.retry.${i + 1}`),
  };
}

export function unroutableQueueName(eventsExchange: string): string {
  return `${eventsExchange}.unroutable`;
}
