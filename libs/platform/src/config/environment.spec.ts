import { ConfigurationError, loadEnvironment, retryDelays } from './environment';

describe('environment validation', () => {
  it('serves a local run from defaults alone', () => {
    const env = loadEnvironment({ PORT: 3001, DB_SCHEMA: 'intake' }, {});
    expect(env.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/library');
    expect(env.AMQP_URL).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(env.EVENTS_EXCHANGE).toBe('library.events');
    expect(env.BRANCHES).toContain('CEN:Central Library');
    expect(retryDelays(env)).toEqual([1000, 5000, 30000]);
  });

  it('lets the environment override the service defaults, converting numbers', () => {
    const env = loadEnvironment({ PORT: 3001, DB_SCHEMA: 'intake' }, { PORT: '4100', PREFETCH: '20' });
    expect(env.PORT).toBe(4100);
    expect(env.PREFETCH).toBe(20);
  });

  it('names every bad or missing variable at once', () => {
    let error: ConfigurationError | undefined;
    try {
      loadEnvironment({ DB_SCHEMA: 'intake' }, { DATABASE_URL: 'mysql://x', AMQP_URL: 'http://nope', AUTH_MODE: 'jwks', BRANCHES: 'central', PREFETCH: 'lots' });
    } catch (e) {
      error = e as ConfigurationError;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const text = error!.problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'AMQP_URL', 'JWKS_URL', 'BRANCHES', 'PREFETCH']) expect(text).toContain(name);
  });

  it('keeps processed-message records at least a day, and names a retention out of range', () => {
    const env = loadEnvironment({ PORT: 1, DB_SCHEMA: 's' }, {});
    expect({ outbox: env.OUTBOX_RETENTION_HOURS, inbox: env.INBOX_RETENTION_HOURS, every: env.HOUSEKEEPING_INTERVAL_MS }).toEqual({ outbox: 168, inbox: 720, every: 3_600_000 });
    expect(() => loadEnvironment({ PORT: 1, DB_SCHEMA: 's' }, { INBOX_RETENTION_HOURS: '2' })).toThrow(/INBOX_RETENTION_HOURS/);
    expect(() => loadEnvironment({ PORT: 1, DB_SCHEMA: 's' }, { OUTBOX_RETENTION_HOURS: '0' })).toThrow(/OUTBOX_RETENTION_HOURS/);
    expect(() => loadEnvironment({ PORT: 1, DB_SCHEMA: 's' }, { HOUSEKEEPING_INTERVAL_MS: 'hourly' })).toThrow(/HOUSEKEEPING_INTERVAL_MS/);
  });

  it('leases committed outbox rows to their relay for half a minute by default, never under 2 s', () => {
    expect(loadEnvironment({ PORT: 1, DB_SCHEMA: 's' }, {}).OUTBOX_LEASE_SECONDS).toBe(30);
    expect(loadEnvironment({ PORT: 1, DB_SCHEMA: 's' }, { OUTBOX_LEASE_SECONDS: '5' }).OUTBOX_LEASE_SECONDS).toBe(5);
    expect(() => loadEnvironment({ PORT: 1, DB_SCHEMA: 's' }, { OUTBOX_LEASE_SECONDS: '1' })).toThrow(/OUTBOX_LEASE_SECONDS/);
  });

  it('refuses a legacy barcode pattern that is not a regular expression', () => {
    expect(() => loadEnvironment({ PORT: 1, DB_SCHEMA: 's' }, { LEGACY_BARCODE_PATTERN: '([0-9' })).toThrow(/LEGACY_BARCODE_PATTERN/);
  });
});
