import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { Producer } from '@app/contracts';
import { SERVICE_NODE_ARGS } from '@app/platform';
import { eventually, TestRun } from '../../support/test-run';

export type ServiceName = Exclude<Producer, 'circulation'>;
/** What the harness runs: the four services, and the technician console in front of them. */
export type ProcessName = ServiceName | 'console';
/** A second (third, …) instance of a service: same schema and queue, its own process and port. */
export type ReplicaName = `${ServiceName}#${number}`;
type InstanceName = ProcessName | ReplicaName;
const ROOT = join(__dirname, '../../..');

interface ServiceProcess {
  /** The app it runs (a replica runs its service's). */
  name: ProcessName;
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
  private readonly services = new Map<InstanceName, ServiceProcess>();

  constructor(private readonly extraEnv: Record<string, string> = {}) {}

  url(name: InstanceName): string {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not part of this system`);
    return `http://127.0.0.1:${service.port}`;
  }

  http(name: InstanceName) {
    return request(this.url(name));
  }

  async start(names: ProcessName[]): Promise<void> {
    const main = join(ROOT, 'dist/apps/intake/src/main.js');
    if (!existsSync(main)) throw new Error('system tests run the built services: `npm run build` first (npm test does)');
    for (const name of names) {
      this.services.set(name, { name, port: await freePort(), log: [] });
    }
    await Promise.all(names.map((name) => this.launch(name)));
  }

  /**
   * Starts one more instance of a running service, as a scaled-out deployment would: it shares the
   * service's schema and queue (competing consumers) and answers on its own port.
   */
  async startReplica(service: ServiceName): Promise<ReplicaName> {
    if (!this.services.has(service)) throw new Error(`start ${service} before its replicas`);
    let n = 2;
    while (this.services.has(`${service}#${n}`)) n++;
    const replica: ReplicaName = `${service}#${n}`;
    this.services.set(replica, { name: service, port: await freePort(), log: [] });
    await this.launch(replica);
    return replica;
  }

  private async launch(instance: InstanceName): Promise<void> {
    const service = this.services.get(instance)!;
    const name = service.name;
    const child = spawn(process.execPath, [...SERVICE_NODE_ARGS, join(ROOT, `dist/apps/${name}/src/main.js`)], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(service.port),
        ...(name === 'console' ? this.consoleEnv() : this.serviceEnv(name)),
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
        if (hasExited(child)) throw new Error(`${instance} exited with ${child.exitCode ?? child.signalCode}:\n${service.log.join('')}`);
        await request(this.url(instance)).get('/health/ready').expect(200);
      }, 60_000, 100);
    } catch (error) {
      throw new Error(`${instance} did not become ready: ${(error as Error).message}\n${service.log.join('').slice(-3000)}`);
    }
  }

  private serviceEnv(name: ServiceName): Record<string, string> {
    const env = this.run.env(name);
    return {
      DATABASE_URL: env.DATABASE_URL,
      // Tags the service's PostgreSQL sessions with its schema, so a test can find (and terminate)
      // exactly this run's connections on a database other suites share.
      PGAPPNAME: env.DB_SCHEMA,
      AMQP_URL: env.AMQP_URL,
      DB_SCHEMA: env.DB_SCHEMA,
      EVENTS_EXCHANGE: env.EVENTS_EXCHANGE,
      PARTNERS_EXCHANGE: env.PARTNERS_EXCHANGE,
      QUEUE_PREFIX: env.QUEUE_PREFIX,
      RETRY_DELAYS_MS: env.RETRY_DELAYS_MS,
      OUTBOX_POLL_MS: '200',
    };
  }

  /** The console has no database or broker: it needs the URLs of the services of this system. */
  private consoleEnv(): Record<string, string> {
    const url = (name: ProcessName) => (this.services.has(name) ? this.url(name) : 'http://127.0.0.1:9');
    return {
      INTAKE_URL: url('intake'),
      CATALOGING_URL: url('cataloging'),
      CONSERVATION_URL: url('conservation'),
      DISPOSAL_URL: url('disposal'),
      CONSOLE_DEV_SIGN_IN: 'true',
    };
  }

  /** SIGKILL: no drain, no goodbye — what a crash or an OOM kill looks like. */
  async kill(name: InstanceName): Promise<void> {
    const child = this.services.get(name)?.child;
    if (!child || hasExited(child)) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async restart(name: InstanceName): Promise<void> {
    await this.kill(name);
    await this.launch(name);
  }

  logs(name: InstanceName): string {
    return this.services.get(name)?.log.join('') ?? '';
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.services.values()].map(async ({ child }) => {
        if (!child || hasExited(child)) return;
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

/** A child killed by a signal keeps `exitCode` null: its `signalCode` says it is gone. */
function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
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
