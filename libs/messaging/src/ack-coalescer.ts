import type { Message } from 'amqplib';

/** Sends an ack frame: one delivery, or every outstanding delivery up to it (`allUpTo`). */
export type AckFrame = (message: Message, allUpTo: boolean) => void;

interface Tracked {
  message: Message;
  settled: boolean;
}

/**
 * Acks the deliveries of one channel with as few frames as it can, none before its owner settles it
 * (its outcome is committed). Deliveries settled together with every earlier delivery of the channel
 * go out as one cumulative ack ("everything up to tag N"): a batch of 250 costs one frame instead of
 * 250, and a quorum queue one settle command instead of 250. A delivery settled behind an earlier one
 * still in hand (another lane's) waits for it at most `maxWaitMs`, then is acked alone.
 *
 * Every delivery of the channel must be tracked, in the order it arrived: a cumulative ack covers
 * every outstanding delivery below its tag, tracked or not.
 */
export class AckCoalescer {
  /** Deliveries not yet acked, in delivery-tag order (a Map iterates in insertion order). */
  private readonly outstanding = new Map<number, Tracked>();
  private settledWaiting = 0;
  private flushScheduled = false;
  private stragglerTimer?: NodeJS.Timeout;
  private disposed = false;

  constructor(
    private readonly sendAck: AckFrame,
    private readonly maxWaitMs = 50,
  ) {}

  track(message: Message): void {
    this.outstanding.set(message.fields.deliveryTag, { message, settled: false });
  }

  /** The delivery's outcome is durable: ack it, in the same frame as others settled in this turn. */
  settle(message: Message): void {
    const tracked = this.outstanding.get(message.fields.deliveryTag);
    if (!tracked || tracked.settled || this.disposed) return;
    tracked.settled = true;
    this.settledWaiting++;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Deliveries tracked and not yet acked (settled or not). */
  get size(): number {
    return this.outstanding.size;
  }

  /** Acks every settled delivery now: the settled run at the head in one frame, the others one by one. */
  ackAllSettled(): void {
    if (this.disposed) return;
    this.ackHeadRun();
    for (const [tag, tracked] of this.outstanding) {
      if (!tracked.settled) continue;
      this.outstanding.delete(tag);
      this.settledWaiting--;
      this.sendAck(tracked.message, false);
    }
  }

  /** The channel is gone: its deliveries come again on the next one, and nothing more is sent. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.stragglerTimer);
    this.outstanding.clear();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.disposed) return;
    this.ackHeadRun();
    if (this.settledWaiting > 0 && !this.stragglerTimer) {
      this.stragglerTimer = setTimeout(() => {
        this.stragglerTimer = undefined;
        this.ackAllSettled();
      }, this.maxWaitMs);
    }
  }

  /** One cumulative ack for the settled deliveries that no unsettled one precedes. */
  private ackHeadRun(): void {
    let last: Message | undefined;
    for (const [tag, tracked] of this.outstanding) {
      if (!tracked.settled) break;
      this.outstanding.delete(tag);
      this.settledWaiting--;
      last = tracked.message;
    }
    if (last) this.sendAck(last, true);
  }
}
