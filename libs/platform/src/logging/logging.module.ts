import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { currentContext } from '@app/messaging';

const CORRELATION_HEADER = 'x-correlation-id';

export function correlationIdOf(request: IncomingMessage): string {
  const header = request.headers[CORRELATION_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  // Accept a caller's id only if it is a sane token; otherwise mint one.
  return value && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : randomUUID();
}

/**
 * Structured JSON logs (pino). Every line written while handling a request or an event carries the
 * correlation id of the flow, so one id follows a request through every event it causes.
 */
export function loggingModule(service: string, level: string) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      base: { service },
      // The bootstrap middleware has already chosen the id (and put it in the async context).
      genReqId: (request) => (request as IncomingMessage & { id?: string }).id ?? correlationIdOf(request),
      mixin: () => {
        const context = currentContext();
        return context ? { correlationId: context.correlationId, causationId: context.causationId ?? undefined } : {};
      },
      autoLogging: { ignore: (request) => /^\/(health|metrics)/.test(request.url ?? '') },
      redact: ['req.headers.authorization'],
    },
  });
}
