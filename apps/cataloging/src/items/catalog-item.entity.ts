import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CallNumberScheme, ItemStatus, MaterialType } from '@app/contracts';
import { BibRecord } from '../records/bib-record.entity';

/**
 * A copy in the catalog: the status of record (SPEC §2). `status` and `version` change only through
 * `ItemLifecycle.transition`, which writes the history row and the event with them.
 */
@Entity({ name: 'catalog_item' })
export class CatalogItem {
  /** The id intake gave the item. */
  @PrimaryColumn('uuid')
  id!: string;

  /** Electronic resources have none. */
  @Column('text', { nullable: true, unique: true })
  barcode!: string | null;

  @Column('uuid', { name: 'record_id' })
  recordId!: string;

  @ManyToOne(() => BibRecord, { nullable: false })
  @JoinColumn({ name: 'record_id' })
  record?: BibRecord;

  @Column('text')
  branch!: string;

  @Column('text', { name: 'material_type' })
  materialType!: MaterialType;

  @Column('text')
  status!: ItemStatus;

  /** 1 with the first status, +1 per change; consumers of status events ignore versions they passed. */
  @Column('integer')
  version!: number;

  @Column('text', { name: 'call_number', nullable: true })
  callNumber!: string | null;

  @Column('text', { name: 'call_number_scheme', nullable: true })
  callNumberScheme!: CallNumberScheme | null;

  /** Byte order is shelf order within a scheme: the column is `COLLATE "C"`. */
  @Column({ type: 'text', name: 'shelf_key', nullable: true, collation: 'C' })
  shelfKey!: string | null;

  /** The shelving location. */
  @Column('text', { nullable: true })
  collection!: string | null;

  /** numeric(12,2) comes back from pg as a string, which is how money leaves the API anyway. */
  @Column('numeric', { precision: 12, scale: 2, nullable: true })
  price!: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency!: string | null;

  /** Every required processing step is done (intake said so); only a call number may still be missing. */
  @Column('boolean', { name: 'processing_complete', default: false })
  processingComplete!: boolean;

  @Column('text', { array: true, default: () => `'{}'` })
  conditions!: string[];

  @Column('integer', { name: 'checkout_count', default: 0 })
  checkoutCount!: number;

  @Column('timestamptz', { name: 'last_circulated_at', nullable: true })
  lastCirculatedAt!: Date | null;

  @Column('timestamptz', { name: 'shelved_at', nullable: true })
  shelvedAt!: Date | null;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;

  @Column('timestamptz', { name: 'status_changed_at' })
  statusChangedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** How people name the item in messages: its barcode, or its id when it has none. */
  get label(): string {
    return this.barcode ?? this.id;
  }
}
