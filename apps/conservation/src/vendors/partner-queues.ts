import { Inject, Injectable, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { AmqpConnection, assertPartnerQueue, MESSAGING_OPTIONS, MessagingOptions, partnerQueueName } from '@app/messaging';

/** How long a declaration waits for the broker before the request is refused (and changes nothing). */
const BROKER_WAIT_MS = 5_000;

/**
 * Declares each bindery vendor's own queue on the partners exchange, bound to `bindery.<partnerId>.#`
 * only. A partners-exchange message that no queue is bound for is dropped, so the queue must exist
 * before anything is published to the vendor: it is declared when the vendor is created and again
 * (once per process) before a dispatch. The declarations are channel setups, so a reconnect repeats them.
 */
@Injectable()
export class PartnerQueues implements OnModuleDestroy {
  private channel?: ChannelWrapper;
  private readonly declared = new Set<string>();

  constructor(
    private readonly connection: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  queueName(partnerId: string): string {
    return partnerQueueName(this.options.queuePrefix, partnerId);
  }

  async ensureBinderyQueue(partnerId: string): Promise<string> {
    const queue = this.queueName(partnerId);
    if (this.declared.has(partnerId)) return queue;
    const channel = (this.channel ??= this.connection.createChannel({ name: 'partner-queues', confirm: true, setup: async () => undefined }));
    await this.waitForBroker(channel, partnerId);
    await channel.addSetup((ch: ConfirmChannel) => assertPartnerQueue(ch, this.options, partnerId, `bindery.${partnerId}.#`));
    this.declared.add(partnerId);
    return queue;
  }

  async onModuleDestroy(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
  }

  private async waitForBroker(channel: ChannelWrapper, partnerId: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ServiceUnavailableException(`the message broker is unreachable: the queue of vendor ${partnerId} cannot be declared; try again`)),
        BROKER_WAIT_MS,
      );
    });
    try {
      await Promise.race([channel.waitForConnect(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
