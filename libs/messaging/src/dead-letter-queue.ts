import type { ConfirmChannel, GetMessage } from 'amqplib';
import { DEAD_LETTER_HEADERS } from './event-consumer';

export interface DeadLetter {
  messageId: string | null;
  type: string | null;
  kind: string | null;
  reason: string | null;
  deadLetteredAt: string | null;
  sourceQueue: string | null;
  originalRoutingKey: string | null;
  retryCount: number;
  body: string;
}

function describe(message: GetMessage): DeadLetter {
  const headers = message.properties.headers ?? {};
  // Broker-side dead-lettering (delivery limit) leaves no reason of ours: fall back to x-death.
  const death = Array.isArray(headers['x-death']) ? (headers['x-death'][0] as unknown as Record<string, unknown>) : undefined;
  return {
    messageId: message.properties.messageId ?? null,
    type: message.properties.type ?? null,
    kind: (headers[DEAD_LETTER_HEADERS.kind] as string) ?? (death ? 'broker' : null),
    reason: (headers[DEAD_LETTER_HEADERS.reason] as string) ?? (death ? `broker dead-lettered: ${String(death.reason)}` : null),
    deadLetteredAt: (headers[DEAD_LETTER_HEADERS.at] as string) ?? null,
    sourceQueue: (headers[DEAD_LETTER_HEADERS.sourceQueue] as string) ?? (death ? String(death.queue) : null),
    originalRoutingKey: (headers[DEAD_LETTER_HEADERS.originalRoutingKey] as string) ?? (message.fields.routingKey || null),
    retryCount: Number(headers[DEAD_LETTER_HEADERS.retryCount] ?? 0),
    body: message.content.toString('utf8'),
  };
}

/**
 * Inspects and replays a dead-letter queue. Listing takes messages without acking and then closes
 * the channel, which returns them all to the queue untouched. Replay sends a message straight back to
 * the queue it came from (not through the exchange, so other services do not see it twice), with its
 * retry count reset, and removes it from the DLQ only after the broker confirmed the copy.
 */
export class DeadLetterQueue {
  constructor(
    private readonly openChannel: () => Promise<ConfirmChannel>,
    readonly queue: string,
  ) {}

  async list(limit = 100): Promise<DeadLetter[]> {
    const channel = await this.openChannel();
    try {
      const found: DeadLetter[] = [];
      while (found.length < limit) {
        const message = await channel.get(this.queue, { noAck: false });
        if (!message) break;
        found.push(describe(message));
      }
      return found;
    } finally {
      await channel.close();
    }
  }

  async count(): Promise<number> {
    const channel = await this.openChannel();
    try {
      return (await channel.checkQueue(this.queue)).messageCount;
    } finally {
      await channel.close();
    }
  }

  /** Replays the messages with these ids, or every message when `ids` is empty. Answers what was replayed. */
  async replay(ids: string[] = []): Promise<DeadLetter[]> {
    const channel = await this.openChannel();
    const replayed: DeadLetter[] = [];
    try {
      const wanted = new Set(ids);
      for (;;) {
        const message = await channel.get(this.queue, { noAck: false });
        if (!message) break;
        const letter = describe(message);
        // Messages not replayed stay unacked and return to the queue when the channel closes.
        if (wanted.size > 0 && !wanted.has(letter.messageId ?? '')) continue;
        if (!letter.sourceQueue) continue;
        const headers = { ...message.properties.headers };
        for (const name of [DEAD_LETTER_HEADERS.kind, DEAD_LETTER_HEADERS.reason, DEAD_LETTER_HEADERS.at, DEAD_LETTER_HEADERS.retryCount, 'x-death', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason']) {
          delete headers[name];
        }
        headers['x-replayed-at'] = new Date().toISOString();
        channel.sendToQueue(letter.sourceQueue, message.content, { ...message.properties, headers, persistent: true });
        await channel.waitForConfirms();
        channel.ack(message);
        replayed.push(letter);
      }
      return replayed;
    } finally {
      await channel.close();
    }
  }
}
