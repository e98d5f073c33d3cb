import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What travels with a unit of work: the correlation id from the HTTP request (or the event that
 * started it), the event being handled (the causation of anything it publishes) and the actor.
 */
export interface CorrelationContext {
  correlationId: string;
  causationId: string | null;
  actor: string | null;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

export function runInContext<T>(context: Partial<CorrelationContext>, work: () => T): T {
  return storage.run(
    { correlationId: context.correlationId ?? randomUUID(), causationId: context.causationId ?? null, actor: context.actor ?? null },
    work,
  );
}

export function currentContext(): CorrelationContext | undefined {
  return storage.getStore();
}

/** Lets the HTTP layer attach the authenticated actor once the guard has run. */
export function setContextActor(actor: string): void {
  const store = storage.getStore();
  if (store) store.actor = actor;
}
