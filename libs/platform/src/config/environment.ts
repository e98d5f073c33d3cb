import { plainToInstance, Transform } from 'class-transformer';
import { DEV_JWT_SECRET } from '@app/auth';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/**
 * Every variable a service reads, validated once at boot (immich-style class-validator over
 * process.env). Defaults serve a local run; a bad value stops the process with every problem named.
 */
export class Environment {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT!: number;

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/library';

  /** The service's own schema; tests give each run its own. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DB_SCHEMA must be a lower-case PostgreSQL identifier' })
  DB_SCHEMA!: string;

  @Matches(/^amqps?:\/\/.+/, { message: 'AMQP_URL must be an amqp:// or amqps:// URL' })
  AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

  @Matches(/^[A-Za-z0-9._-]+$/) EVENTS_EXCHANGE = 'library.events';
  @Matches(/^[A-Za-z0-9._-]+$/) PARTNERS_EXCHANGE = 'library.partners';
  @IsOptional() @Matches(/^[A-Za-z0-9._-]*$/) QUEUE_PREFIX = '';

  @Transform(toInt) @IsInt() @Min(1) @Max(10_000) PREFETCH = 1000;
  /**
   * Most deliveries in one transaction. 500 rather than 250: half the transactions (and relay passes)
   * for a bulk run, which measured ~8 % faster (two pairs: 23.9/24.1 s against 27.1/25.6), and no
   * difference in the steady scenario, where batches stay small.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(1_000) CONSUMER_BATCH_SIZE = 500;
  /**
   * Batches handled side by side; must stay below the connection pool (10). One by default: a replica's
   * deliveries in one line make the largest batches (fewest transactions), and on a 2-core machine four
   * lanes measured slower in every benchmark (steady p99 at 200/s 128 → 69 ms, bulk 13.8 → 12.0 s).
   * Replicas are the way to scale out; more lanes suit a database with cores to spare.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(8) CONSUMER_LANES = 1;
  /** Comma-separated delays of the retry queues, in milliseconds. */
  @Matches(/^\d+(,\d+)*$/, { message: 'RETRY_DELAYS_MS must be comma-separated milliseconds, e.g. 1000,5000,30000' })
  RETRY_DELAYS_MS = '1000,5000,30000';
  @Transform(toInt) @IsInt() @Min(1) @Max(1000) DELIVERY_LIMIT = 10;
  @Transform(toInt) @IsInt() @Min(10) @Max(60_000) OUTBOX_POLL_MS = 1000;
  /**
   * How long a committed outbox row is leased to the relay of the process that wrote it (it publishes
   * it right after commit); if that process dies first, another replica's sweep publishes it then.
   */
  @Transform(toInt) @IsInt() @Min(2) @Max(3_600) OUTBOX_LEASE_SECONDS = 30;
  /** Published outbox rows older than this are deleted (a week: recent traffic stays inspectable). */
  @Transform(toInt) @IsInt() @Min(1) @Max(24 * 365) OUTBOX_RETENTION_HOURS = 7 * 24;
  /**
   * Processed-message records older than this are deleted. They make a redelivery a no-op, so keep them
   * far longer than any redelivery, retry or dead-letter replay takes (a month).
   */
  @Transform(toInt) @IsInt() @Min(24) @Max(24 * 3650) INBOX_RETENTION_HOURS = 30 * 24;
  /** How often each replica sweeps its outbox and inbox. */
  @Transform(toInt) @IsInt() @Min(1_000) @Max(86_400_000) HOUSEKEEPING_INTERVAL_MS = 3_600_000;

  /** `CODE:Name` pairs: the branches of this library system. */
  @Matches(/^[A-Z0-9]{2,8}:[^,:]+(,[A-Z0-9]{2,8}:[^,:]+)*$/, { message: 'BRANCHES must look like CEN:Central Library,NOR:North Branch' })
  BRANCHES = 'CEN:Central Library,NOR:North Branch,SOU:South Branch';

  @IsIn(['hs256', 'jwks']) AUTH_MODE: 'hs256' | 'jwks' = 'hs256';
  @ValidateIf((e: Environment) => e.AUTH_MODE === 'hs256') @IsString() @MinLength(16, { message: 'JWT_SECRET must be at least 16 characters' })
  JWT_SECRET = DEV_JWT_SECRET;
  @ValidateIf((e: Environment) => e.AUTH_MODE === 'jwks') @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'JWKS_URL must be an http(s) URL when AUTH_MODE=jwks' })
  JWKS_URL?: string;
  @IsOptional() @IsString() JWT_ISSUER?: string;
  @IsOptional() @IsString() JWT_AUDIENCE?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
  /** How long readiness reports "shutting down" before the service stops taking work. */
  @Transform(toInt) @IsInt() @Min(0) @Max(120_000) SHUTDOWN_GRACE_MS = 0;
  @Matches(/^[A-Z]{3}$/, { message: 'DEFAULT_CURRENCY must be an ISO 4217 code such as USD' }) DEFAULT_CURRENCY = 'USD';
  /** Partner id of the sales platform that listings go to when no channel is named. */
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'SALES_PLATFORM_PARTNER_ID must be a lower-case partner id' })
  SALES_PLATFORM_PARTNER_ID = 'sales-platform';
  /** Accepted in addition to 14-digit Codabar barcodes, for libraries with older labels. */
  @IsOptional() @IsString() LEGACY_BARCODE_PATTERN?: string;
  /** Largest accepted JSON body (a 10,000-line shipment is about 3 MB). */
  @IsOptional() @Matches(/^\d+(kb|mb)$/i) BODY_LIMIT = '20mb';
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Reads and validates the environment; `defaults` carry the service's own (port, schema). */
export function loadEnvironment(defaults: Partial<Record<keyof Environment, string | number>>, env: NodeJS.ProcessEnv = process.env): Environment {
  const source: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') source[key] = value;
  const config = plainToInstance(Environment, source, { excludeExtraneousValues: false });
  // class-transformer keeps unrelated process variables; only the declared ones are validated.
  const errors = validateSync(config, { skipMissingProperties: false });
  const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m : `${e.property}: ${m}`)));
  if (problems.length) throw new ConfigurationError(problems);
  if (config.LEGACY_BARCODE_PATTERN) {
    try {
      new RegExp(config.LEGACY_BARCODE_PATTERN);
    } catch {
      throw new ConfigurationError([`LEGACY_BARCODE_PATTERN: not a valid regular expression`]);
    }
  }
  return config;
}

export function retryDelays(config: Environment): number[] {
  return config.RETRY_DELAYS_MS.split(',').map(Number);
}
