import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How a webhook proves where it came from (docs/partners.md). The library signs
 * `<timestamp>.<raw body>` with the partner's secret (HMAC-SHA256) and sends
 * `X-Library-Signature: sha256=<hex>` and `X-Library-Timestamp: <unix seconds>`. A receiver
 * recomputes the signature over the bytes it received, compares in constant time, and refuses a
 * timestamp more than five minutes away from its clock, so a captured request cannot be replayed later.
 */
export const SIGNATURE_HEADER = 'x-library-signature';
export const TIMESTAMP_HEADER = 'x-library-timestamp';
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

const SIGNATURE_FORMAT = /^sha256=([0-9a-f]{64})$/;
const TIMESTAMP_FORMAT = /^\d{1,12}$/;

function hmac(secret: string, timestamp: number | string, body: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** The `X-Library-Signature` value for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string | Buffer): string {
  return `sha256=${hmac(secret, timestamp, body).toString('hex')}`;
}

export type WebhookVerification = { ok: true; timestamp: number } | { ok: false; reason: string };

export interface WebhookToVerify {
  secret: string;
  /** The raw request body, exactly as received (before any JSON parsing). */
  body: string | Buffer;
  signature: string | string[] | undefined;
  timestamp: string | string[] | undefined;
  /** Unix seconds; the receiver's clock. */
  now?: number;
  toleranceSeconds?: number;
}

/** What a correct receiver does with a webhook before trusting it. */
export function verifyWebhookSignature(input: WebhookToVerify): WebhookVerification {
  const signature = Array.isArray(input.signature) ? input.signature[0] : input.signature;
  const timestampText = Array.isArray(input.timestamp) ? input.timestamp[0] : input.timestamp;
  if (!timestampText || !TIMESTAMP_FORMAT.test(timestampText)) return { ok: false, reason: `missing or malformed ${TIMESTAMP_HEADER}` };
  const match = signature ? SIGNATURE_FORMAT.exec(signature) : null;
  if (!match) return { ok: false, reason: `missing or malformed ${SIGNATURE_HEADER} (expected sha256=<64 hex digits>)` };

  const timestamp = Number(timestampText);
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const tolerance = input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  if (Math.abs(now - timestamp) > tolerance) return { ok: false, reason: `timestamp ${timestamp} is more than ${tolerance} s away from now (${now}): refused as a possible replay` };

  const expected = hmac(input.secret, timestampText, input.body);
  const received = Buffer.from(match[1], 'hex');
  // Constant-time comparison: the time taken must not tell an attacker how many bytes matched.
  if (!timingSafeEqual(expected, received)) return { ok: false, reason: 'signature does not match the body' };
  return { ok: true, timestamp };
}
