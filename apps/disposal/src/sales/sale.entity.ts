import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A sale the platform reported: one per listing, identified by the platform's order reference. */
@Entity({ name: 'sale' })
export class Sale {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'listing_id' }) listingId!: string;
  @Column('uuid', { name: 'item_id' }) itemId!: string;
  @Column('text') branch!: string;
  @Column('text') channel!: string;
  @Column('numeric', { precision: 12, scale: 2 }) price!: string;
  @Column('text') currency!: string;
  @Column('text', { name: 'order_ref' }) orderRef!: string;
  @Column('timestamptz', { name: 'sold_at' }) soldAt!: Date;
  @Column('timestamptz', { name: 'reported_at' }) reportedAt!: Date;
}
