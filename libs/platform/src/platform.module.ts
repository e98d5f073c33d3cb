import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { MixedList } from 'typeorm';
import { AuthModule } from '@app/auth';
import { Producer } from '@app/contracts';
import { MessagingModule } from '@app/messaging';
import { PlatformConfigModule } from './config/config.module';
import { Environment, retryDelays } from './config/environment';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { loggingModule } from './logging/logging.module';
import { MetricsController } from './metrics/metrics.controller';

export interface ServicePlatformOptions {
  service: Producer;
  env: Environment;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>;
}

/**
 * What every service has, in one import: validated configuration, JSON logs with correlation ids,
 * its PostgreSQL schema with migrations, the outbox/inbox event backbone, JWT access control,
 * health, and Prometheus metrics.
 */
@Module({})
export class PlatformModule {
  static forService(options: ServicePlatformOptions): DynamicModule {
    const { env, service } = options;
    return {
      module: PlatformModule,
      imports: [
        PlatformConfigModule.forEnvironment(env),
        loggingModule(service, env.LOG_LEVEL),
        DatabaseModule.forService({ entities: options.entities, migrations: options.migrations }),
        MessagingModule.forRootAsync({
          useFactory: () => ({
            service,
            schema: env.DB_SCHEMA,
            amqpUrl: env.AMQP_URL,
            eventsExchange: env.EVENTS_EXCHANGE,
            partnersExchange: env.PARTNERS_EXCHANGE,
            queuePrefix: env.QUEUE_PREFIX,
            prefetch: env.PREFETCH,
            consumerBatchSize: env.CONSUMER_BATCH_SIZE,
            consumerLanes: env.CONSUMER_LANES,
            retryDelaysMs: retryDelays(env),
            deliveryLimit: env.DELIVERY_LIMIT,
            outboxPollMs: env.OUTBOX_POLL_MS,
            outboxBatchSize: 500,
            outboxLeaseSeconds: env.OUTBOX_LEASE_SECONDS,
            outboxRetentionHours: env.OUTBOX_RETENTION_HOURS,
            inboxRetentionHours: env.INBOX_RETENTION_HOURS,
            housekeepingIntervalMs: env.HOUSEKEEPING_INTERVAL_MS,
          }),
        }),
        AuthModule.forRoot({
          mode: env.AUTH_MODE,
          secret: env.JWT_SECRET,
          jwksUrl: env.JWKS_URL,
          issuer: env.JWT_ISSUER,
          audience: env.JWT_AUDIENCE,
        }),
        TerminusModule.forRoot({ gracefulShutdownTimeoutMs: env.SHUTDOWN_GRACE_MS }),
        PrometheusModule.register({
          path: '/metrics',
          controller: MetricsController,
          defaultLabels: { service },
          // Tests run several services in one process: collect process metrics once.
          defaultMetrics: { enabled: !register.getSingleMetric('process_cpu_user_seconds_total') },
        }),
      ],
      controllers: [HealthController],
      exports: [PlatformConfigModule],
    };
  }
}
