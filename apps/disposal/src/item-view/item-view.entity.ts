import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CallNumberScheme, ItemCondition, ItemStatus, MaterialType } from '@app/contracts';

/**
 * Disposal's read model of an item, built only from cataloging's `cataloging.item.status-changed`
 * and `cataloging.item.updated` events (cataloging is the system of record). Never written otherwise.
 */
@Entity({ name: 'item_view' })
export class ItemView {
  @PrimaryColumn('uuid', { name: 'item_id' }) itemId!: string;
  @Column('text', { nullable: true }) barcode!: string | null;
  @Column('text') branch!: string;
  @Column('text') status!: ItemStatus;
  @Column('integer') version!: number;
  @Column('uuid', { name: 'record_id', nullable: true }) recordId!: string | null;
  @Column('text', { nullable: true }) title!: string | null;
  @Column('text', { array: true }) creators!: string[];
  @Column('text', { nullable: true }) isbn!: string | null;
  @Column('text', { nullable: true }) issn!: string | null;
  @Column('integer', { name: 'publication_year', nullable: true }) publicationYear!: number | null;
  @Column('text', { name: 'material_type', nullable: true }) materialType!: MaterialType | null;
  @Column('text', { nullable: true }) collection!: string | null;
  @Column('text', { name: 'call_number', nullable: true }) callNumber!: string | null;
  @Column('text', { name: 'call_number_scheme', nullable: true }) callNumberScheme!: CallNumberScheme | null;
  @Column('text', { name: 'shelf_key', nullable: true }) shelfKey!: string | null;
  @Column('integer', { name: 'checkout_count' }) checkoutCount!: number;
  @Column('timestamptz', { name: 'last_circulated_at', nullable: true }) lastCirculatedAt!: Date | null;
  @Column('timestamptz', { name: 'shelved_at', nullable: true }) shelvedAt!: Date | null;
  @Column('text', { array: true }) conditions!: ItemCondition[];
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
