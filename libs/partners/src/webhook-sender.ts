import { Agent, fetch, Response } from 'undici';
import { assertPublicUrlHost, publicOnlyLookup, WebhookAddressRefused } from './webhook-address-guard';
import { signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature';

/** Connections that resolve a receiver's name when they are made, and refuse a non-public address. */
const publicOnly = new Agent({ connect: { lookup: publicOnlyLookup } });
const anywhere = new Agent();

export interface WebhookRequest {
  url: string;
  secret: string;
  /** The envelope JSON, sent byte for byte as stored. */
  body: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  routingKey: string;
  attempt: number;
}

export interface WebhookResult {
  delivered: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  /** Cut short by the service shutting down: not an attempt, nothing is recorded. */
  interrupted: boolean;
}

const SNIPPET_BYTES = 300;

class Timeout extends Error {}

/**
 * POSTs one delivery, signed afresh (the timestamp is the moment of this attempt, so a retry hours
 * later still verifies). 2xx is delivered; any other status, a network error or no complete answer
 * within the timeout is a failure. Redirects are not followed: a moved receiver must be registered anew.
 * Unless `allowPrivateNetworks`, a receiver on a loopback, private or link-local address is refused
 * without a request (a failed attempt saying so).
 */
export async function sendWebhook(request: WebhookRequest, timeoutMs: number, shutdown: AbortSignal, allowPrivateNetworks = false): Promise<WebhookResult> {
  const started = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Timeout()), timeoutMs);
  const onShutdown = () => controller.abort(shutdown.reason);
  shutdown.addEventListener('abort', onShutdown, { once: true });
  const result = (outcome: Omit<WebhookResult, 'durationMs' | 'interrupted'>): WebhookResult => ({
    ...outcome,
    durationMs: Date.now() - started,
    interrupted: shutdown.aborted && !(controller.signal.reason instanceof Timeout),
  });
  try {
    if (!allowPrivateNetworks) assertPublicUrlHost(new URL(request.url));
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      signal: controller.signal,
      dispatcher: allowPrivateNetworks ? anywhere : publicOnly,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'library-technical-services-webhooks/1',
        [SIGNATURE_HEADER]: signWebhook(request.secret, timestamp, request.body),
        [TIMESTAMP_HEADER]: String(timestamp),
        'x-library-delivery-id': request.deliveryId,
        'x-library-event-id': request.eventId,
        'x-library-event-type': request.eventType,
        'x-library-routing-key': request.routingKey,
        'x-library-attempt': String(request.attempt),
      },
      body: request.body,
    });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => undefined);
      return result({ delivered: true, httpStatus: response.status, error: null });
    }
    const snippet = await readSnippet(response);
    const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
    return result({ delivered: false, httpStatus: response.status, error: `receiver answered ${response.status}${redirect}${snippet ? `: ${snippet}` : ''}` });
  } catch (error) {
    if (error instanceof WebhookAddressRefused) return result({ delivered: false, httpStatus: null, error: `refused: ${error.message}` });
    if (controller.signal.reason instanceof Timeout) return result({ delivered: false, httpStatus: null, error: `no answer within ${timeoutMs} ms` });
    return result({ delivered: false, httpStatus: null, error: describeNetworkError(error) });
  } finally {
    clearTimeout(timer);
    shutdown.removeEventListener('abort', onShutdown);
  }
}

/** The start of an error answer, for the delivery log (receivers often say why they refused). */
async function readSnippet(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // The status is what matters; a body that breaks off is not worth failing over.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).toString('utf8').slice(0, SNIPPET_BYTES).replace(/\s+/g, ' ').trim();
  return text;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.message ?? (error as Error).message ?? String(error);
  return `network error: ${cause?.code && !detail.includes(cause.code) ? `${cause.code} ` : ''}${detail}`;
}
