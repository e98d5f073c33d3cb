import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createConsoleApp } from '../src/bootstrap';
import { loadConsoleEnvironment } from '../src/config/console-environment';

/** The console in-process, pointed at the given service URLs. */
export async function startConsole(env: Record<string, string>): Promise<{ app: INestApplication; http: () => ReturnType<typeof request> }> {
  const app = await createConsoleApp(loadConsoleEnvironment({ LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env }));
  await app.init();
  return { app, http: () => request(app.getHttpServer()) };
}
