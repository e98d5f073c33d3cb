import { SetMetadata } from '@nestjs/common';
import { EventDefinition, EventEnvelope } from '@app/contracts';
import { HandlerOutcome } from './handler-outcome';
import { Transaction } from './outbox/transaction';

export const EVENT_HANDLER_METADATA = 'library:event-handler';
export const EVENT_BATCH_HANDLER_METADATA = 'library:event-batch-handler';

/**
 * Marks a provider method as the handler of one event type. The consumer binds the service's queue to
 * that type, validates each message against the same contract class, and calls the method inside the
 * transaction that also records the message as processed.
 */
export const OnEvent = (definition: EventDefinition): MethodDecorator => SetMetadata(EVENT_HANDLER_METADATA, definition.type);

/**
 * Marks the fast path of an `@OnEvent` handler: the consumer hands it consecutive events of the type
 * at once, so it can apply them with a few set-based statements instead of a few per event. It must
 * leave the same state and publish the same events as the `@OnEvent` handler called on each event in
 * order. When it cannot (an event it would refuse, or one that must wait), it returns a non-ack
 * outcome: its work is rolled back and the `@OnEvent` handler takes the events one at a time, so
 * refusals and retries are decided in one place.
 */
export const OnEventBatch = (definition: EventDefinition): MethodDecorator => SetMetadata(EVENT_BATCH_HANDLER_METADATA, definition.type);

export type EventHandlerFn<TData extends object = object> = (
  event: EventEnvelope<TData>,
  tx: Transaction,
) => Promise<HandlerOutcome | void>;

export type EventBatchHandlerFn<TData extends object = object> = (
  events: EventEnvelope<TData>[],
  tx: Transaction,
) => Promise<HandlerOutcome | void>;
