import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/**
 * A dedicated PostgreSQL connection that LISTENs on the service's webhook channel and calls `onWake`
 * for every notification (sent by commits that queued a delivery, on any replica). When the
 * connection drops it reconnects, waking once on reconnect for whatever it may have missed; the
 * worker's polling covers the gap.
 */
export class WebhookWakeListener {
  private readonly logger = new Logger(WebhookWakeListener.name);
  /** The connection being opened or open; events of an older one are ignored. */
  private client?: Client;
  private connected = false;
  private running = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly onWake: () => void,
  ) {}

  start(): void {
    this.running = true;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    await client?.end().catch(() => undefined);
  }

  get listening(): boolean {
    return this.connected;
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const client = new Client({ connectionString: this.connectionString, application_name: 'webhook-wake-listener' });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onWake();
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel.replace(/"/g, '""')}"`);
      if (this.client !== client) {
        await client.end().catch(() => undefined); // stopped meanwhile
        return;
      }
      this.connected = true;
      this.onWake();
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  private lost(client: Client, error?: Error): void {
    client.end().catch(() => undefined);
    if (!this.running || this.client !== client) return;
    if (error) this.logger.warn(`webhook wake-up connection lost (${error.message}); polling until it is back`);
    this.client = undefined;
    this.connected = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), 2_000);
  }
}
