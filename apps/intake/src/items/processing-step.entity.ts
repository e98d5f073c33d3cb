import { Column, Entity, PrimaryColumn } from 'typeorm';

export const STEP_SOURCES = ['vendor', 'technician'] as const;
export type StepSource = (typeof STEP_SOURCES)[number];

/** A processing step done on an item: by the vendor before delivery, or by a technician here. */
@Entity({ name: 'processing_step' })
export class ProcessingStepRecord {
  @PrimaryColumn('uuid', { name: 'item_id' }) itemId!: string;
  @PrimaryColumn('text') step!: string;
  @Column('text', { name: 'recorded_by' }) recordedBy!: string;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt!: Date;
  @Column('text') source!: StepSource;
}
