import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';

/** PostgreSQL failures that say nothing about the request: the database went away or asked for a retry. */
const TRANSIENT_DATABASE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '53300', '40001', '40P01']);

export function isTransientDatabaseFailure(exception: unknown): boolean {
  const error = exception as { code?: string; driverError?: { code?: string }; message?: string } | undefined;
  const code = error?.driverError?.code ?? error?.code;
  if (code && TRANSIENT_DATABASE_CODES.has(code)) return true;
  return /Connection terminated|ECONNREFUSED|ECONNRESET|Connection terminated unexpectedly|timeout exceeded when trying to connect/i.test(error?.message ?? '');
}

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
  limit?: number;
}

/**
 * Every error leaves as JSON `{ statusCode, error, message }`. Malformed or oversized bodies are the
 * client's fault (400/413), not ours; anything unexpected is a logged 500 without internals.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const [status, body] = this.describe(exception);
    if (status === 503) response.setHeader('Retry-After', '1');
    response.status(status).json(body);
  }

  private describe(exception: unknown): [number, Record<string, unknown>] {
    // Express wraps body-parser failures in HttpExceptions; the original says what went wrong.
    const cause = exception instanceof HttpException ? (exception.cause as BodyParserError | undefined) : undefined;
    if (cause?.type) return this.describe(cause);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const body = typeof payload === 'string' ? { statusCode: status, error: HttpStatus[status], message: payload } : { statusCode: status, ...payload };
      return [status, body];
    }
    const parserError = exception as BodyParserError;
    if (parserError?.type === 'entity.parse.failed') {
      return [400, { statusCode: 400, error: 'Bad Request', message: `body: malformed JSON (${parserError.message}); send a JSON object` }];
    }
    if (parserError?.type === 'entity.too.large') {
      return [413, { statusCode: 413, error: 'Payload Too Large', message: `body: larger than the ${parserError.limit} byte limit; split it into smaller requests` }];
    }
    if (parserError?.type && parserError.status && parserError.status < 500) {
      return [parserError.status, { statusCode: parserError.status, error: 'Bad Request', message: `body: ${parserError.message}` }];
    }
    if (isTransientDatabaseFailure(exception)) {
      this.logger.warn(`database unavailable: ${(exception as Error).message}`);
      return [503, {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the database connection was interrupted; check whether the change was made, then try again',
      }];
    }
    if (exception instanceof QueryFailedError && (exception as QueryFailedError & { code?: string }).code === '22P02') {
      return [400, { statusCode: 400, error: 'Bad Request', message: 'malformed identifier in the request' }];
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return [500, { statusCode: 500, error: 'Internal Server Error', message: 'unexpected error; the incident is logged' }];
  }
}
