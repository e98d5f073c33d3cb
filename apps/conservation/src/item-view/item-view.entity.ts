import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CallNumberScheme, ItemStatus, MaterialType } from '@app/contracts';

/**
 * Conservation's own picture of an item, built only from cataloging's events (cataloging is the
 * system of record). `version` is cataloging's item version: a row only ever moves forward.
 */
@Entity({ name: 'item_view' })
export class ItemView {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { nullable: true }) barcode!: string | null;
  @Column('text') branch!: string;
  @Column('text') status!: ItemStatus;
  @Column('integer') version!: number;
  @Column('uuid', { name: 'record_id' }) recordId!: string;
  @Column('text') title!: string;
  @Column('text', { array: true }) creators!: string[];
  @Column('text', { name: 'material_type' }) materialType!: MaterialType;
  /** The collection the item is shelved in: its location on the pull list. */
  @Column('text', { nullable: true }) collection!: string | null;
  @Column('text', { name: 'call_number', nullable: true }) callNumber!: string | null;
  @Column('text', { name: 'call_number_scheme', nullable: true }) callNumberScheme!: CallNumberScheme | null;
  /** Byte order is shelf order: the column is COLLATE "C" (see the migration). */
  @Column('text', { name: 'shelf_key', nullable: true }) shelfKey!: string | null;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
