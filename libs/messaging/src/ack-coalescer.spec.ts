import type { Message } from 'amqplib';
import { AckCoalescer } from './ack-coalescer';

const delivery = (tag: number) => ({ fields: { deliveryTag: tag } }) as Message;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** The frames a channel would send, as `tag` (one delivery) or `≤tag` (every outstanding one up to it). */
function coalescer(maxWaitMs = 20) {
  const frames: string[] = [];
  const acks = new AckCoalescer((message, allUpTo) => frames.push(`${allUpTo ? '≤' : ''}${message.fields.deliveryTag}`), maxWaitMs);
  const deliveries = new Map<number, Message>();
  const deliver = (...tags: number[]) =>
    tags.forEach((tag) => {
      deliveries.set(tag, delivery(tag));
      acks.track(deliveries.get(tag)!);
    });
  const settle = (...tags: number[]) => tags.forEach((tag) => acks.settle(deliveries.get(tag)!));
  return { acks, frames, deliver, settle };
}

describe('AckCoalescer: acks after settlement, as few frames as it can', () => {
  it('acks a batch settled in one turn with one cumulative frame', async () => {
    const { acks, frames, deliver, settle } = coalescer();
    deliver(1, 2, 3, 4, 5);
    settle(1, 2, 3, 4, 5);
    expect(frames).toEqual([]); // not within the turn: the rest of the batch may still settle
    await nextTurn();
    expect(frames).toEqual(['≤5']);
    expect(acks.size).toBe(0);
  });

  it('never covers a delivery that is not settled: the run stops before it', async () => {
    const { frames, deliver, settle } = coalescer();
    deliver(1, 2, 3, 4);
    settle(1, 2, 4);
    await nextTurn();
    expect(frames).toEqual(['≤2']);
    settle(3);
    await nextTurn();
    expect(frames).toEqual(['≤2', '≤4']);
  });

  it('acks a delivery settled behind a slow one alone once it has waited long enough', async () => {
    const { acks, frames, deliver, settle } = coalescer(20);
    deliver(1, 2, 3);
    settle(2, 3);
    await nextTurn();
    expect(frames).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(frames).toEqual(['2', '3']);
    expect(acks.size).toBe(1);
    settle(1);
    await nextTurn();
    expect(frames).toEqual(['2', '3', '≤1']);
  });

  it('acks every settled delivery at once when asked (before the channel closes), leaving the others', () => {
    const { acks, frames, deliver, settle } = coalescer();
    deliver(1, 2, 3, 4, 5);
    settle(1, 2, 4);
    acks.ackAllSettled();
    expect(frames).toEqual(['≤2', '4']);
    expect(acks.size).toBe(2);
  });

  it('ignores a delivery settled twice or never tracked, and sends nothing once disposed', async () => {
    const { acks, frames, deliver, settle } = coalescer();
    deliver(1, 2);
    settle(1, 1);
    acks.settle(delivery(99));
    await nextTurn();
    expect(frames).toEqual(['≤1']);
    settle(2);
    acks.dispose();
    await nextTurn();
    acks.ackAllSettled();
    expect(frames).toEqual(['≤1']);
  });
});
