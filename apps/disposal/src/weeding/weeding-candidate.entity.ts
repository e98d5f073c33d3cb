import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CallNumberScheme } from '@app/contracts';
import { WeedingRule } from './weeding-rules.evaluator';

/**
 * `proposed` by a run; a librarian `approved` or `kept` it; a technician `pulled` it (withdrawn) or
 * found nothing (`not-found`, the item is missing). `withdrawn`: the item left by another route
 * (a withdrawal or a condemned repair) before its pull.
 */
export const CANDIDATE_STATUSES = ['proposed', 'approved', 'kept', 'pulled', 'not-found', 'withdrawn'] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];

/** Statuses that keep a run open: the item is on its way out and is not proposed again. */
export const OPEN_CANDIDATE_STATUSES: readonly CandidateStatus[] = ['proposed', 'approved'];

@Entity({ name: 'weeding_candidate' })
export class WeedingCandidate {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'run_id' }) runId!: string;
  /** Place in the run: shelf order at the time of the run. */
  @Column('integer') position!: number;
  @Column('uuid', { name: 'item_id' }) itemId!: string;
  @Column('text') barcode!: string;
  @Column('text') branch!: string;
  @Column('text') title!: string;
  @Column('text', { nullable: true }) collection!: string | null;
  @Column('text', { name: 'call_number', nullable: true }) callNumber!: string | null;
  @Column('text', { name: 'call_number_scheme', nullable: true }) callNumberScheme!: CallNumberScheme | null;
  @Column('text', { name: 'shelf_key', nullable: true }) shelfKey!: string | null;
  @Column('integer', { name: 'rule_index' }) ruleIndex!: number;
  @Column('jsonb') rule!: WeedingRule;
  @Column('text', { array: true }) reasons!: string[];
  @Column('text') status!: CandidateStatus;
  @Column('text', { name: 'decided_by', nullable: true }) decidedBy!: string | null;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt!: Date | null;
  @Column('text', { name: 'pulled_by', nullable: true }) pulledBy!: string | null;
  @Column('timestamptz', { name: 'pulled_at', nullable: true }) pulledAt!: Date | null;
}
