import { Column, Entity, PrimaryColumn } from 'typeorm';

export const STEP_SOURCES = ['vendor', 'technician'] as const;
export type StepSource = (typeof STEP_SOURCES)[number];

/**
 * A processing step a technician recorded on an item here. The steps the vendor did before delivery
 * are on the item itself (`IntakeItem.vendorSteps`).
 */
@Entity({ name: 'processing_step' })
export class ProcessingStepRecord {
  @PrimaryColumn('uuid', { name: 'item_id' }) itemId!: string;
  @PrimaryColumn('text') step!: string;
  @Column('text', { name: 'recorded_by' }) recordedBy!: string;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt!: Date;
}
