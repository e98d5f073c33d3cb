import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { MATERIAL_TYPES, MaterialType } from '@app/contracts';
import { BranchRegistry, prepared } from '@app/platform';
import { ProcessingProfile } from './processing-profile.entity';
import { DEFAULT_PROCESSING_PROFILES, profileProblem } from './processing-steps';

export interface ProcessingProfileView {
  branch: string;
  materialType: MaterialType;
  steps: string[];
  /** `default` until the branch stores its own steps for this material type. */
  source: 'default' | 'branch';
  updatedBy: string | null;
  updatedAt: string | null;
}

function isMaterialType(value: string): value is MaterialType {
  return (MATERIAL_TYPES as readonly string[]).includes(value);
}

@Injectable()
export class ProcessingProfilesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly branches: BranchRegistry,
  ) {}

  /** The steps each material type needs in a branch now: its stored overrides, else the defaults. */
  async stepsFor(manager: EntityManager, branch: string): Promise<Record<MaterialType, readonly string[]>> {
    // Plain SQL: it runs for every shipment, and TypeORM's find spends longer building this query than
    // PostgreSQL spends answering it.
    const stored: { material_type: MaterialType; steps: string[] }[] = await manager.query(
      prepared('SELECT material_type, steps FROM processing_profile WHERE branch = $1'),
      [branch],
    );
    const steps = { ...DEFAULT_PROCESSING_PROFILES };
    for (const profile of stored) steps[profile.material_type] = profile.steps;
    return steps;
  }

  /** The effective profile of every material type in each branch the caller may see. */
  async list(user: AuthenticatedUser, branch?: string): Promise<ProcessingProfileView[]> {
    let codes: string[];
    if (branch !== undefined) {
      this.branches.assertKnown(branch);
      user.assertBranch(branch);
      codes = [branch];
    } else {
      const mine = user.branchFilter();
      codes = mine === null ? this.branches.codes : this.branches.codes.filter((code) => mine.includes(code));
    }
    if (codes.length === 0) return [];
    const stored = await this.dataSource.manager
      .createQueryBuilder(ProcessingProfile, 'profile')
      .where('profile.branch = ANY(:codes)', { codes })
      .getMany();
    const overrides = new Map(stored.map((profile) => [`${profile.branch}/${profile.materialType}`, profile]));
    return codes.flatMap((code) =>
      MATERIAL_TYPES.map((materialType) => {
        const profile = overrides.get(`${code}/${materialType}`);
        return profile ? this.view(profile) : { branch: code, materialType, steps: [...DEFAULT_PROCESSING_PROFILES[materialType]], source: 'default' as const, updatedBy: null, updatedAt: null };
      }),
    );
  }

  /**
   * Stores a branch's steps for one material type. Items keep the steps they were received with; the
   * new profile applies to items received afterwards.
   */
  async put(branch: string, materialType: string, steps: string[], user: AuthenticatedUser): Promise<ProcessingProfileView> {
    this.branches.assertKnown(branch);
    user.assertBranch(branch);
    if (!isMaterialType(materialType)) {
      throw new BadRequestException(`materialType: unknown material type "${materialType}"; expected one of ${MATERIAL_TYPES.join(', ')}`);
    }
    const problem = profileProblem(materialType, steps);
    if (problem) throw new BadRequestException(problem);
    const profile = Object.assign(new ProcessingProfile(), { branch, materialType, steps, updatedBy: user.id, updatedAt: new Date() });
    await this.dataSource.manager.save(profile);
    return this.view(profile);
  }

  private view(profile: ProcessingProfile): ProcessingProfileView {
    return {
      branch: profile.branch,
      materialType: profile.materialType,
      steps: profile.steps,
      source: 'branch',
      updatedBy: profile.updatedBy,
      updatedAt: profile.updatedAt.toISOString(),
    };
  }
}
