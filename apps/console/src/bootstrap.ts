import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, NextFunction, Request, Response, urlencoded } from 'express';
import { Logger } from 'nestjs-pino';
import { configureBarcodePolicy } from '@app/contracts';
// Deep imports: the platform's index also loads the messaging library, which the console does not use.
import { createValidationPipe } from '@app/platform/http/validation';
import { ConsoleEnvironment } from './config/console-environment';
import { ConsoleModule } from './console.module';
import { ConsoleExceptionFilter } from './pages/console-exception.filter';
import { SESSION_COOKIE } from './session/cookies';

/** The caller's correlation id when it is a sane token (as the services accept it), else a new one. */
export function correlationIdOf(request: Request): string {
  const header = request.headers['x-correlation-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : randomUUID();
}

/** Where the stylesheet and page scripts live: beside the sources, in the repository and the image. */
export function publicDirectory(): string {
  const candidates = [join(__dirname, '..', 'public'), join(__dirname, '..', '..', '..', '..', 'apps', 'console', 'public')];
  return candidates.find((dir) => existsSync(join(dir, 'console.css'))) ?? candidates[0];
}

// Scripts and styles come from this console only; nothing from a CDN, nothing inline.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

function securityHeaders(request: Request, response: Response, next: NextFunction): void {
  // Swagger UI (/docs) brings its own inline styles; the console's pages never need them.
  if (!request.path.startsWith('/docs')) response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'same-origin');
  next();
}

/**
 * Changes only from this console's own pages: a browser sends `Origin` with every form post and
 * script call, so a request another site makes with the person's cookie is refused (the cookie is
 * SameSite=Strict as well).
 */
function sameOrigin(request: Request, response: Response, next: NextFunction): void {
  const origin = request.headers.origin;
  if (['GET', 'HEAD', 'OPTIONS'].includes(request.method) || !origin) return next();
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host && host === request.headers.host) return next();
  response.status(403).json({ statusCode: 403, message: 'request from another site refused', whatToDo: 'Use the console pages themselves to make changes.' });
}

/** Bodies of the console's own routes; `/api/…` is forwarded untouched, so it is not parsed here. */
function bodyParsers(limit: string) {
  const parsers = [json({ limit }), urlencoded({ extended: false, limit })];
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.path.startsWith('/api/')) return next();
    const run = (i: number) => (error?: unknown) => {
      if (error) {
        const problem = error as { type?: string; status?: number; message?: string };
        const status = problem.status && problem.status < 500 ? problem.status : 400;
        response.status(status).json({ statusCode: status, message: `body: ${problem.type === 'entity.too.large' ? `larger than ${limit}` : 'malformed'}`, whatToDo: 'Send a smaller or well-formed body.' });
        return;
      }
      if (i === parsers.length) return next();
      parsers[i](request, response, run(i + 1));
    };
    run(0)();
  };
}

export async function createConsoleApp(env: ConsoleEnvironment): Promise<INestApplication> {
  configureBarcodePolicy({});
  const app = await NestFactory.create<NestExpressApplication>(ConsoleModule.forEnvironment(env), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.use((request: Request & { id?: string }, response: Response, next: NextFunction) => {
    request.id = correlationIdOf(request);
    response.setHeader('x-correlation-id', request.id);
    next();
  });
  app.use(securityHeaders);
  app.use(sameOrigin);
  app.use(bodyParsers(env.BODY_LIMIT));
  app.useStaticAssets(publicDirectory(), { prefix: '/assets/', maxAge: env.NODE_ENV === 'production' ? '1h' : 0 });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ConsoleExceptionFilter());
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Technician console')
      .setDescription(
        "The console's own endpoints and its proxy: `/api/<service>/<path>` forwards to intake, cataloging, conservation or disposal with the caller's token (see each service's /docs).",
      )
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth(SESSION_COOKIE)
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  return app;
}
