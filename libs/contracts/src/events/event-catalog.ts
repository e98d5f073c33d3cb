import { plainToInstance, ClassConstructor } from 'class-transformer';
import { ValidationError } from 'class-validator';
import { conformsAs, validateSyncQuickly } from '../validation/quick-validation';
import { EventEnvelope, Producer } from './event-envelope';

export interface EventDefinition<TData extends object = object> {
  type: string;
  schemaVersion: number;
  producer: Producer;
  dataClass: ClassConstructor<TData>;
  description: string;
}

const catalog = new Map<string, EventDefinition>();

/** Registers an event contract; the same definition validates on publish and on consume. */
export function defineEvent<TData extends object>(definition: EventDefinition<TData>): EventDefinition<TData> {
  if (catalog.has(definition.type)) throw new Error(`event ${definition.type} is defined twice`);
  catalog.set(definition.type, definition as EventDefinition);
  return definition;
}

export function eventDefinition(type: string): EventDefinition | undefined {
  return catalog.get(type);
}

export function allEventDefinitions(): EventDefinition[] {
  return [...catalog.values()];
}

export type EventValidation<TData extends object> =
  | { ok: true; envelope: EventEnvelope<TData> }
  | { ok: false; reason: string };

/** Flattens class-validator errors into `data.items[0].barcode: must be ...` lines. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
    return [...own, ...describeValidationErrors(error.children ?? [], path)];
  });
}

/**
 * Validates an incoming (or outgoing) event against its contract: the envelope, then the data class of
 * its type. Unknown types and schema versions newer than ours are refused rather than guessed at.
 * A conforming event is answered as it came, plain (judged as the instances class-transformer would
 * build, none built: on every consumer that was most of the cost of an event); anything else takes
 * class-transformer and class-validator, whose messages name what is wrong.
 */
export function validateEvent<TData extends object = object>(raw: unknown): EventValidation<TData> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'message is not a JSON object' };
  }
  if (conformsAsEvent(raw)) return { ok: true, envelope: raw as EventEnvelope<TData> };
  const envelope = plainToInstance(EventEnvelope, raw) as EventEnvelope<TData>;
  const envelopeErrors = describeValidationErrors(validateSyncQuickly(envelope));
  if (envelopeErrors.length) return { ok: false, reason: `invalid envelope: ${envelopeErrors.join('; ')}` };

  const definition = catalog.get(envelope.type);
  if (!definition) return { ok: false, reason: `unknown event type ${envelope.type}` };
  if (envelope.schemaVersion > definition.schemaVersion) {
    return { ok: false, reason: `${envelope.type} schemaVersion ${envelope.schemaVersion} is newer than supported ${definition.schemaVersion}` };
  }
  const data = plainToInstance(definition.dataClass, envelope.data) as TData;
  const dataErrors = describeValidationErrors(validateSyncQuickly(data, { forbidUnknownValues: true }), 'data');
  if (dataErrors.length) return { ok: false, reason: `invalid ${envelope.type}: ${dataErrors.join('; ')}` };
  envelope.data = data;
  return { ok: true, envelope };
}

function conformsAsEvent(raw: object): boolean {
  const { type, schemaVersion, data } = raw as Partial<EventEnvelope>;
  const definition = typeof type === 'string' ? catalog.get(type) : undefined;
  return (
    definition !== undefined &&
    conformsAs(EventEnvelope, raw) &&
    (schemaVersion as number) <= definition.schemaVersion &&
    conformsAs(definition.dataClass, data, { forbidUnknownValues: true })
  );
}

/** Checks an event's data against its contract; answers the problems, or null when it conforms. */
export function validateEventData<TData extends object>(definition: EventDefinition<TData>, data: TData): string | null {
  if (conformsAs(definition.dataClass, data, { forbidUnknownValues: true })) return null;
  const instance = plainToInstance(definition.dataClass, data) as TData;
  const errors = describeValidationErrors(validateSyncQuickly(instance, { forbidUnknownValues: true }), 'data');
  return errors.length ? `invalid ${definition.type}: ${errors.join('; ')}` : null;
}
