import { request } from 'node:http';

export interface Answer {
  status: number;
  body: unknown;
  text: string;
}

/**
 * Sends bytes as they are with node's own client: superagent takes seconds to push a 21 MB buffer,
 * and a server that refuses a body by its Content-Length may answer (and close) before it is all sent.
 */
export function sendRaw(url: string, method: string, headers: Record<string, string>, body: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(body);
    let answered = false;
    const req = request(url, { method, headers: { ...headers, 'Content-Length': String(payload.length) } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      const done = () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = {};
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = {};
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      };
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', done);
      res.on('close', done);
    });
    // The server may answer and close while the body is still being sent (EPIPE, ECONNRESET): the
    // answer counts; only a request that got none fails.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    req.on('close', () => {
      if (!answered) reject(new Error('the connection closed without an answer'));
    });
    req.end(payload);
  });
}

export function messageOf(res: Answer): string {
  const message = (res.body as { message?: unknown })?.message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : '';
}
