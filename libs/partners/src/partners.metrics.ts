import { Counter, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  // Several Nest apps may live in one test process: reuse a metric rather than registering it twice.
  return (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames });
}

export const webhookMetrics = {
  attempts: counter('library_webhook_attempts_total', 'Webhook POSTs to partners, by outcome (delivered, retry, failed)', ['service', 'outcome']),
};
