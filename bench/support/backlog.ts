import { Channel, ChannelModel, connect } from 'amqplib';
import { Pool } from 'pg';
import { sleep } from './repo';
import { AMQP_URL, BenchWorld, DATABASE_URL, ServiceName } from './world';

/**
 * Work still in the pipeline: messages waiting in the services' queues and outbox rows not yet
 * published. A scenario starts only when both are zero, so one scenario's tail (say, the status
 * events of 10,000 items) is not measured as the next one's latency.
 */
export class Backlog {
  private readonly pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  private connection?: ChannelModel;
  private channel?: Channel;

  constructor(
    private readonly world: BenchWorld,
    private readonly services: () => ServiceName[],
  ) {}

  /**
   * Ready messages and unpublished outbox rows, and how long ago any consumer last committed (the
   * broker's ready count leaves out the up to `prefetch` messages a consumer holds).
   */
  async pending(): Promise<{ queued: number; unpublished: number; quietMs: number }> {
    let queued = 0;
    let unpublished = 0;
    let quietMs = Number.POSITIVE_INFINITY;
    for (const service of this.services()) {
      queued += await this.queueDepth(`${this.world.queuePrefix}${service}.events`);
      const schema = this.world.schemaFor(service);
      const { rows } = await this.pool
        .query<{ pending: string; quiet_ms: number | null }>(
          `SELECT (SELECT count(*) FROM "${schema}".outbox_message WHERE published_at IS NULL) AS pending,
                  (SELECT (extract(epoch FROM clock_timestamp() - max(processed_at)) * 1000)::float8 FROM "${schema}".processed_message) AS quiet_ms`,
        )
        .catch(() => ({ rows: [{ pending: '0', quiet_ms: null }] }));
      unpublished += Number(rows[0].pending);
      if (rows[0].quiet_ms !== null) quietMs = Math.min(quietMs, rows[0].quiet_ms);
    }
    return { queued, unpublished, quietMs };
  }

  /** Waits until nothing is queued or unpublished; gives up (and says so) when nothing moves for a minute. */
  async drain(log: (line: string) => void): Promise<void> {
    let last = Number.POSITIVE_INFINITY;
    let lastProgress = Date.now();
    const started = Date.now();
    for (;;) {
      const { queued, unpublished, quietMs } = await this.pending();
      const total = queued + unpublished;
      if (total === 0 && quietMs > 500) {
        if (Date.now() - started > 1_000) log(`pipeline drained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return;
      }
      if (total < last || (total === 0 && quietMs < 1_000)) {
        last = total;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > 60_000) {
        log(`pipeline not draining: ${queued} queued, ${unpublished} unpublished; going on`);
        return;
      }
      await sleep(250);
    }
  }

  private async queueDepth(queue: string): Promise<number> {
    try {
      if (!this.channel) {
        this.connection ??= await connect(AMQP_URL);
        this.connection.on('error', () => undefined);
        this.channel = await this.connection.createChannel();
        this.channel.on('error', () => undefined);
        this.channel.on('close', () => (this.channel = undefined));
      }
      return (await this.channel.checkQueue(queue)).messageCount;
    } catch {
      // A missing queue (a service that consumes nothing) closes the channel; count it as empty.
      this.channel = undefined;
      return 0;
    }
  }

  async close(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
    await this.pool.end();
  }
}
