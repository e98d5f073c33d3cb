import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SHIPMENT_STATUSES = ['open', 'dispatched', 'returned'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/**
 * A bindery lot (Koha's "train", ABLE's "lot"): open while items are added, dispatched to the vendor,
 * returned once every line is back.
 */
@Entity({ name: 'bindery_shipment' })
export class BinderyShipment {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'lot_number' }) lotNumber!: string;
  @Column('uuid', { name: 'vendor_id' }) vendorId!: string;
  @Column('text') branch!: string;
  @Column('text') status!: ShipmentStatus;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('text', { name: 'dispatched_by', nullable: true }) dispatchedBy!: string | null;
  @Column('timestamptz', { name: 'dispatched_at', nullable: true }) dispatchedAt!: Date | null;
  @Column('timestamptz', { name: 'expected_return_at', nullable: true }) expectedReturnAt!: Date | null;
  @Column('timestamptz', { name: 'returned_at', nullable: true }) returnedAt!: Date | null;
  @Column('text', { name: 'acknowledged_by', nullable: true }) acknowledgedBy!: string | null;
  @Column('timestamptz', { name: 'acknowledged_at', nullable: true }) acknowledgedAt!: Date | null;
}
