import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import amqp, { AmqpConnectionManager, ChannelWrapper, CreateChannelOpts } from 'amqp-connection-manager';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { batchAmqpWrites } from './writes-per-turn';

/**
 * One reconnecting AMQP connection per process (amqp-connection-manager): channels re-run their
 * setup (topology, prefetch, consumers) after every reconnect, so a broker restart heals by itself.
 */
@Injectable()
export class AmqpConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(AmqpConnection.name);
  private readonly manager: AmqpConnectionManager;
  private connected = false;
  private batched = false;

  constructor(@Inject(MESSAGING_OPTIONS) options: MessagingOptions) {
    this.manager = amqp.connect([options.amqpUrl], {
      heartbeatIntervalInSeconds: 10,
      reconnectTimeInSeconds: 1,
      // No Nagle: confirms and acks are small frames that must not wait for more to send.
      connectionOptions: { noDelay: true, clientProperties: { connection_name: `${options.service}@${process.pid}` } },
    });
    this.manager.on('connect', ({ connection }) => {
      this.connected = true;
      this.logger.log('connected to RabbitMQ');
      this.batched = batchAmqpWrites(connection);
      if (!this.batched) this.logger.warn("amqplib's socket not found: frames are written one by one");
    });
    this.manager.on('disconnect', ({ err }) => {
      this.connected = false;
      this.logger.warn(`disconnected from RabbitMQ: ${err?.message ?? 'closed'}`);
    });
    this.manager.on('connectFailed', ({ err }) => {
      this.connected = false;
      this.logger.warn(`cannot reach RabbitMQ: ${err?.message}`);
    });
  }

  isConnected(): boolean {
    return this.connected && this.manager.isConnected();
  }

  /** Whether the current connection sends a turn's frames in one write (see `batchWritesPerTurn`). */
  get writesBatched(): boolean {
    return this.batched;
  }

  createChannel(options: CreateChannelOpts): ChannelWrapper {
    return this.manager.createChannel(options);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.manager.close();
  }
}
