import { Inject, Injectable, OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { AmqpConnection, assertPartnerQueue, MESSAGING_OPTIONS, MessagingOptions } from '@app/messaging';

/** How long a listing waits for the broker before answering 503 (nothing is listed then). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Declares a sales platform's queue (`partner.<id>`, bound to `sales.<id>.#`) before anything is
 * published to it: the partners exchange has no alternate exchange, so a message published before the
 * queue exists would be lost. Declarations are re-run after every reconnect.
 */
@Injectable()
export class SalesPlatformQueues implements OnApplicationShutdown {
  private channel?: ChannelWrapper;
  private readonly declared = new Map<string, Promise<void>>();

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly connection: AmqpConnection,
  ) {}

  async ensure(partnerId: string): Promise<void> {
    let declaration = this.declared.get(partnerId);
    if (!declaration) {
      declaration = this.declare(partnerId);
      this.declared.set(partnerId, declaration);
      // A failed attempt is forgotten, so the next listing tries again.
      declaration.catch(() => this.declared.delete(partnerId));
    }
    await declaration;
  }

  private async declare(partnerId: string): Promise<void> {
    this.channel ??= this.connection.createChannel({ name: 'sales-platform-queues', confirm: true, json: false });
    const channel = this.channel;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        channel.waitForConnect(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), CONNECT_TIMEOUT_MS);
        }),
      ]);
    } catch {
      throw new ServiceUnavailableException(`the message broker is unreachable, so the queue of sales platform ${partnerId} cannot be declared; nothing was listed, try again shortly`);
    } finally {
      clearTimeout(timer);
    }
    await channel.addSetup((ch: ConfirmChannel) => assertPartnerQueue(ch, this.options, partnerId, `sales.${partnerId}.#`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
  }
}
