import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { configureBarcodePolicy } from '@app/contracts';
import { runInContext } from '@app/messaging';
import { ConfigurationError, Environment, loadEnvironment } from './config/environment';
import { ensureDatabaseAndSchema } from './database/ensure-database';
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
 * Builds a service's HTTP application: JSON errors naming the field at fault, validation that refuses
 * unknown fields, a correlation id per request carried into every event it causes, OpenAPI at /docs,
 * and shutdown hooks that drain consumers before closing connections.
 */
export async function createServiceApp(module: unknown, env: Environment, description: ServiceDescription): Promise<INestApplication> {
  applyGlobalPolicies(env);
  await ensureDatabaseAndSchema(env.DATABASE_URL, env.DB_SCHEMA);
  const app = await NestFactory.create<NestExpressApplication>(module as never, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: env.BODY_LIMIT });
  app.use((request: Request & { id?: string }, response: Response, next: NextFunction) => {
    request.id = correlationIdOf(request);
    response.setHeader('x-correlation-id', request.id);
    runInContext({ correlationId: request.id }, next);
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
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
  await app.listen(env.PORT);
  return app;
}
