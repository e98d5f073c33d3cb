import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { messagingMetrics } from './messaging.metrics';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { WakeablePoller } from './wakeable-poller';

/** Rows removed per statement: short transactions, so a sweep never holds up the hot path. */
const SWEEP_BATCH = 5_000;

export interface SweepResult {
  outbox: number;
  inbox: number;
}

/**
 * Keeps the outbox and the inbox from growing for ever. A published outbox row is history once the
 * broker confirmed it; it stays `outboxRetentionHours` (to look into recent traffic) and then goes. A
 * processed-message record is what makes a redelivery a no-op; it stays `inboxRetentionHours`, far
 * longer than any broker redelivery, retry or replay takes, and then goes. Rows not yet published are
 * never touched. Each replica sweeps its own service's schema every `housekeepingIntervalMs`; two
 * replicas sweeping at once only delete the same rows once.
 */
@Injectable()
export class MessagingHousekeeping {
  private readonly logger = new Logger(MessagingHousekeeping.name);
  private readonly poller: WakeablePoller;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly dataSource: DataSource,
  ) {
    this.poller = new WakeablePoller('messaging housekeeping', () => this.sweep(), options.housekeepingIntervalMs, this.logger);
  }

  start(): void {
    this.poller.start();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** Deletes what has outlived its retention, a batch at a time; answers how many rows went. */
  async sweep(): Promise<SweepResult> {
    const schema = this.options.schema;
    // Published rows are found in seq order from the oldest (the primary key), so each batch reads
    // little more than the rows it deletes; unpublished rows (published_at NULL) never match.
    const outbox = await this.deleteInBatches(
      `DELETE FROM "${schema}".outbox_message WHERE seq IN (
         SELECT seq FROM "${schema}".outbox_message WHERE published_at < now() - make_interval(hours => $1) ORDER BY seq LIMIT $2)`,
      this.options.outboxRetentionHours,
    );
    // processed_at has a BRIN index: records arrive in time order.
    const inbox = await this.deleteInBatches(
      `DELETE FROM "${schema}".processed_message WHERE message_id IN (
         SELECT message_id FROM "${schema}".processed_message WHERE processed_at < now() - make_interval(hours => $1) LIMIT $2)`,
      this.options.inboxRetentionHours,
    );
    if (outbox + inbox > 0) {
      this.logger.log(`housekeeping removed ${outbox} published outbox rows and ${inbox} processed-message records past retention`);
      messagingMetrics.housekeepingDeleted.inc({ service: this.options.service, table: 'outbox_message' }, outbox);
      messagingMetrics.housekeepingDeleted.inc({ service: this.options.service, table: 'processed_message' }, inbox);
    }
    return { outbox, inbox };
  }

  private async deleteInBatches(statement: string, retentionHours: number): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted] = (await this.dataSource.query(statement, [retentionHours, SWEEP_BATCH])) as [unknown, number];
      total += deleted;
      if (deleted < SWEEP_BATCH) return total;
    }
  }
}
