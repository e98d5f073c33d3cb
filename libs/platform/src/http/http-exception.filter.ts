import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
import { bodyTooLargeMessage } from './json-body';

/** PostgreSQL's word that the transaction was undone because of another one: a deadlock, a serialization failure. */
const COLLISION_CODES = new Set(['40001', '40P01']);
/** PostgreSQL failures that say the database went away (or is full of connections). */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '53300']);

/**
 * What a database failure that says nothing about the request was: `collision` — PostgreSQL undid the
 * transaction, so nothing changed and the same request can simply be sent again; `unavailable` — the
 * connection went away, perhaps after the commit. Null for any other failure.
 */
export function transientDatabaseFailure(exception: unknown): 'collision' | 'unavailable' | null {
  const error = exception as { code?: string; driverError?: { code?: string }; message?: string } | undefined;
  const code = error?.driverError?.code ?? error?.code;
  if (code && COLLISION_CODES.has(code)) return 'collision';
  if (code && UNAVAILABLE_CODES.has(code)) return 'unavailable';
  return /Connection terminated|ECONNREFUSED|ECONNRESET|timeout exceeded when trying to connect/i.test(error?.message ?? '') ? 'unavailable' : null;
}

/** What the client is told: after a collision nothing changed; after a lost connection the commit may have happened. */
const TRANSIENT_ANSWERS: Record<'collision' | 'unavailable', string> = {
  collision: 'the change collided with another change to the same records and was undone; nothing was changed; try again',
  unavailable: 'the database connection was interrupted; check whether the change was made, then try again',
};

/** What the HTTP server says of a body it could not take (Fastify's `FST_ERR_CTP_*` errors). */
interface BodyError {
  code?: string;
  statusCode?: number;
  message?: string;
}

function isBodyError(error: unknown): error is BodyError & { statusCode: number } {
  const candidate = error as BodyError | undefined;
  return !!candidate?.code?.startsWith('FST_ERR_CTP_') && typeof candidate.statusCode === 'number' && candidate.statusCode < 500;
}

type HttpAdapter = Pick<HttpAdapterHost['httpAdapter'], 'reply' | 'setHeader' | 'isHeadersSent'>;

/**
 * Every error leaves as JSON `{ statusCode, error, message }`. Malformed or oversized bodies are the
 * client's fault (400/413), not ours; anything unexpected is a logged 500 without internals.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  constructor(
    private readonly http: HttpAdapter,
    private readonly bodyLimitBytes?: number,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<unknown>();
    if (this.http.isHeadersSent(response)) return;
    const [status, body] = this.describe(exception);
    if (status === 503) this.http.setHeader(response, 'Retry-After', '1');
    this.http.reply(response, body, status);
  }

  private describe(exception: unknown): [number, Record<string, unknown>] {
    // Nest hands Fastify's body errors over wrapped in an HttpException; the original says what went wrong.
    const cause = exception instanceof HttpException ? (exception.cause as BodyError | undefined) : undefined;
    if (isBodyError(cause)) return this.describeBodyError(cause);
    if (isBodyError(exception)) return this.describeBodyError(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const body = typeof payload === 'string' ? { statusCode: status, error: HttpStatus[status], message: payload } : { statusCode: status, ...payload };
      return [status, body];
    }
    const transient = transientDatabaseFailure(exception);
    if (transient) {
      // A collision should not happen (every multi-row writer locks in id order): when it does, the log says so.
      this.logger.warn(`${transient === 'collision' ? 'transaction undone by the database' : 'database unavailable'}: ${(exception as Error).message}`);
      return [503, { statusCode: 503, error: 'Service Unavailable', message: TRANSIENT_ANSWERS[transient] }];
    }
    if (exception instanceof QueryFailedError && (exception as QueryFailedError & { code?: string }).code === '22P02') {
      return [400, { statusCode: 400, error: 'Bad Request', message: 'malformed identifier in the request' }];
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return [500, { statusCode: 500, error: 'Internal Server Error', message: 'unexpected error; the incident is logged' }];
  }

  private describeBodyError({ code, statusCode: status, message }: BodyError & { statusCode: number }): [number, Record<string, unknown>] {
    const answer = (text: string): [number, Record<string, unknown>] => [status, { statusCode: status, error: STATUS_CODES[status] ?? 'Bad Request', message: text }];
    switch (code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return answer(bodyTooLargeMessage(this.bodyLimitBytes));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return answer('body: send JSON, as application/json');
      default:
        return answer(`body: ${message}`);
    }
  }
}
