import { Column, Entity, PrimaryColumn } from 'typeorm';
import { WithdrawalReason } from '@app/contracts';

/** Who took the item out: a librarian directly, a weeding pull, or conservation condemning it. */
export const WITHDRAWAL_SOURCES = ['librarian', 'weeding', 'conservation'] as const;
export type WithdrawalSource = (typeof WITHDRAWAL_SOURCES)[number];

/** An item leaving the collection, with its reason: once per item. */
@Entity({ name: 'withdrawal' })
export class Withdrawal {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'item_id' }) itemId!: string;
  @Column('text') barcode!: string;
  @Column('text') branch!: string;
  @Column('text', { nullable: true }) title!: string | null;
  @Column('text', { name: 'call_number', nullable: true }) callNumber!: string | null;
  @Column('text') reason!: WithdrawalReason;
  @Column('text') source!: WithdrawalSource;
  @Column('uuid', { name: 'candidate_id', nullable: true }) candidateId!: string | null;
  @Column('uuid', { name: 'repair_id', nullable: true }) repairId!: string | null;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('text', { name: 'withdrawn_by' }) withdrawnBy!: string;
  @Column('timestamptz', { name: 'withdrawn_at' }) withdrawnAt!: Date;
}
