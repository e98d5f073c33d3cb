import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret-that-is-long-enough-0123';
  const body = '{"id":"5f0c","type":"disposal.item.listed","data":{"title":"Émile"}}';
  const now = 1_764_000_000;

  it('signs "<timestamp>.<body>" with HMAC-SHA256 as documented', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signWebhook(secret, now, body)).toBe(`sha256=${expected}`);
  });

  it('verifies its own signature over the raw bytes, as a string or a Buffer', () => {
    const signature = signWebhook(secret, now, body);
    expect(verifyWebhookSignature({ secret, body, signature, timestamp: String(now), now })).toEqual({ ok: true, timestamp: now });
    expect(verifyWebhookSignature({ secret, body: Buffer.from(body, 'utf8'), signature, timestamp: String(now), now: now + 299 }).ok).toBe(true);
  });

  it('refuses a body that was changed, another secret, or a timestamp that was changed', () => {
    const signature = signWebhook(secret, now, body);
    expect(verifyWebhookSignature({ secret, body: body.replace('Émile', 'Emile'), signature, timestamp: String(now), now })).toEqual({ ok: false, reason: 'signature does not match the body' });
    expect(verifyWebhookSignature({ secret: `${secret}x`, body, signature, timestamp: String(now), now }).ok).toBe(false);
    expect(verifyWebhookSignature({ secret, body, signature, timestamp: String(now + 1), now }).ok).toBe(false);
  });

  it('refuses a timestamp more than five minutes old (or ahead) as a possible replay', () => {
    const old = now - 301;
    const result = verifyWebhookSignature({ secret, body, signature: signWebhook(secret, old, body), timestamp: String(old), now });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('replay') });
    const ahead = now + 301;
    expect(verifyWebhookSignature({ secret, body, signature: signWebhook(secret, ahead, body), timestamp: String(ahead), now }).ok).toBe(false);
  });

  it('refuses missing or malformed headers without throwing', () => {
    const signature = signWebhook(secret, now, body);
    expect(verifyWebhookSignature({ secret, body, signature: undefined, timestamp: String(now), now })).toEqual({ ok: false, reason: expect.stringContaining('x-library-signature') });
    expect(verifyWebhookSignature({ secret, body, signature: signature.slice(0, -2), timestamp: String(now), now }).ok).toBe(false);
    expect(verifyWebhookSignature({ secret, body, signature: signature.replace('sha256=', 'sha1='), timestamp: String(now), now }).ok).toBe(false);
    expect(verifyWebhookSignature({ secret, body, signature, timestamp: 'yesterday', now })).toEqual({ ok: false, reason: expect.stringContaining('x-library-timestamp') });
    expect(verifyWebhookSignature({ secret, body, signature: [signature], timestamp: [String(now)], now }).ok).toBe(true);
  });
});
