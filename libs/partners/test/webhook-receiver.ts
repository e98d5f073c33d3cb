import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@app/partners';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as the signature covers it. */
  body: string;
  eventId: string;
  /** The status this receiver answered. */
  answered: number;
}

/** Decides the answer to a request: an HTTP status. */
export type Answer = (request: ReceivedWebhook, earlier: ReceivedWebhook[]) => number;

/**
 * A partner's webhook endpoint on 127.0.0.1 (port chosen by the OS) that records every request and
 * answers as the test tells it to, 200 by default.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answer: Answer = () => 200;

  private constructor(private readonly server: Server) {}

  static async start(answer?: Answer): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    if (answer) receiver.answer = answer;
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received: ReceivedWebhook = {
          path: request.url ?? '/',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          eventId: String(request.headers['x-library-event-id'] ?? ''),
          answered: 0,
        };
        received.answered = receiver.answer(received, receiver.received.filter((r) => r.path === received.path));
        receiver.received.push(received);
        response.writeHead(received.answered, { 'content-type': 'text/plain' });
        response.end(received.answered < 300 ? 'ok' : 'receiver is having a bad day');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** A URL of this receiver; each partner gets its own path. */
  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  /** What a correct receiver checks first (docs/partners.md). */
  verify(request: ReceivedWebhook, secret: string) {
    return verifyWebhookSignature({
      secret,
      body: request.body,
      signature: request.headers['x-library-signature'],
      timestamp: request.headers['x-library-timestamp'],
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A URL on 127.0.0.1 where nothing listens: connections are refused at once. */
export async function closedPortUrl(path = '/hooks'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}
