import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import amqp, { AmqpConnectionManager, ChannelWrapper, CreateChannelOpts } from 'amqp-connection-manager';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';

/**
 * One reconnecting AMQP connection per process (amqp-connection-manager): channels re-run their
 * setup (topology, prefetch, consumers) after every reconnect, so a broker restart heals by itself.
 */
@Injectable()
export class AmqpConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(AmqpConnection.name);
  private readonly manager: AmqpConnectionManager;
  private connected = false;

  constructor(@Inject(MESSAGING_OPTIONS) options: MessagingOptions) {
    this.manager = amqp.connect([options.amqpUrl], {
      heartbeatIntervalInSeconds: 10,
      reconnectTimeInSeconds: 1,
      // No Nagle: confirms and acks are small frames that must not wait for more to send.
      connectionOptions: { noDelay: true, clientProperties: { connection_name: `${options.service}@${process.pid}` } },
    });
    this.manager.on('connect', () => {
      this.connected = true;
      this.logger.log('connected to RabbitMQ');
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

  createChannel(options: CreateChannelOpts): ChannelWrapper {
    return this.manager.createChannel(options);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.manager.close();
  }
}
