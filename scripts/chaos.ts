/**
 * `npm run test:chaos -- --items 5000`: the chaos system test (test/system/chaos.sys-spec.ts) in its
 * larger mode — more items, and RabbitMQ itself stopped and started mid-flow (`rabbitmqctl stop_app`
 * / `start_app`) on top of the crashes, dropped connections and terminated database sessions that
 * `npm test` already runs. Options:
 *   --items N              items in the flow (default 5000)
 *   --no-broker-restart    leave the broker running (e.g. on a broker others are using)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function usage(problem: string): never {
  process.stderr.write(`${problem}\nusage: npm run test:chaos -- [--items N] [--no-broker-restart]\n`);
  process.exit(2);
}

function parse(args: string[]): { items: number; brokerRestart: boolean } {
  const options = { items: 5_000, brokerRestart: true };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--items' || arg.startsWith('--items=')) {
      const value = arg.includes('=') ? arg.split('=')[1] : args[++i];
      const items = Number(value);
      if (!Number.isInteger(items) || items < 100 || items > 100_000) usage(`--items must be a whole number from 100 to 100000, got ${value}`);
      options.items = items;
    } else if (arg === '--no-broker-restart') {
      options.brokerRestart = false;
    } else {
      usage(`unknown option ${arg}`);
    }
  }
  return options;
}

/** The repository root, whether this runs from `scripts/` or built into `dist/scripts/`. */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'jest.config.js'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (jest.config.js)');
    dir = parent;
  }
  return dir;
}

function main(): void {
  const options = parse(process.argv.slice(2));
  process.stdout.write(`chaos run: ${options.items} items${options.brokerRestart ? ', RabbitMQ stopped and started mid-flow' : ''}\n`);
  const result = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), 'test/system/chaos', '--selectProjects', 'system', '--runInBand'], {
    cwd: repositoryRoot(),
    stdio: 'inherit',
    env: { ...process.env, CHAOS_ITEMS: String(options.items), CHAOS_BROKER_RESTART: options.brokerRestart ? '1' : '0' },
  });
  process.exit(result.status ?? 1);
}

main();
