import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DisposalMethod } from '@app/contracts';

/** An unsold withdrawn item donated or recycled: the end of its life here, once per item. */
@Entity({ name: 'item_disposal' })
export class ItemDisposal {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'item_id' }) itemId!: string;
  @Column('uuid', { name: 'withdrawal_id', nullable: true }) withdrawalId!: string | null;
  @Column('uuid', { name: 'listing_id', nullable: true }) listingId!: string | null;
  @Column('text') branch!: string;
  @Column('text') method!: DisposalMethod;
  @Column('text', { name: 'disposed_by' }) disposedBy!: string;
  @Column('timestamptz', { name: 'disposed_at' }) disposedAt!: Date;
}
