/**
 * `npm start`: checks PostgreSQL and RabbitMQ, then runs the four services as child processes (one
 * process each, as in production) with their output prefixed, and stops them together.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { checkInfrastructure, loadEnvironment, SERVICE_NODE_ARGS } from '@app/platform';

const SERVICES = ['intake', 'cataloging', 'conservation', 'disposal', 'console'] as const;

async function main(): Promise<void> {
  const env = loadEnvironment({ PORT: 0, DB_SCHEMA: 'intake' });
  const problems = await checkInfrastructure(env.DATABASE_URL, env.AMQP_URL);
  if (problems.length) {
    process.stderr.write(`cannot start the platform:\n  - ${problems.join('\n  - ')}\n`);
    process.exit(1);
  }
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  for (const service of SERVICES) {
    const child = spawn(process.execPath, [...SERVICE_NODE_ARGS, join(__dirname, '..', 'apps', service, 'src', 'main.js')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    children.set(service, child);
    const prefix = `${service.padEnd(12)}| `;
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
      });
    }
    child.on('exit', (code, signal) => {
      children.delete(service);
      process.stdout.write(`${prefix}exited (${signal ?? code})\n`);
      if (!stopping) stop(code ?? 1);
      if (children.size === 0) process.exit(stopping ? 0 : 1);
    });
  }
  const stop = (code = 0) => {
    stopping = true;
    for (const child of children.values()) child.kill('SIGTERM');
    if (children.size === 0) process.exit(code);
  };
  process.on('SIGINT', () => stop());
  process.on('SIGTERM', () => stop());
  process.stdout.write('console http://localhost:3000  intake :3001  cataloging :3002  conservation :3003  disposal :3004  (API docs at /docs)\n');
}

void main();
