import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { Producer } from '@app/contracts';
import { eventually, TestRun } from '../../support/test-run';

export type ServiceName = Exclude<Producer, 'circulation'>;
const ROOT = join(__dirname, '../../..');

interface ServiceProcess {
  name: ServiceName;
  port: number;
  child?: ChildProcess;
  log: string[];
}

/**
 * All services as real OS processes, built as they ship (`dist/`), against the real PostgreSQL and
 * RabbitMQ, isolated by the run's schemas, exchanges and queue names. Tests drive them over HTTP and
 * through partner queues only, and can kill and restart any of them.
 */
export class SystemHarness {
  readonly run = new TestRun();
  private readonly services = new Map<ServiceName, ServiceProcess>();

  constructor(private readonly extraEnv: Record<string, string> = {}) {}

  url(name: ServiceName): string {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not part of this system`);
    return `http://127.0.0.1:${service.port}`;
  }

  http(name: ServiceName) {
    return request(this.url(name));
  }

  async start(names: ServiceName[]): Promise<void> {
    const main = join(ROOT, 'dist/apps/intake/src/main.js');
    if (!existsSync(main)) throw new Error('system tests run the built services: `npm run build` first (npm test does)');
    for (const name of names) {
      this.services.set(name, { name, port: await freePort(), log: [] });
    }
    await Promise.all(names.map((name) => this.launch(name)));
  }

  private async launch(name: ServiceName): Promise<void> {
    const service = this.services.get(name)!;
    const env = this.run.env(name);
    const child = spawn(process.execPath, [join(ROOT, `dist/apps/${name}/src/main.js`)], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(service.port),
        DATABASE_URL: env.DATABASE_URL,
        AMQP_URL: env.AMQP_URL,
        DB_SCHEMA: env.DB_SCHEMA,
        EVENTS_EXCHANGE: env.EVENTS_EXCHANGE,
        PARTNERS_EXCHANGE: env.PARTNERS_EXCHANGE,
        QUEUE_PREFIX: env.QUEUE_PREFIX,
        RETRY_DELAYS_MS: env.RETRY_DELAYS_MS,
        OUTBOX_POLL_MS: '200',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        ...this.extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.child = child;
    const keep = (chunk: Buffer) => {
      service.log.push(chunk.toString());
      if (service.log.length > 200) service.log.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    try {
      await eventually(async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${service.log.join('')}`);
        await request(this.url(name)).get('/health/ready').expect(200);
      }, 60_000, 100);
    } catch (error) {
      throw new Error(`${name} did not become ready: ${(error as Error).message}\n${service.log.join('').slice(-3000)}`);
    }
  }

  /** SIGKILL: no drain, no goodbye — what a crash or an OOM kill looks like. */
  async kill(name: ServiceName): Promise<void> {
    const child = this.services.get(name)?.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async restart(name: ServiceName): Promise<void> {
    await this.kill(name);
    await this.launch(name);
  }

  logs(name: ServiceName): string {
    return this.services.get(name)?.log.join('') ?? '';
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.services.values()].map(async ({ child }) => {
        if (!child || child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await this.run.cleanup();
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
