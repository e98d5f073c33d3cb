import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An external bindery. Its partner id names its queue (`partner.<id>`), its routing keys
 * (`bindery.<id>.…`) and its webhook registration, if it has one (libs/partners).
 */
@Entity({ name: 'vendor' })
export class Vendor {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text', { name: 'partner_id' }) partnerId!: string;
  /** Calendar days from dispatch to the expected return. */
  @Column('integer', { name: 'turnaround_days' }) turnaroundDays!: number;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}
