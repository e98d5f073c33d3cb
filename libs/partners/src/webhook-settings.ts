import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min, validateSync } from 'class-validator';
import { ConfigurationError } from '@app/platform';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/**
 * How webhooks are delivered, from the service's environment (`WEBHOOK_*`, all optional). The
 * defaults give up on an event after 12 attempts spread over about two and a half hours.
 */
export class WebhookSettings {
  /** A receiver that has not answered (headers and body) in this time counts as failed. */
  @Transform(toInt) @IsInt() @Min(100) @Max(120_000) WEBHOOK_TIMEOUT_MS = 10_000;
  /** Attempts per event, the first included; then it is marked failed and the partner's next event goes. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100) WEBHOOK_MAX_ATTEMPTS = 12;
  /** The wait after the first failure; it doubles with every further failure, up to WEBHOOK_RETRY_MAX_MS. */
  @Transform(toInt) @IsInt() @Min(10) @Max(3_600_000) WEBHOOK_RETRY_BASE_MS = 5_000;
  @Transform(toInt) @IsInt() @Min(10) @Max(86_400_000) WEBHOOK_RETRY_MAX_MS = 3_600_000;
  /** The worker wakes on every commit that queued a delivery; it also polls this often (other replicas, retries). */
  @Transform(toInt) @IsInt() @Min(10) @Max(60_000) WEBHOOK_POLL_MS = 1_000;
  /** Deliveries in flight at once per process, each to a different partner. */
  @Transform(toInt) @IsInt() @Min(1) @Max(256) WEBHOOK_CONCURRENCY = 8;
  /**
   * Whether a webhook may reach loopback, private and link-local addresses. Off in production (a
   * partner's receiver is on the internet; an internal address is refused at registration and when
   * sending); on elsewhere, so a developer's or a test's receiver on this machine works.
   */
  @Transform(toBoolean) @IsBoolean({ message: 'WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false' }) WEBHOOK_ALLOW_PRIVATE_NETWORKS = false;
}

const KEYS = Object.keys(new WebhookSettings()) as Array<keyof WebhookSettings>;

/** Reads the `WEBHOOK_*` variables from the service's environment, naming every bad one. */
export function loadWebhookSettings(source: object = process.env): WebhookSettings {
  const values = source as Record<string, unknown>;
  const picked = Object.fromEntries(KEYS.filter((key) => values[key] !== undefined && values[key] !== '').map((key) => [key, values[key]]));
  const settings = plainToInstance(WebhookSettings, {
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: String(values.NODE_ENV !== 'production'),
    ...picked,
  });
  const problems = validateSync(settings).flatMap((e) => Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m : `${e.property}: ${m}`)));
  if (problems.length) throw new ConfigurationError(problems);
  if (settings.WEBHOOK_RETRY_MAX_MS < settings.WEBHOOK_RETRY_BASE_MS) {
    throw new ConfigurationError([`WEBHOOK_RETRY_MAX_MS (${settings.WEBHOOK_RETRY_MAX_MS}) must not be below WEBHOOK_RETRY_BASE_MS (${settings.WEBHOOK_RETRY_BASE_MS})`]);
  }
  return settings;
}

/**
 * The wait before attempt `failures + 1`: base × 2^(failures − 1), capped, with ±20 % jitter so that
 * partners which failed together do not retry in lockstep.
 */
export function retryDelayMs(settings: WebhookSettings, failures: number, random: () => number = Math.random): number {
  const exponential = settings.WEBHOOK_RETRY_BASE_MS * 2 ** Math.max(0, failures - 1);
  const capped = Math.min(exponential, settings.WEBHOOK_RETRY_MAX_MS);
  return Math.round(capped * (0.8 + 0.4 * random()));
}
