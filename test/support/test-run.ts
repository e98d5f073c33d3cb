import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { connect, ChannelModel, ConfirmChannel } from 'amqplib';
import { Client } from 'pg';
import { Producer } from '@app/contracts';
import { partnerQueueName, queueNames, unroutableQueueName } from '@app/messaging';
import { Environment, loadEnvironment } from '@app/platform';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/library_test';
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * One isolated world per test file: its own schemas, exchanges and queue names, so suites can run in
 * any order, twice in a row, or side by side, and leave nothing behind.
 */
export class TestRun {
  readonly id = randomBytes(4).toString('hex');
  readonly eventsExchange = `t.${this.id}.events`;
  readonly partnersExchange = `t.${this.id}.partners`;
  readonly queuePrefix = `t.${this.id}.`;
  private readonly schemas = new Set<string>();
  private readonly services = new Set<Producer>();
  private readonly extraQueues = new Set<string>();
  private connection?: ChannelModel;

  schemaFor(service: string): string {
    return `t_${this.id}_${service}`;
  }

  /** A validated environment for one service of this run. */
  env(service: Producer, overrides: Record<string, string | number> = {}): Environment {
    const schema = this.schemaFor(service);
    this.schemas.add(schema);
    this.services.add(service);
    return loadEnvironment(
      { PORT: 0, DB_SCHEMA: schema },
      {
        NODE_ENV: 'test',
        DATABASE_URL,
        AMQP_URL,
        EVENTS_EXCHANGE: this.eventsExchange,
        PARTNERS_EXCHANGE: this.partnersExchange,
        QUEUE_PREFIX: this.queuePrefix,
        RETRY_DELAYS_MS: '50,100',
        OUTBOX_POLL_MS: '200',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        ...Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, String(v)])),
      },
    );
  }

  /** The queue a partner of this run reads (`partner.<id>`), removed at cleanup. */
  partnerQueue(partnerId: string): string {
    const name = partnerQueueName(this.queuePrefix, partnerId);
    this.extraQueues.add(name);
    return name;
  }

  /** Any other queue a test declares, removed at cleanup. */
  trackQueue(name: string): string {
    this.extraQueues.add(name);
    return name;
  }

  queues(service: Producer) {
    return queueNames({ queuePrefix: this.queuePrefix, service, retryDelaysMs: [50, 100] });
  }

  async channel(): Promise<ConfirmChannel> {
    if (!this.connection) {
      const connection = await connect(AMQP_URL);
      // The broker may drop every connection in a test: open a fresh one next time.
      connection.on('close', () => {
        if (this.connection === connection) this.connection = undefined;
      });
      connection.on('error', () => undefined);
      this.connection = connection;
    }
    return this.connection.createConfirmChannel();
  }

  /** Publishes raw bytes onto the run's events exchange, as an outside producer would. */
  async publishRaw(routingKey: string, body: string | Buffer, properties: Record<string, unknown> = {}): Promise<void> {
    const channel = await this.channel();
    channel.publish(this.eventsExchange, routingKey, Buffer.isBuffer(body) ? body : Buffer.from(body), { persistent: true, ...properties });
    await channel.waitForConfirms();
    await channel.close();
  }

  async messageCount(queue: string): Promise<number> {
    const channel = await this.channel();
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async cleanup(): Promise<void> {
    const channel = await this.channel().catch(() => undefined);
    if (channel) {
      channel.on('error', () => undefined);
      for (const service of this.services) {
        const names = this.queues(service);
        // Services started with other retry settings (default: three) leave more delay queues.
        const retries = [1, 2, 3, 4, 5].map((n) => `${names.main}.retry.${n}`);
        for (const queue of [names.main, names.deadLetter, ...retries]) await channel.deleteQueue(queue).catch(() => undefined);
      }
      for (const queue of [unroutableQueueName(this.eventsExchange), ...this.extraQueues]) await channel.deleteQueue(queue).catch(() => undefined);
      for (const exchange of [this.eventsExchange, this.partnersExchange, unroutableQueueName(this.eventsExchange)]) {
        await channel.deleteExchange(exchange).catch(() => undefined);
      }
      await channel.close().catch(() => undefined);
    }
    await this.connection?.close().catch(() => undefined);
    this.connection = undefined;
    if (this.schemas.size) {
      await this.query(`DROP SCHEMA IF EXISTS ${[...this.schemas].map((s) => `"${s}"`).join(', ')} CASCADE`).catch(() => undefined);
    }
  }
}

/** Polls until the check passes or the time is up; the last failure is what the test reports. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const exec = promisify(execFile);

/** Makes the broker drop every client connection, as a failover or network cut would. */
export async function closeAllBrokerConnections(): Promise<void> {
  await exec('rabbitmqctl', ['close_all_connections', 'test: dropping every connection']);
}
