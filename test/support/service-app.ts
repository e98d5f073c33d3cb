import { DynamicModule, INestApplication } from '@nestjs/common';
import request from 'supertest';
import { mintDevelopmentToken, Role } from '@app/auth';
import { Producer } from '@app/contracts';
import { createServiceApp, Environment } from '@app/platform';
import { TestRun } from './test-run';

export interface RunningService {
  app: INestApplication;
  env: Environment;
  http: () => ReturnType<typeof request>;
}

/** Boots one service in-process against the run's schema, exchanges and queues (integration tier). */
export async function startService(
  run: TestRun,
  service: Producer,
  module: (env: Environment) => DynamicModule,
  overrides: Record<string, string | number> = {},
): Promise<RunningService> {
  const env = run.env(service, overrides);
  const app = await createServiceApp(module(env), env, { service, title: service, description: service });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, env, http: () => request(app.getHttpServer()) };
}

/** A bearer header for a staff role in the given branches (or a partner with `partnerId`). */
export async function bearer(role: Role | `${Role}`, branches: string[] = ['CEN'], extra: { partnerId?: string; sub?: string } = {}): Promise<string> {
  const partner = role === 'bindery-vendor' || role === 'sales-platform';
  const token = await mintDevelopmentToken({
    sub: extra.sub ?? `${role}-${branches.join('-')}`,
    roles: [role],
    ...(partner ? { partnerId: extra.partnerId ?? 'partner-1' } : { branches }),
  });
  return `Bearer ${token}`;
}
