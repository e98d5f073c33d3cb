import { Column, Entity, PrimaryColumn } from 'typeorm';
import { WeedingRule } from './weeding-rules.evaluator';

/** A branch's weeding rules, replaced as a whole (`PUT /weeding-rules/:branch`). Order matters: the first rule that names an item is its rule. */
@Entity({ name: 'weeding_rule_set' })
export class WeedingRuleSet {
  @PrimaryColumn('text') branch!: string;
  @Column('jsonb') rules!: WeedingRule[];
  @Column('text', { name: 'updated_by' }) updatedBy!: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
