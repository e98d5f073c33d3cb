import { randomUUID } from 'node:crypto';
import { EventDefinition, EventEnvelope, validateEvent } from '@app/contracts';
import type { TestRun } from './test-run';

export interface EnvelopeOptions {
  id?: string;
  occurredAt?: string;
  correlationId?: string;
}

/** An envelope as its producer would send it, checked against the contract so the test data obeys it. */
export function buildEvent<T extends object>(definition: EventDefinition<T>, data: T, options: EnvelopeOptions = {}): EventEnvelope<T> {
  const built = {
    id: options.id ?? randomUUID(),
    type: definition.type,
    schemaVersion: definition.schemaVersion,
    occurredAt: options.occurredAt ?? new Date().toISOString(),
    producer: definition.producer,
    correlationId: options.correlationId ?? randomUUID(),
    causationId: null,
    branch: (data as { branch?: string }).branch ?? null,
    data,
  };
  const validation = validateEvent(JSON.parse(JSON.stringify(built)));
  if (!validation.ok) throw new Error(`test envelope breaks the contract: ${validation.reason}`);
  return built as EventEnvelope<T>;
}

/** Publishes an envelope onto the run's events exchange, as its producer's relay would. */
export async function publishEvent(run: TestRun, event: EventEnvelope<object>): Promise<void> {
  await run.publishRaw(event.type, JSON.stringify(event), { messageId: event.id, contentType: 'application/json' });
}

/** Publishes envelopes in one burst (one channel, one wait for the confirms): they reach consumers together. */
export async function publishBurst(run: TestRun, events: readonly EventEnvelope<object>[]): Promise<void> {
  const channel = await run.channel();
  for (const event of events) {
    channel.publish(run.eventsExchange, event.type, Buffer.from(JSON.stringify(event)), {
      persistent: true,
      messageId: event.id,
      contentType: 'application/json',
    });
  }
  await channel.waitForConfirms();
  await channel.close();
}
