/**
 * Inspect and replay a service's dead-letter queue:
 *   npm run dlq -- list cataloging            lists parked messages with their reasons
 *   npm run dlq -- show cataloging <id>       prints one message in full
 *   npm run dlq -- replay cataloging [<id>…]  sends them back to the service's queue (all when no id)
 * Uses AMQP_URL and QUEUE_PREFIX like the services.
 */
import { connect } from 'amqplib';
import { PRODUCERS } from '@app/contracts';
import { DeadLetterQueue, queueNames } from '@app/messaging';

async function main(): Promise<void> {
  const [command, service, ...ids] = process.argv.slice(2);
  const services = PRODUCERS.filter((p) => p !== 'circulation');
  if (!['list', 'show', 'replay'].includes(command ?? '') || !services.includes(service as never)) {
    process.stderr.write(`usage: npm run dlq -- list|show|replay <${services.join('|')}> [message ids]\n`);
    process.exit(2);
  }
  const connection = await connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const names = queueNames({ queuePrefix: process.env.QUEUE_PREFIX ?? '', service: service as never, retryDelaysMs: [] });
  const dlq = new DeadLetterQueue(() => connection.createConfirmChannel(), names.deadLetter);
  try {
    if (command === 'list') {
      const letters = await dlq.list(1000);
      process.stdout.write(`${letters.length} message(s) in ${names.deadLetter}\n`);
      for (const l of letters) {
        process.stdout.write(`${l.messageId ?? '(no id)'}  ${l.type ?? l.originalRoutingKey ?? '?'}  [${l.kind}] ${l.reason}  ${l.deadLetteredAt ?? ''}\n`);
      }
    } else if (command === 'show') {
      const letter = (await dlq.list(10_000)).find((l) => l.messageId === ids[0]);
      if (!letter) throw new Error(`no message ${ids[0]} in ${names.deadLetter}`);
      process.stdout.write(`${JSON.stringify({ ...letter, body: safeJson(letter.body) }, null, 2)}\n`);
    } else {
      const replayed = await dlq.replay(ids);
      process.stdout.write(`replayed ${replayed.length} message(s) to ${names.main}\n`);
      for (const l of replayed) process.stdout.write(`${l.messageId}  ${l.type ?? ''}\n`);
    }
  } finally {
    await connection.close();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
