import { Agent, request } from 'node:http';

export interface HttpResponse<T = unknown> {
  status: number;
  body: T;
  /** From the first byte written to the last byte read, in milliseconds. */
  ms: number;
  /** From the first byte written to the status line and headers, in milliseconds (the body may still be coming). */
  headersMs: number;
}

/**
 * A small JSON client over node:http with keep-alive: cheap enough that the load generator does not
 * become the bottleneck on a 2-core machine it shares with the services.
 */
export class JsonClient {
  private readonly agent: Agent;

  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
    maxSockets = 64,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  get<T = unknown>(path: string, timeoutMs = 30_000): Promise<HttpResponse<T>> {
    return this.send<T>('GET', path, undefined, timeoutMs);
  }

  post<T = unknown>(path: string, body: unknown, timeoutMs = 120_000): Promise<HttpResponse<T>> {
    return this.send<T>('POST', path, body, timeoutMs);
  }

  put<T = unknown>(path: string, body: unknown, timeoutMs = 120_000): Promise<HttpResponse<T>> {
    return this.send<T>('PUT', path, body, timeoutMs);
  }

  send<T>(method: string, path: string, body: unknown, timeoutMs: number): Promise<HttpResponse<T>> {
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent, timeout: timeoutMs }, (res) => {
        const headersMs = performance.now() - started;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text for the error message
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T, ms: performance.now() - started, headersMs });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Throws with the status and the service's message unless the response has the expected status. */
export function expectStatus<T>(response: HttpResponse<T>, expected: number, what: string): HttpResponse<T> {
  if (response.status !== expected) {
    const detail = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    throw new Error(`${what}: expected ${expected}, got ${response.status}: ${detail.slice(0, 500)}`);
  }
  return response;
}
