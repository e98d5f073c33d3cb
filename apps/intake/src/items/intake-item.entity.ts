import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CallNumberScheme, ItemStatus, MaterialType, SecurityTagType } from '@app/contracts';

/**
 * Intake's view of an item: what arrived, the steps its profile required at receipt, those the vendor
 * had done and those still pending, and the latest status cataloging reported (cataloging holds the
 * status of record).
 */
@Entity({ name: 'item' })
export class IntakeItem {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { nullable: true }) barcode!: string | null;
  @Column('uuid', { name: 'shipment_id' }) shipmentId!: string;
  @Column('integer') line!: number;
  @Column('text') branch!: string;
  @Column('text', { name: 'material_type' }) materialType!: MaterialType;
  @Column('text') title!: string;
  @Column('text', { array: true }) creators!: string[];
  @Column('text', { nullable: true }) isbn!: string | null;
  @Column('text', { nullable: true }) issn!: string | null;
  @Column('text', { nullable: true }) publisher!: string | null;
  @Column('integer', { name: 'publication_year', nullable: true }) publicationYear!: number | null;
  @Column('text', { name: 'call_number', nullable: true }) callNumber!: string | null;
  @Column('text', { name: 'call_number_scheme', nullable: true }) callNumberScheme!: CallNumberScheme | null;
  @Column('text', { name: 'security_tag', nullable: true }) securityTag!: SecurityTagType | null;
  @Column('text', { nullable: true }) collection!: string | null;
  /** numeric(12,2): PostgreSQL hands it back as a string, which is how money travels (SPEC §5). */
  @Column('numeric', { precision: 12, scale: 2, nullable: true }) price!: string | null;
  @Column('text', { nullable: true }) currency!: string | null;
  @Column('text') status!: ItemStatus;
  @Column('integer', { name: 'status_version' }) statusVersion!: number;
  @Column('text', { name: 'required_steps', array: true }) requiredSteps!: string[];
  @Column('text', { name: 'pending_steps', array: true }) pendingSteps!: string[];
  /** Required steps the vendor did before delivery: done at receipt, by whoever received the shipment. */
  @Column('text', { name: 'vendor_steps', array: true }) vendorSteps!: string[];
  @Column('text', { name: 'received_by' }) receivedBy!: string;
  @Column('timestamptz', { name: 'processed_at', nullable: true }) processedAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}
