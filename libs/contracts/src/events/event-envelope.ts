import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';

/** `<service>.<entity>.<fact>` in the past tense, lower-case with dashes (SPEC §4). */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z-]*(\.[a-z][a-z0-9-]*){2,3}$/;

export const PRODUCERS = ['intake', 'cataloging', 'conservation', 'disposal', 'circulation'] as const;
export type Producer = (typeof PRODUCERS)[number];

/**
 * The envelope every event travels in. `id` is also the AMQP message id and the consumers'
 * deduplication key, so it must be stable across redeliveries: it is the outbox row id.
 */
export class EventEnvelope<TData extends object = object> {
  @IsUUID()
  id!: string;

  @IsString()
  @Matches(EVENT_TYPE_PATTERN, { message: 'type must look like <service>.<entity>.<fact>' })
  type!: string;

  @IsInt()
  @Min(1)
  schemaVersion!: number;

  @IsISO8601({ strict: true })
  occurredAt!: string;

  @IsIn(PRODUCERS)
  producer!: Producer;

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  correlationId!: string;

  @IsOptional()
  @IsUUID()
  causationId!: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(16)
  branch!: string | null;

  @IsObject()
  data!: TData;
}
