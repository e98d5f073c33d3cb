import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { BranchRegistry } from '@app/platform';
import { PutWeedingRulesDto } from './put-weeding-rules.dto';
import { WeedingRuleSet } from './weeding-rule-set.entity';
import { normaliseRule, WeedingRule } from './weeding-rules.evaluator';

export interface WeedingRulesView {
  branch: string;
  rules: WeedingRule[];
  updatedBy: string | null;
  updatedAt: string | null;
}

@Injectable()
export class WeedingRulesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly branches: BranchRegistry,
  ) {}

  /** Replaces the branch's rules, all or nothing: every bad bound is named (`rules[1].callNumberTo: ...`). */
  async put(branch: string, dto: PutWeedingRulesDto, user: AuthenticatedUser): Promise<WeedingRulesView> {
    this.branches.actingBranch(user, branch);
    const problems: string[] = [];
    const rules: WeedingRule[] = [];
    for (const [i, input] of dto.rules.entries()) {
      const result = normaliseRule({
        collection: input.collection ?? null,
        callNumberFrom: input.callNumberFrom ?? null,
        callNumberTo: input.callNumberTo ?? null,
        callNumberScheme: input.callNumberScheme ?? null,
        maxAgeYears: input.maxAgeYears,
        maxYearsWithoutUse: input.maxYearsWithoutUse,
        conditions: input.conditions,
        keepLastCopy: input.keepLastCopy,
      });
      problems.push(...result.problems.map((problem) => `rules[${i}].${problem.field}: ${problem.message}`));
      if (result.rule) rules.push(result.rule);
    }
    if (problems.length) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: problems });
    const set = Object.assign(new WeedingRuleSet(), { branch, rules, updatedBy: user.id, updatedAt: new Date() });
    await this.dataSource.manager.save(WeedingRuleSet, set);
    return this.view(branch, set);
  }

  async get(branch: string, user: AuthenticatedUser): Promise<WeedingRulesView> {
    this.branches.actingBranch(user, branch);
    return this.view(branch, await this.load(this.dataSource.manager, branch));
  }

  async load(manager: EntityManager, branch: string): Promise<WeedingRuleSet | null> {
    return manager.findOne(WeedingRuleSet, { where: { branch } });
  }

  private view(branch: string, set: WeedingRuleSet | null): WeedingRulesView {
    return { branch, rules: set?.rules ?? [], updatedBy: set?.updatedBy ?? null, updatedAt: set?.updatedAt.toISOString() ?? null };
  }
}
