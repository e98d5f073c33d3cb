import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { DestinationStream, stdSerializers } from 'pino';
import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { currentContext } from '@app/messaging';

const CORRELATION_HEADER = 'x-correlation-id';

/** The raw request as Nest middleware sees it on Fastify: `url` without the middleware's mount path. */
type RawRequest = IncomingMessage & { id?: string; originalUrl?: string };

/** The path and query the client asked for. */
function pathOf(request: RawRequest): string | undefined {
  return request.originalUrl ?? request.url;
}

export function correlationIdOf(request: IncomingMessage): string {
  const header = request.headers[CORRELATION_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  // Accept a caller's id only if it is a sane token; otherwise mint one.
  return value && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : randomUUID();
}

/**
 * What an access line says of a request and its answer. Headers stay out: they carry the caller's
 * credentials, and serialising and redacting every request's headers cost a tenth of intake's CPU
 * under steady arrivals. The request's correlation id (`req.id`) leads to everything else.
 */
export const logSerializers = {
  err: stdSerializers.err,
  req: (request: RawRequest) => ({ id: request.id, method: request.method, url: pathOf(request) }),
  res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
};

/**
 * Structured JSON logs (pino). Every line written while handling a request or an event carries the
 * correlation id of the flow, so one id follows a request through every event it causes.
 * `destination` is for tests that read the lines; services log to stdout.
 */
export function loggingModule(service: string, level: string, destination?: DestinationStream) {
  const options = {
    level,
    base: { service },
    // The bootstrap middleware has already chosen the id (and put it in the async context).
    genReqId: (request: IncomingMessage) => (request as IncomingMessage & { id?: string }).id ?? correlationIdOf(request),
    mixin: () => {
      const context = currentContext();
      return context ? { correlationId: context.correlationId, causationId: context.causationId ?? undefined } : {};
    },
    autoLogging: { ignore: (request: RawRequest) => /^\/(health|metrics)/.test(pathOf(request) ?? '') },
    serializers: logSerializers,
    // These serializers read the raw request and response; pino-http's wrappers would first copy every header.
    wrapSerializers: false,
  };
  return LoggerModule.forRoot({
    pinoHttp: destination ? [options, destination] : options,
    // Every path, 404s included; nestjs-pino's default pattern matches nothing on Fastify's middleware layer.
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
  });
}
