import { IsString } from 'class-validator';
import { EntityManager } from 'typeorm';
import { defineEvent } from '@app/contracts';
import { runInContext } from '../correlation-context';
import { envelopeHeaders } from './outbox.relay';
import { Transaction } from './transaction';

class NoteData {
  @IsString() text!: string;
}
const Noted = defineEvent({ type: 'intake.relay-test.noted', schemaVersion: 1, producer: 'intake', dataClass: NoteData, description: 'test' });

/** The payloads a transaction writes to the outbox, as the relay reads them back. */
function payloadsOf(publish: (tx: Transaction) => void): string[] {
  const tx = new Transaction({} as EntityManager, { service: 'intake', schema: 's', eventsExchange: 'e', partnersExchange: 'p' });
  publish(tx);
  return tx.takeOutgoing().map((event) => event.payload);
}

describe('envelopeHeaders: what the relay puts on the AMQP properties', () => {
  it('reads the time and correlation id of every envelope a transaction writes, as a full parse would', () => {
    const payloads = payloadsOf((tx) => {
      tx.publish(Noted, { text: '"correlationId":"not this one"' });
      tx.publish(Noted, { text: 'caused' }, { causedBy: { id: 'cause-1', correlationId: 'corr-of-cause' } });
      runInContext({ correlationId: 'from-a-request-header', causationId: null }, () => tx.publish(Noted, { text: 'in context' }));
    });
    for (const payload of payloads) {
      const { occurredAt, correlationId } = JSON.parse(payload) as { occurredAt: string; correlationId: string };
      expect(envelopeHeaders(payload)).toEqual({ occurredAt, correlationId });
    }
    expect(payloads.map((payload) => envelopeHeaders(payload).correlationId).slice(1)).toEqual(['corr-of-cause', 'from-a-request-header']);
  });

  it('parses in full what does not start as our envelopes do: escapes, another key order', () => {
    const escaped = payloadsOf((tx) => runInContext({ correlationId: 'a"b\\c', causationId: null }, () => tx.publish(Noted, { text: 'x' })))[0];
    expect(envelopeHeaders(escaped).correlationId).toBe('a"b\\c');
    const reordered = JSON.stringify({ correlationId: 'c-1', id: 'i', type: 't', schemaVersion: 1, occurredAt: '2026-01-01T00:00:00.000Z', producer: 'intake' });
    expect(envelopeHeaders(reordered)).toMatchObject({ correlationId: 'c-1', occurredAt: '2026-01-01T00:00:00.000Z' });
  });
});
