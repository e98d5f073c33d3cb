import { Column, Entity, PrimaryColumn } from 'typeorm';
import { SaleCondition } from '@app/contracts';

/** `active` on the platform until `sold`, `withdrawn` (taken down, may be listed again) or `disposed`. */
export const LISTING_STATUSES = ['active', 'sold', 'withdrawn', 'disposed'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

/** A withdrawn item offered on a sales platform (its `channel`, the platform's partner id). */
@Entity({ name: 'listing' })
export class Listing {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'item_id' }) itemId!: string;
  @Column('text') barcode!: string;
  @Column('text') branch!: string;
  @Column('text') channel!: string;
  @Column('text') condition!: SaleCondition;
  @Column('boolean', { name: 'ex_library' }) exLibrary!: boolean;
  /** numeric(12,2): PostgreSQL hands it back as a string, which is how money travels (SPEC §5). */
  @Column('numeric', { precision: 12, scale: 2 }) price!: string;
  @Column('text') currency!: string;
  @Column('text', { nullable: true }) isbn!: string | null;
  @Column('text') title!: string;
  @Column('text', { array: true }) creators!: string[];
  @Column('integer', { name: 'publication_year', nullable: true }) publicationYear!: number | null;
  @Column('text') status!: ListingStatus;
  @Column('text', { name: 'listed_by' }) listedBy!: string;
  @Column('timestamptz', { name: 'listed_at' }) listedAt!: Date;
  @Column('text', { name: 'closed_by', nullable: true }) closedBy!: string | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
}
