import { BeforeApplicationShutdown, DynamicModule, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AmqpConnection } from './amqp-connection';
import { EventConsumer } from './event-consumer';
import { MessagingHousekeeping } from './housekeeping';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { OutboxRelay } from './outbox/outbox.relay';
import { UnitOfWork } from './unit-of-work';

@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly relay: OutboxRelay,
    private readonly housekeeping: MessagingHousekeeping,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer.discoverHandlers();
    this.relay.start();
    await this.consumer.start();
    this.housekeeping.start();
  }

  /** Stop consuming and let in-flight messages commit and ack, then stop the relay (it finishes its pass). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.housekeeping.stop();
    await this.consumer.stop();
    await this.relay.stop();
  }
}

export interface MessagingModuleAsyncOptions {
  imports?: DynamicModule['imports'];
  inject?: Array<string | symbol | (new (...args: never[]) => unknown)>;
  useFactory: (...args: never[]) => MessagingOptions | Promise<MessagingOptions>;
}

@Module({})
export class MessagingModule {
  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        { provide: MESSAGING_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        AmqpConnection,
        OutboxRelay,
        UnitOfWork,
        EventConsumer,
        MessagingHousekeeping,
        MessagingLifecycle,
      ],
      exports: [MESSAGING_OPTIONS, AmqpConnection, OutboxRelay, UnitOfWork, EventConsumer, MessagingHousekeeping],
    };
  }
}

