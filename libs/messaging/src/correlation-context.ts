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
  /** Set by the HTTP layer: work that waits until the request's response has gone out. */
  response?: ResponseHooks;
}

/** Tasks held until an HTTP response is sent (or its connection closes), then run once. */
export class ResponseHooks {
  private sent = false;
  private readonly tasks: Array<() => void> = [];

  /** Runs the task after the response, or now if it has gone out already. */
  defer(task: () => void): void {
    if (this.sent) task();
    else this.tasks.push(task);
  }

  /** The response is out: runs what waited for it. Later calls do nothing. */
  responded(): void {
    if (this.sent) return;
    this.sent = true;
    for (const task of this.tasks.splice(0)) task();
  }
}

const storage = new AsyncLocalStorage<CorrelationContext>();

export function runInContext<T>(context: Partial<CorrelationContext>, work: () => T): T {
  return storage.run(
    { correlationId: context.correlationId ?? randomUUID(), causationId: context.causationId ?? null, actor: context.actor ?? null, response: context.response },
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

/**
 * Runs `task` once the current HTTP response has been sent; at once outside a request (an event
 * handler, a job). Background work a request causes then does not compete with its own answer.
 */
export function afterResponse(task: () => void): void {
  const hooks = storage.getStore()?.response;
  if (hooks) hooks.defer(task);
  else task();
}
