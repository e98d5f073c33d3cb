import { IsString } from 'class-validator';
import { DataSource } from 'typeorm';
import { defineEvent } from '@app/contracts';
import { MessagingOptions } from './messaging.options';
import { OutboxRelay } from './outbox/outbox.relay';
import { UnitOfWork } from './unit-of-work';

class PingData {
  @IsString() pingId!: string;
}
const PingSent = defineEvent({ type: 'intake.test-ping.sent', schemaVersion: 1, producer: 'intake', dataClass: PingData, description: 'test-only event' });

/** A unit of work over a data source that only records the statements it is given. */
function unitOfWork() {
  const statements: string[] = [];
  const manager = { query: async (sql: string) => void statements.push(sql) };
  const dataSource = { manager } as unknown as DataSource;
  const relay = { lease: () => ({ seconds: 60, holder: 42 }), committed: jest.fn() } as unknown as OutboxRelay & { committed: jest.Mock };
  const options = { service: 'intake', schema: 'intake', eventsExchange: 'library.events', partnersExchange: 'library.partners' } as MessagingOptions;
  return { uow: new UnitOfWork(options, dataSource, relay), statements, relay };
}

describe('a change made by a single statement', () => {
  it('runs the statement that carries its events, without a transaction around it, then hands them to the relay', async () => {
    const { uow, statements, relay } = unitOfWork();
    let eventId = '';
    await uow.runSingleStatement(async (tx) => {
      eventId = tx.publish(PingSent, { pingId: 'p-1' }).id;
      const outbox = tx.takeOutgoingAsInsert(1);
      await tx.manager.query(`WITH outbox AS (${outbox.sql}) SELECT 1`, [outbox.param]);
    });
    expect(statements).toHaveLength(1);
    expect(statements[0]).not.toMatch(/BEGIN|START TRANSACTION|COMMIT/);
    // The rows are leased to the local relay, which is given the events once the statement has committed.
    expect(statements[0]).toContain("locked_until");
    expect(statements[0]).toContain("clock_timestamp() + interval '60 seconds'");
    expect(statements[0]).toMatch(/lease_holder\)\s+SELECT .*clock_timestamp\(\) \+ interval '60 seconds', 42\s/);
    expect(relay.committed).toHaveBeenCalledTimes(1);
    expect(relay.committed.mock.calls[0][0].map((event: { id: string }) => event.id)).toEqual([eventId]);
    expect(relay.committed.mock.calls[0][1]).toBe(true);
  });

  it('fails loudly when an event is published after the statement that should have carried it', async () => {
    const { uow, relay } = unitOfWork();
    await expect(
      uow.runSingleStatement(async (tx) => {
        await tx.manager.query('INSERT INTO something DEFAULT VALUES');
        tx.publish(PingSent, { pingId: 'p-2' });
      }),
    ).rejects.toThrow('events published after the statement that should have carried them: 1');
    expect(relay.committed).not.toHaveBeenCalled();
  });
});
