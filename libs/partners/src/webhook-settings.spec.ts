import { ConfigurationError } from '@app/platform';
import { loadWebhookSettings, retryDelayMs } from './webhook-settings';

describe('webhook settings', () => {
  it('serves a deployment from defaults: 10 s timeout, 12 attempts from 5 s doubling up to an hour', () => {
    expect(loadWebhookSettings({})).toMatchObject({
      WEBHOOK_TIMEOUT_MS: 10_000,
      WEBHOOK_MAX_ATTEMPTS: 12,
      WEBHOOK_RETRY_BASE_MS: 5_000,
      WEBHOOK_RETRY_MAX_MS: 3_600_000,
    });
  });

  it('reads WEBHOOK_* from the environment, converting numbers, and ignores everything else', () => {
    const settings = loadWebhookSettings({ WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_RETRY_BASE_MS: 50, PORT: '3001' });
    expect(settings.WEBHOOK_MAX_ATTEMPTS).toBe(3);
    expect(settings.WEBHOOK_RETRY_BASE_MS).toBe(50);
    expect(settings).not.toHaveProperty('PORT');
  });

  it('names every bad variable at once', () => {
    let error: ConfigurationError | undefined;
    try {
      loadWebhookSettings({ WEBHOOK_MAX_ATTEMPTS: '0', WEBHOOK_TIMEOUT_MS: 'soon' });
    } catch (e) {
      error = e as ConfigurationError;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error!.problems.join('\n')).toMatch(/WEBHOOK_MAX_ATTEMPTS[\s\S]*WEBHOOK_TIMEOUT_MS|WEBHOOK_TIMEOUT_MS[\s\S]*WEBHOOK_MAX_ATTEMPTS/);
    expect(() => loadWebhookSettings({ WEBHOOK_RETRY_BASE_MS: '5000', WEBHOOK_RETRY_MAX_MS: '1000' })).toThrow(/WEBHOOK_RETRY_MAX_MS/);
  });

  it('doubles the wait after every failure up to the cap, with at most 20 % jitter', () => {
    const settings = loadWebhookSettings({ WEBHOOK_RETRY_BASE_MS: '1000', WEBHOOK_RETRY_MAX_MS: '10000' });
    const exact = (failures: number) => retryDelayMs(settings, failures, () => 0.5);
    expect([1, 2, 3, 4, 5, 6].map(exact)).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
    expect(retryDelayMs(settings, 2, () => 0)).toBe(1600);
    expect(retryDelayMs(settings, 2, () => 0.9999)).toBeLessThanOrEqual(2400);
  });
});
