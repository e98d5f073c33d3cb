import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { AmqpConnection, batchAmqpWrites, MessagingOptions } from '@app/messaging';
import { AMQP_URL, eventually } from '../../../test/support/test-run';

describe('frames written per turn, against real RabbitMQ', () => {
  it("batches the socket under amqplib's connection: 200 publishes of one turn leave in a few writes, and all arrive", async () => {
    const model = await connect(AMQP_URL, { noDelay: true });
    const queue = `t.writes.${randomUUID()}`;
    try {
      const channel = await model.createConfirmChannel();
      await channel.assertQueue(queue, { durable: false, autoDelete: false });
      expect(batchAmqpWrites(model)).toBe(true);

      const socket = (model.connection as unknown as { stream: { _write: Function; _writev: Function } }).stream;
      let writes = 0;
      for (const method of ['_write', '_writev'] as const) {
        const original = socket[method].bind(socket);
        socket[method] = (...args: unknown[]) => {
          writes++;
          return original(...args);
        };
      }
      for (let n = 0; n < 200; n++) channel.sendToQueue(queue, Buffer.from(`message ${n}`), { persistent: false });
      await channel.waitForConfirms();
      // One writev per multiplexer pass: unbatched, this was one write per message.
      expect(writes).toBeLessThan(20);

      const received: string[] = [];
      await channel.consume(queue, (message) => message && received.push(message.content.toString()), { noAck: true });
      await eventually(() => expect(received).toHaveLength(200));
      expect(received).toEqual(Array.from({ length: 200 }, (_, n) => `message ${n}`));
      await channel.deleteQueue(queue);
    } finally {
      await model.close();
    }
  });

  it('is applied to the services\' own connection', async () => {
    const connection = new AmqpConnection({ amqpUrl: AMQP_URL, service: 'intake' } as MessagingOptions);
    try {
      await eventually(() => expect(connection.isConnected()).toBe(true));
      expect(connection.writesBatched).toBe(true);
    } finally {
      await connection.onApplicationShutdown();
    }
  });
});
