import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Reply = { status: number; body?: unknown; type?: string; raw?: Buffer };

/**
 * A stand-in for one of the services: records what reaches it and answers from a table of paths,
 * so the console's forwarding can be checked byte for byte.
 */
export class FakeService {
  readonly seen: SeenRequest[] = [];
  private readonly replies = new Map<string, Reply>();
  private server?: Server;

  reply(methodAndPath: string, reply: Reply): void {
    this.replies.set(methodAndPath, reply);
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.seen.push({ method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString() });
        const path = request.url!.split('?')[0];
        const reply = this.replies.get(`${request.method} ${path}`) ?? { status: 404, body: { statusCode: 404, message: `no fake for ${request.method} ${path}` } };
        response.statusCode = reply.status;
        if (reply.raw) {
          response.setHeader('content-type', reply.type ?? 'application/octet-stream');
          response.end(reply.raw);
        } else {
          response.setHeader('content-type', 'application/json; charset=utf-8');
          response.end(JSON.stringify(reply.body ?? {}));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  last(): SeenRequest {
    return this.seen[this.seen.length - 1];
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
