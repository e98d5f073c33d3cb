import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { register } from 'prom-client';
import { ConsoleEnvironment } from './config/console-environment';
import { HealthController } from './health/health.controller';
import { LabelsModule } from './labels/labels.module';
import { OverviewModule } from './overview/overview.module';
import { PagesModule } from './pages/pages.module';
import { ProxyModule } from './proxy/proxy.module';
import { QueuesModule } from './queues/queues.module';
import { ReceiveModule } from './receive/receive.module';
import { ScanModule } from './scan/scan.module';
import { SessionModule } from './session/session.module';
import { ConsoleConfigModule } from './config/console-config.module';

/**
 * The technician console: pages for the daily work and a proxy to the four services. It has no
 * database and no broker; everything it shows or changes goes through the services with the
 * signed-in person's own token.
 */
@Module({})
export class ConsoleModule {
  static forEnvironment(env: ConsoleEnvironment): DynamicModule {
    return {
      module: ConsoleModule,
      imports: [
        ConsoleConfigModule.forEnvironment(env),
        LoggerModule.forRoot({
          pinoHttp: {
            level: env.LOG_LEVEL,
            base: { service: 'console' },
            genReqId: (request) => (request as { id?: string }).id ?? 'unknown',
            autoLogging: { ignore: (request) => /^\/(health|metrics|assets)/.test(request.url ?? '') },
            // The session cookie and bearer header are the person's credentials: never in a log line.
            redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
          },
        }),
        TerminusModule.forRoot({ gracefulShutdownTimeoutMs: env.SHUTDOWN_GRACE_MS }),
        PrometheusModule.register({
          path: '/metrics',
          defaultLabels: { service: 'console' },
          defaultMetrics: { enabled: !register.getSingleMetric('process_cpu_user_seconds_total') },
        }),
        SessionModule,
        PagesModule,
        ProxyModule,
        ScanModule,
        ReceiveModule,
        QueuesModule,
        OverviewModule,
        LabelsModule,
      ],
      controllers: [HealthController],
    };
  }
}
