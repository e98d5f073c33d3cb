import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SignInRequired } from '../session/session.service';
import { ServiceError } from '../upstream/service-client';
import { whatToDo } from '../upstream/upstream-services';
import { html } from './html';

/** Paths answered as JSON; everything else is a page a person is looking at. */
const JSON_PATHS = /^\/(api|console-api|health|docs|metrics)(\/|$)/;

/**
 * Errors as the person meets them: on a page, a readable page (or the sign-in screen when the
 * session is gone); from a script, JSON `{ statusCode, message, whatToDo }`. Every error says what
 * to do next.
 */
@Catch()
export class ConsoleExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Console');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const { status, body } = this.describe(exception);
    if (JSON_PATHS.test(request.path) || (request.method !== 'GET' && !request.accepts('html'))) {
      response.status(status).json(body);
      return;
    }
    if (exception instanceof SignInRequired) {
      const next = encodeURIComponent(request.originalUrl);
      response.redirect(303, `/sign-in?next=${next}${request.headers.cookie?.includes('console_session=') ? `&reason=${encodeURIComponent(String(body.message))}` : ''}`);
      return;
    }
    response
      .status(status)
      .type('html')
      .send(
        html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Problem · Technician console</title><link rel="stylesheet" href="/assets/console.css"></head>
<body><main id="main"><h1>Something stopped this page</h1>
<div class="message error" role="alert"><p><strong>${String(body.message)}</strong></p><p>${String(body.whatToDo)}</p></div>
<p><a href="/scan">Back to the scan station</a> · <a href="/sign-in">Sign in</a></p></main></body></html>`.value,
      );
  }

  private describe(exception: unknown): { status: number; body: Record<string, unknown> } {
    if (exception instanceof ServiceError) {
      return {
        status: exception.status,
        body: { statusCode: exception.status, message: exception.messages.length > 1 ? exception.messages : exception.message, service: exception.service, whatToDo: exception.whatToDo },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const body = typeof payload === 'string' ? { statusCode: status, message: payload } : { statusCode: status, ...(payload as object) };
      return { status, body: { ...body, whatToDo: (body as { whatToDo?: string }).whatToDo ?? whatToDo(status) } };
    }
    const parserError = exception as { type?: string; status?: number; message?: string };
    if (parserError?.type === 'entity.parse.failed') {
      return { status: 400, body: { statusCode: 400, message: 'body: malformed JSON; send a JSON object', whatToDo: whatToDo(400) } };
    }
    if (parserError?.type === 'entity.too.large') {
      return { status: 413, body: { statusCode: 413, message: 'body: too large', whatToDo: whatToDo(413) } };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { status: 500, body: { statusCode: 500, message: 'unexpected error in the console; the incident is logged', whatToDo: 'Try again. If it keeps failing, tell your system administrator.' } };
  }
}
