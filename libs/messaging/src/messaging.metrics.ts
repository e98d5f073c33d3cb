import { Counter, Gauge, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  // Several Nest apps may live in one test process: reuse a metric rather than registering it twice.
  return (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames });
}

function gauge(name: string, help: string, labelNames: string[]): Gauge<string> {
  return (register.getSingleMetric(name) as Gauge<string>) ?? new Gauge({ name, help, labelNames });
}

export const messagingMetrics = {
  published: counter(
    'library_messages_published_total',
    'Events published to the broker and confirmed, by path: dispatched right after commit, or swept up (written with no lease, or left by a process that stopped before publishing)',
    ['service', 'type', 'path'],
  ),
  consumed: counter('library_messages_consumed_total', 'Events consumed, by outcome (processed or duplicate)', ['service', 'type', 'outcome']),
  batched: counter('library_messages_batched_total', 'Events applied by a set-based batch handler (the others one at a time)', ['service', 'type']),
  failed: counter('library_messages_failed_total', 'Handler failures (each one is retried or dead-lettered)', ['service', 'type']),
  retried: counter('library_messages_retried_total', 'Events sent to a delayed retry queue', ['service', 'type']),
  deadLettered: counter('library_messages_dead_lettered_total', 'Events sent to the dead-letter queue', ['service', 'type', 'reason']),
  redelivered: counter('library_messages_redelivered_total', 'Deliveries the broker flagged as redelivered', ['service']),
  housekeepingDeleted: counter('library_housekeeping_deleted_total', 'Published outbox rows and processed-message records removed past their retention', ['service', 'table']),
  outboxPending: gauge('library_outbox_pending', 'Outbox rows not yet confirmed by the broker (at last relay pass)', ['service']),
};
