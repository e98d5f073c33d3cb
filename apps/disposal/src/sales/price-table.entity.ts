import { Column, Entity, PrimaryColumn } from 'typeorm';
import { SaleCondition } from '@app/contracts';

/** A branch's asking prices per condition grade, used when a listing names no price. */
@Entity({ name: 'price_table' })
export class PriceTable {
  @PrimaryColumn('text') branch!: string;
  @Column('jsonb') prices!: Record<SaleCondition, string>;
  @Column('text') currency!: string;
  @Column('text', { name: 'updated_by' }) updatedBy!: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
