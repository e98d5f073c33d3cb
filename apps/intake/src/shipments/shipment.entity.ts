import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One receipt from a supplier, for one owning branch. */
@Entity({ name: 'shipment' })
export class Shipment {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') supplier!: string;
  @Column('text') branch!: string;
  @Column('text', { name: 'received_by' }) receivedBy!: string;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('integer', { name: 'item_count' }) itemCount!: number;
}
