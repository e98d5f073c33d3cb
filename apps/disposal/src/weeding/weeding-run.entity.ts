import { Column, Entity, PrimaryColumn } from 'typeorm';
import { WeedingRule } from './weeding-rules.evaluator';

/** One evaluation of a branch's rules, with the rules as they were then. */
@Entity({ name: 'weeding_run' })
export class WeedingRun {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') branch!: string;
  @Column('timestamptz', { name: 'ran_at' }) ranAt!: Date;
  @Column('text', { name: 'ran_by' }) ranBy!: string;
  @Column('jsonb') rules!: WeedingRule[];
}
