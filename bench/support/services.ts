import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { SERVICE_NODE_ARGS } from '../../libs/platform/src/runtime/service-heap';
import { JsonClient } from './http';
import { pidListeningOn, ProcessMonitor } from './proc';
import { repoRoot, serviceMain, sleep } from './repo';
import { BenchWorld, ServiceName } from './world';

const DEFAULT_PORTS: Record<ServiceName, number> = { intake: 3001, cataloging: 3002, conservation: 3003, disposal: 3004 };

export interface RunningService {
  name: ServiceName;
  url: string;
  /** Null when attached to a process we cannot see (another user's, or in a container). */
  monitor: ProcessMonitor | null;
}

/**
 * The services of one world as real processes, started from `dist/` as they ship (or found at their
 * default ports with `--attach`), each watched for memory and CPU.
 */
export class ServiceFleet {
  readonly services = new Map<ServiceName, RunningService>();
  private readonly children = new Map<ServiceName, ChildProcess>();
  private readonly logs = new Map<ServiceName, string[]>();

  constructor(private readonly world: BenchWorld) {}

  get(name: ServiceName): RunningService {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not running in this world`);
    return service;
  }

  has(name: ServiceName): boolean {
    return this.services.has(name);
  }

  static isBuilt(name: ServiceName): boolean {
    return existsSync(serviceMain(name));
  }

  /** Starts (or, attached, finds) the services; all at once, as `npm start` does. */
  async start(names: ServiceName[]): Promise<void> {
    await Promise.all(names.map((name) => (this.world.attached ? this.attach(name) : this.launch(name))));
  }

  private async attach(name: ServiceName): Promise<void> {
    const port = DEFAULT_PORTS[name];
    const url = `http://127.0.0.1:${port}`;
    await this.waitReady(name, url, 5_000);
    const pid = pidListeningOn(port);
    this.services.set(name, { name, url, monitor: pid ? new ProcessMonitor(pid).start() : null });
  }

  private async launch(name: ServiceName): Promise<void> {
    const main = serviceMain(name);
    if (!existsSync(main)) throw new Error(`${name} is not built (${main}): run \`npm run build\` first (\`npm run bench\` does)`);
    const port = await freePort();
    const log: string[] = [];
    this.logs.set(name, log);
    // BENCH_SERVICE_NODE_ARGS profiles the services, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...SERVICE_NODE_ARGS, ...nodeArgs, main], {
      cwd: repoRoot(),
      env: { PATH: process.env.PATH, ...this.world.env(name, port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.set(name, child);
    const keep = (chunk: Buffer) => {
      if (process.env.BENCH_SERVICE_LOG) appendFileSync(`${process.env.BENCH_SERVICE_LOG}.${name}`, chunk);
      log.push(chunk.toString());
      if (log.length > 200) log.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const url = `http://127.0.0.1:${port}`;
    await this.waitReady(name, url, 90_000, child);
    this.services.set(name, { name, url, monitor: new ProcessMonitor(child.pid!).start() });
  }

  private async waitReady(name: ServiceName, url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
    const client = new JsonClient(url, undefined, 1);
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    try {
      for (;;) {
        if (child && child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} while starting:\n${this.log(name)}`);
        try {
          const res = await client.get('/health/ready', 2_000);
          if (res.status === 200) return;
          last = `status ${res.status}`;
        } catch (error) {
          last = (error as Error).message;
        }
        if (Date.now() > deadline) throw new Error(`${name} not ready at ${url} after ${timeoutMs / 1000} s (${last})${child ? `:\n${this.log(name)}` : ''}`);
        await sleep(200);
      }
    } finally {
      client.close();
    }
  }

  /** The last lines a started service wrote (for error messages). */
  log(name: ServiceName): string {
    return (this.logs.get(name) ?? []).join('').slice(-3000);
  }

  async stop(): Promise<void> {
    for (const service of this.services.values()) service.monitor?.stop();
    await Promise.all(
      [...this.children.values()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    this.children.clear();
  }
}

async function freePort(): Promise<number> {
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
