import { Column, Entity, PrimaryColumn } from 'typeorm';
import { RepairOutcome } from '@app/contracts';

export const TREATMENTS = ['tear-mend', 'tip-in', 'hinge-repair', 'spine-repair', 'resew-section', 'recase', 'rebind', 'clean', 'other'] as const;
export type Treatment = (typeof TREATMENTS)[number];

/** Whole sections, recasing and rebinding are senior technicians' work (SPEC §6). */
export const MAJOR_TREATMENTS: readonly Treatment[] = ['resew-section', 'recase', 'rebind'];

export const REPAIR_STATUSES = ['open', 'completed'] as const;
export type RepairStatus = (typeof REPAIR_STATUSES)[number];

/** A repair work order, opened when an item is pulled for repair. */
@Entity({ name: 'repair' })
export class Repair {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'pull_request_id' }) pullRequestId!: string;
  @Column('uuid', { name: 'item_id' }) itemId!: string;
  @Column('text') barcode!: string;
  @Column('text') branch!: string;
  @Column('text', { nullable: true }) damage!: string | null;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('text') status!: RepairStatus;
  @Column('text', { name: 'opened_by' }) openedBy!: string;
  @Column('timestamptz', { name: 'opened_at' }) openedAt!: Date;
  @Column('text', { nullable: true }) treatment!: Treatment | null;
  @Column('integer', { nullable: true }) minutes!: number | null;
  @Column('text', { nullable: true }) outcome!: RepairOutcome | null;
  @Column('text', { name: 'completion_note', nullable: true }) completionNote!: string | null;
  @Column('text', { name: 'completed_by', nullable: true }) completedBy!: string | null;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt!: Date | null;
}
