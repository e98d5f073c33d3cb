import { All, Controller, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { decodeJwt } from 'jose';
import { bytesOf } from '@app/platform/http/body-limit';
import { ConsoleEnvironment } from '../config/console-environment';
import { SessionRenewal } from '../session/session-renewal.service';
import { SessionService, SignInRequired } from '../session/session.service';
import { isUpstreamService, serviceUrl, SIGN_IN_AGAIN, UPSTREAM_SERVICES, UpstreamService, upstreamUrls, whatToDo } from '../upstream/upstream-services';

/** Request headers worth passing on; cookies never leave the console. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'accept-language'];
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'content-disposition', 'cache-control', 'x-correlation-id'];

/**
 * `/api/<service>/<path>` → `<service URL>/<path>`, method, query and body unchanged, with the
 * signed-in person's token: a bearer header sent by the caller is passed through as it is, otherwise
 * the session cookie's token becomes the bearer header. The console adds no credentials of its own,
 * so nobody can do more through it than with their own token. Errors come back as the service sent
 * them, plus `whatToDo`; a 401 says to sign in again.
 */
@ApiTags('api proxy')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('api')
export class ApiProxyController {
  private readonly urls: Record<UpstreamService, string>;

  constructor(
    private readonly env: ConsoleEnvironment,
    private readonly sessions: SessionService,
    private readonly renewal: SessionRenewal,
  ) {
    this.urls = upstreamUrls(env);
  }

  @All(':service/*path')
  @ApiParam({ name: 'service', enum: UPSTREAM_SERVICES })
  @ApiParam({ name: 'path', description: "the service's own path, e.g. items/31234000000017" })
  @ApiOperation({ summary: "Forward a call to a service with the caller's token (see each service's /docs)" })
  async forward(@Req() request: Request, @Res() response: Response): Promise<void> {
    const service = String(request.params.service);
    if (!isUpstreamService(service)) {
      response.status(404).json({ statusCode: 404, error: 'Not Found', message: `no service "${service}"`, whatToDo: `Use /api/${UPSTREAM_SERVICES.join('/…, /api/')}/…` });
      return;
    }
    let token = this.sessions.tokenOf(request);
    // A session whose token is gone or has run out is renewed first, when it can be (the services
    // still verify whatever is forwarded). A caller's own bearer header is theirs to renew.
    if (!request.headers.authorization && (!token || hasExpired(token))) {
      const renewed = await this.renewal.renew(request, response, new SignInRequired('your sign-in has expired'));
      if (renewed) token = renewed.token;
    }
    if (!token) {
      response.status(401).json({ statusCode: 401, error: 'Unauthorized', message: 'you are not signed in', whatToDo: SIGN_IN_AGAIN, signIn: '/sign-in' });
      return;
    }
    // Chosen (or accepted from the caller) by the console's first middleware; the service logs it too.
    const correlationId = (request as Request & { id?: string }).id ?? '';
    const target = this.targetUrl(service, request.originalUrl);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'x-correlation-id': correlationId };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await readBody(request, bytesOf(this.env.BODY_LIMIT));
    if (body === null) {
      response.status(413).json({ statusCode: 413, error: 'Payload Too Large', message: `body: larger than ${this.env.BODY_LIMIT}`, whatToDo: whatToDo(413) });
      return;
    }

    let upstream: globalThis.Response;
    try {
      upstream = await fetch(target, { method: request.method, headers, body: body?.length ? body : undefined, signal: AbortSignal.timeout(this.env.SERVICE_TIMEOUT_MS), redirect: 'manual' });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      const status = timedOut ? 504 : 502;
      response.status(status).json({
        statusCode: status,
        error: timedOut ? 'Gateway Timeout' : 'Bad Gateway',
        message: `the ${service} service ${timedOut ? 'did not answer in time' : 'is not answering'}`,
        whatToDo: whatToDo(status, service),
      });
      return;
    }

    const payload = Buffer.from(await upstream.arrayBuffer());
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value) response.setHeader(name, value);
    }
    response.status(upstream.status);
    if (upstream.status >= 400 && (upstream.headers.get('content-type') ?? '').includes('application/json')) {
      response.json(withWhatToDo(payload, upstream.status, service));
      return;
    }
    response.end(payload);
  }

  private targetUrl(service: UpstreamService, originalUrl: string): string {
    return serviceUrl(this.urls[service], originalUrl.slice(`/api/${service}`.length));
  }
}

/** True when a JWT's `exp` has passed (read, not verified: only to decide whether to renew first). */
function hasExpired(token: string): boolean {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && exp * 1000 <= Date.now();
  } catch {
    return false;
  }
}

/** Adds what to do to a service's JSON error; a 401 always means the person must sign in again. */
export function withWhatToDo(payload: Buffer, status: number, service: string): Record<string, unknown> {
  let body: Record<string, unknown>;
  try {
    const parsed = JSON.parse(payload.toString('utf8'));
    body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : { message: parsed };
  } catch {
    body = { message: payload.toString('utf8').slice(0, 500) };
  }
  return { statusCode: status, ...body, whatToDo: whatToDo(status, service), ...(status === 401 ? { signIn: '/sign-in' } : {}) };
}

/** The raw body (the console parses nothing it forwards), or null past the limit. */
function readBody(request: Request, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
