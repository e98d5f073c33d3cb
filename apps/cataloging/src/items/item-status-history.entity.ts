import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ItemStatus } from '@app/contracts';

/** One transition of one item. Unique (item_id, version): the same move cannot be recorded twice. */
@Entity({ name: 'item_status_history' })
export class ItemStatusHistory {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'item_id' })
  itemId!: string;

  @Column('integer')
  version!: number;

  @Column('text', { name: 'from_status', nullable: true })
  fromStatus!: ItemStatus | null;

  @Column('text', { name: 'to_status' })
  toStatus!: ItemStatus;

  @Column('timestamptz')
  at!: Date;

  @Column('text')
  actor!: string;

  @Column('text', { nullable: true })
  reason!: string | null;

  /** The consumed message that caused it, or (for HTTP) the status-changed event it published. */
  @Column('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text', { name: 'correlation_id', nullable: true })
  correlationId!: string | null;
}
