import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { IncomingMessage } from 'node:http';
import { Logger } from 'nestjs-pino';
import { configureBarcodePolicy } from '@app/contracts';
import { runInContext } from '@app/messaging';
import { ConfigurationError, Environment, loadEnvironment } from './config/environment';
import { ensureDatabaseAndSchema } from './database/ensure-database';
import { bytesOf } from './http/body-limit';
import { acceptJsonBodies } from './http/json-body';
import { HttpExceptionFilter } from './http/http-exception.filter';
import { createValidationPipe } from './http/validation';
import { correlationIdOf } from './logging/logging.module';
import { checkInfrastructure } from './preflight';

export interface ServiceDescription {
  service: string;
  title: string;
  description: string;
}

/** Loads the environment or exits naming every bad variable (the process must not half-start). */
export function loadEnvironmentOrExit(defaults: Parameters<typeof loadEnvironment>[0]): Environment {
  try {
    return loadEnvironment(defaults);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Settings that live outside Nest's container (class-validator decorators read them). */
export function applyGlobalPolicies(env: Environment): void {
  configureBarcodePolicy({ legacyPattern: env.LEGACY_BARCODE_PATTERN });
}

/**
 * The HTTP server under Nest: Fastify, because a service's own work per request is small and
 * Express's router and middleware chain cost as much again (a single-item shipment took a fifth less
 * of intake's CPU on Fastify). A trailing slash matches the route without it, as it did on Express.
 */
export function serviceHttpAdapter(bodyLimitBytes?: number): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true },
    // The correlation id is the request's id (middie hands it to pino-http as `req.id`): the access
    // log, the response and every event the request causes carry it.
    genReqId: (request: IncomingMessage) => correlationIdOf(request),
  });
}

/**
 * Builds a service's HTTP application: JSON errors naming the field at fault, validation that refuses
 * unknown fields, a correlation id per request carried into every event it causes, OpenAPI at /docs,
 * and shutdown hooks that drain consumers before closing connections. Call `init()` (or `listen()`)
 * before serving: Fastify takes requests only once it is ready.
 */
export async function createServiceApp(module: unknown, env: Environment, description: ServiceDescription): Promise<NestFastifyApplication> {
  applyGlobalPolicies(env);
  await ensureDatabaseAndSchema(env.DATABASE_URL, env.DB_SCHEMA);
  const bodyLimit = bytesOf(env.BODY_LIMIT);
  const app = await NestFactory.create<NestFastifyApplication>(module as never, serviceHttpAdapter(bodyLimit), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  acceptJsonBodies(fastify, bodyLimit);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-correlation-id', request.id);
    done();
  });
  // The body is read between onRequest and here, in the socket's async context; the flow's context
  // starts after it, so the guard, the pipes, the handler and the events it publishes all see it.
  fastify.addHook('preHandler', (request, _reply, done) => runInContext({ correlationId: request.id }, done));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter(app.getHttpAdapter(), bodyLimit));
  // process.exit after the hooks: pino flushes, and a clean drain exits 0.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(description.title).setDescription(description.description).setVersion('1').addBearerAuth().build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  return app;
}

export interface RunServiceOptions extends ServiceDescription {
  defaults: Parameters<typeof loadEnvironment>[0];
  module: (env: Environment) => unknown;
}

/** A service's `main`: validate the environment, check the infrastructure, build, listen. */
export async function runService(options: RunServiceOptions): Promise<INestApplication> {
  const env = loadEnvironmentOrExit(options.defaults);
  const problems = await checkInfrastructure(env.DATABASE_URL, env.AMQP_URL);
  if (problems.length) {
    process.stderr.write(`${options.service} cannot start:\n  - ${problems.join('\n  - ')}\n`);
    process.exit(1);
  }
  const app = await createServiceApp(options.module(env), env, options);
  // Fastify listens on localhost unless told otherwise; a service in a container must answer on all interfaces.
  await app.listen(env.PORT, '0.0.0.0');
  return app;
}
