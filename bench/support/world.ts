import { Channel, connect } from 'amqplib';
import { Client } from 'pg';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/library';
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export const SERVICES = ['intake', 'cataloging', 'conservation', 'disposal'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Retry delay queues a service may declare (`RETRY_DELAYS_MS` has at most five entries in practice). */
const RETRY_QUEUES = [1, 2, 3, 4, 5];

/**
 * The names one benchmark run lives under: its own schemas, exchanges and queue prefix, so it runs
 * beside the developers' services and test suites without touching them, and leaves nothing behind.
 * An attached world uses the default names of the running services and is never cleaned up.
 */
export class BenchWorld {
  readonly eventsExchange: string;
  readonly partnersExchange: string;
  readonly queuePrefix: string;
  /** Queues a scenario caused the services to declare (a partner's), dropped with the world. */
  private readonly adoptedQueues = new Set<string>();

  private constructor(
    readonly id: string,
    readonly attached: boolean,
  ) {
    this.eventsExchange = attached ? 'library.events' : `bench.${id}.events`;
    this.partnersExchange = attached ? 'library.partners' : `bench.${id}.partners`;
    this.queuePrefix = attached ? '' : `bench.${id}.`;
  }

  static isolated(id: string): BenchWorld {
    if (!/^[a-z0-9]{1,20}$/.test(id)) throw new Error(`world id must be short lower-case alphanumerics, got ${id}`);
    return new BenchWorld(id, false);
  }

  static attached(): BenchWorld {
    return new BenchWorld('attached', true);
  }

  schemaFor(service: ServiceName): string {
    return this.attached ? service : `bench_${this.id}_${service}`;
  }

  /** The queue the services declare for a partner (`<prefix>partner.<id>`, as @app/messaging names it). */
  partnerQueue(partnerId: string): string {
    return `${this.queuePrefix}partner.${partnerId}`;
  }

  /** Drop this queue with the world, should the scenario that caused it not get to. */
  adoptQueue(queue: string): void {
    this.adoptedQueues.add(queue);
  }

  /** The environment a service process of this world starts with. */
  env(service: ServiceName, port: number): Record<string, string> {
    return {
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL,
      AMQP_URL,
      DB_SCHEMA: this.schemaFor(service),
      EVENTS_EXCHANGE: this.eventsExchange,
      PARTNERS_EXCHANGE: this.partnersExchange,
      QUEUE_PREFIX: this.queuePrefix,
      // Request logs at info would measure pino as much as the service; warnings still show problems.
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      // BENCH_SERVICE_ENV="PREFETCH=400,CONSUMER_BATCH_SIZE=200" tries other settings without a rebuild.
      ...Object.fromEntries((process.env.BENCH_SERVICE_ENV ?? '').split(',').filter(Boolean).map((pair) => pair.split('=', 2) as [string, string])),
    };
  }

  /** Drops the world's schemas, queues and exchanges; every step tolerates what is already gone. */
  async cleanup(): Promise<void> {
    // BENCH_KEEP_WORLD leaves the schemas and queues for a look at the tables afterwards (drop them by hand).
    if (this.attached || process.env.BENCH_KEEP_WORLD) return;
    const problems: string[] = [];
    const queues: string[] = [];
    for (const service of SERVICES) {
      const main = `${this.queuePrefix}${service}.events`;
      queues.push(main, `${main}.dlq`, ...RETRY_QUEUES.map((n) => `${main}.retry.${n}`));
    }
    const unroutable = `${this.eventsExchange}.unroutable`;
    queues.push(unroutable, ...this.adoptedQueues);
    try {
      await deleteBrokerObjects({ queues, exchanges: [this.eventsExchange, this.partnersExchange, unroutable] });
    } catch (error) {
      problems.push(`broker: ${(error as Error).message}`);
    }
    try {
      await dropSchemas(SERVICES.map((service) => this.schemaFor(service)));
    } catch (error) {
      problems.push(`database: ${(error as Error).message}`);
    }
    if (problems.length) process.stderr.write(`bench: cleanup of world ${this.id} incomplete: ${problems.join('; ')}\n`);
  }
}

export async function dropSchemas(schemas: string[]): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schemas.map((s) => `"${s}"`).join(', ')} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Deletes queues and exchanges, ignoring those already gone (one channel each: a failed delete closes it). */
export async function deleteBrokerObjects(objects: { queues: string[]; exchanges: string[] }): Promise<void> {
  const connection = await connect(AMQP_URL);
  connection.on('error', () => undefined);
  const attempt = async (operation: (channel: Channel) => Promise<unknown>) => {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    await operation(channel).catch(() => undefined);
    await channel.close().catch(() => undefined);
  };
  try {
    for (const queue of objects.queues) await attempt((channel) => channel.deleteQueue(queue));
    for (const exchange of objects.exchanges) await attempt((channel) => channel.deleteExchange(exchange));
  } finally {
    await connection.close().catch(() => undefined);
  }
}
