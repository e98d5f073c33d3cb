/**
 * What a handler decided, returned rather than thrown. `retry` rolls the transaction back and tries
 * again later; `deadLetter` rolls back and parks the message with the reason, never to be retried.
 */
export type HandlerOutcome =
  | { kind: 'ack' }
  | { kind: 'retry'; reason: string }
  | { kind: 'dead-letter'; reason: string };

export const Outcome = {
  ack: (): HandlerOutcome => ({ kind: 'ack' }),
  retry: (reason: string): HandlerOutcome => ({ kind: 'retry', reason }),
  deadLetter: (reason: string): HandlerOutcome => ({ kind: 'dead-letter', reason }),
};
