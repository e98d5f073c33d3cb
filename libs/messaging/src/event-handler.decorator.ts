import { SetMetadata } from '@nestjs/common';
import { EventDefinition, EventEnvelope } from '@app/contracts';
import { HandlerOutcome } from './handler-outcome';
import { Transaction } from './outbox/transaction';

export const EVENT_HANDLER_METADATA = 'library:event-handler';

/**
 * Marks a provider method as the handler of one event type. The consumer binds the service's queue to
 * that type, validates each message against the same contract class, and calls the method inside the
 * transaction that also records the message as processed.
 */
export const OnEvent = (definition: EventDefinition): MethodDecorator => SetMetadata(EVENT_HANDLER_METADATA, definition.type);

export type EventHandlerFn<TData extends object = object> = (
  event: EventEnvelope<TData>,
  tx: Transaction,
) => Promise<HandlerOutcome | void>;
