import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MaterialType } from '@app/contracts';

/** A branch's override of the default steps for one material type. */
@Entity({ name: 'processing_profile' })
export class ProcessingProfile {
  @PrimaryColumn('text') branch!: string;
  @PrimaryColumn('text', { name: 'material_type' }) materialType!: MaterialType;
  @Column('text', { array: true }) steps!: string[];
  @Column('text', { name: 'updated_by' }) updatedBy!: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
