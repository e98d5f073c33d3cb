import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { assertExchanges, assertPartnerQueue } from '@app/messaging';
import { AMQP_URL, TestRun } from '../support/test-run';

jest.setTimeout(60_000);
const exec = promisify(execFile);

/**
 * Partners read their events with their own RabbitMQ credentials, provisioned by
 * `npm run partner-access`: each may read its own queue and nothing else — not another partner's
 * queue, not the services' queues, and it may neither publish nor declare anything.
 */
describe('partner credentials on the broker', () => {
  const run = new TestRun();
  const partners = ['acme-bindery', 'booksale-co'];
  const users: string[] = [];

  beforeAll(async () => {
    const channel = await run.channel();
    const options = { eventsExchange: run.eventsExchange, partnersExchange: run.partnersExchange, queuePrefix: run.queuePrefix };
    await assertExchanges(channel, options);
    await assertPartnerQueue(channel, options, 'acme-bindery', 'bindery.acme-bindery.#');
    await assertPartnerQueue(channel, options, 'booksale-co', 'sales.booksale-co.#');
    run.partnerQueue('acme-bindery');
    run.partnerQueue('booksale-co');
    channel.publish(run.partnersExchange, 'bindery.acme-bindery.shipment.dispatched', Buffer.from('{"for":"acme"}'), { persistent: true });
    channel.publish(run.partnersExchange, 'sales.booksale-co.item.listed', Buffer.from('{"for":"booksale"}'), { persistent: true });
    await channel.waitForConfirms();
    await channel.close();
  });

  afterAll(async () => {
    for (const user of users) await exec('rabbitmqctl', ['-q', 'delete_user', user]).catch(() => undefined);
    await run.cleanup();
  });

  async function provision(partnerId: string, ...options: string[]): Promise<string> {
    const { stdout } = await exec(process.execPath, ['-r', '@swc-node/register', 'scripts/partner-access.ts', partnerId, ...options], {
      cwd: join(__dirname, '../..'),
      env: { ...process.env, QUEUE_PREFIX: run.queuePrefix },
    });
    users.push(`${run.queuePrefix}${partnerId}`);
    return stdout.trim().replace('<broker>', new URL(AMQP_URL).hostname);
  }

  it('lets each partner read its own queue, and refuses everything else', async () => {
    // A password may begin with a dash (generated ones do now and then); rabbitmqctl must not take it for an option.
    const acmeUrl = await provision('acme-bindery', '--password=-starts-with-a-dash-0123456789');
    await provision('booksale-co');
    const connection = await connect(acmeUrl);
    connection.on('error', () => undefined);
    try {
      const own = await connection.createChannel();
      const message = await own.get(run.partnerQueue('acme-bindery'), { noAck: false });
      expect(message && message.content.toString()).toBe('{"for":"acme"}');
      own.ack(message as never);
      await own.close();

      const refused = async (attempt: (channel: Awaited<ReturnType<typeof connection.createChannel>>) => Promise<unknown>) => {
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        await expect(attempt(channel)).rejects.toThrow(/ACCESS_REFUSED/);
      };
      await refused((channel) => channel.get(run.partnerQueue('booksale-co')));
      await refused((channel) => channel.get(run.queues('cataloging').main));
      await refused((channel) => channel.assertQueue(`${run.queuePrefix}sneaky`, { durable: false }));
      await refused(async (channel) => {
        channel.publish(run.eventsExchange, 'disposal.item.sold', Buffer.from('{}'));
        // The refusal arrives as a channel error; a round trip surfaces it.
        await channel.checkExchange(run.eventsExchange);
      });
    } finally {
      await connection.close().catch(() => undefined);
    }
  });
});
