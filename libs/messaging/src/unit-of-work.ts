import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { OutboxRelay } from './outbox/outbox.relay';
import { Transaction } from './outbox/transaction';

/**
 * Runs a state change and the events it causes in one PostgreSQL transaction, then hands the events
 * to the relay, which publishes them at once (their rows are leased to it; see `OutboxRelay`).
 * This is the only way services write: a rolled-back transaction publishes nothing.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    let committed: Transaction | undefined;
    const result = await this.dataSource.transaction(async (manager) => {
      const tx = new Transaction(manager, this.options, this.relay.lease());
      const value = await work(tx);
      await tx.flush();
      committed = tx;
      return value;
    });
    if (committed) this.relay.committed(committed.written, committed.lease !== null);
    return result;
  }

  /**
   * A change that is one statement, its events a step of it (`Transaction.takeOutgoingAsInsert`): a
   * single statement is atomic on its own, so it runs without BEGIN and COMMIT, two round trips fewer.
   * `work` must make exactly that one statement through `tx.manager`, after publishing its events.
   */
  async runSingleStatement<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const tx = new Transaction(this.dataSource.manager, this.options, this.relay.lease());
    const value = await work(tx);
    // A programming error, and a loud one: the statement has committed without these events.
    if (tx.pendingCount > 0) throw new Error(`events published after the statement that should have carried them: ${tx.pendingCount}`);
    this.relay.committed(tx.written, tx.lease !== null);
    return value;
  }
}
