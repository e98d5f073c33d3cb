import { Writable } from 'node:stream';
import { batchAmqpWrites, batchWritesPerTurn } from './writes-per-turn';

/** A sink that records how each chunk reached it: alone (`_write`) or with others (`_writev`). */
class RecordingSink extends Writable {
  readonly calls: string[][] = [];

  constructor(highWaterMark = 16 * 1024) {
    super({ highWaterMark });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.calls.push([chunk.toString()]);
    callback();
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.calls.push(chunks.map(({ chunk }) => chunk.toString()));
    callback();
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('batchWritesPerTurn', () => {
  it('sends the writes of one turn together, in order, once the turn ends', async () => {
    const sink = new RecordingSink();
    expect(batchWritesPerTurn(sink)).toBe(true);
    sink.write('a');
    sink.write('b');
    sink.write('c');
    expect(sink.calls).toEqual([]); // held while the turn runs
    await nextTurn();
    expect(sink.calls).toEqual([['a', 'b', 'c']]);
  });

  it('sends each turn on its own: nothing waits for a later write', async () => {
    const sink = new RecordingSink();
    batchWritesPerTurn(sink);
    sink.write('first');
    await nextTurn();
    expect(sink.calls).toEqual([['first']]);
    sink.write('second');
    sink.write('third');
    await nextTurn();
    expect(sink.calls).toEqual([['first'], ['second', 'third']]);
  });

  it('keeps backpressure: write answers false past the high-water mark, and drain follows the flush', async () => {
    const sink = new RecordingSink(8);
    batchWritesPerTurn(sink);
    expect(sink.write('1234')).toBe(true);
    expect(sink.write('56789')).toBe(false);
    const drained = new Promise((resolve) => sink.once('drain', resolve));
    await drained;
    expect(sink.calls).toEqual([['1234', '56789']]);
  });

  it('wraps a stream once, however often it is asked', async () => {
    const sink = new RecordingSink();
    batchWritesPerTurn(sink);
    batchWritesPerTurn(sink);
    sink.write('x');
    await nextTurn();
    expect(sink.calls).toEqual([['x']]);
    expect(sink.writableCorked).toBe(0);
  });

  it('answers false for what it cannot cork, and for a connection whose socket it cannot find', () => {
    expect(batchWritesPerTurn(undefined)).toBe(false);
    expect(batchWritesPerTurn({ write: () => true })).toBe(false);
    expect(batchAmqpWrites({})).toBe(false);
    expect(batchAmqpWrites({ connection: {} })).toBe(false);
    expect(batchAmqpWrites({ connection: { stream: new RecordingSink() } })).toBe(true);
  });
});
