import { BadRequestException } from '@nestjs/common';
import { registerDecorator, ValidationOptions } from 'class-validator';

/** What branch scoping needs of the caller (`AuthenticatedUser` from `@app/auth`). */
export interface BranchScopedUser {
  assertBranch(code: string): void;
  branchFilter(): string[] | null;
}

export interface Branch {
  code: string;
  name: string;
}

/** The deployment's branches (configuration, not data): parsed once at boot. */
export class BranchRegistry {
  readonly branches: Branch[];

  constructor(spec: string) {
    this.branches = spec.split(',').map((pair) => {
      const [code, ...name] = pair.split(':');
      return { code: code.trim(), name: name.join(':').trim() };
    });
  }

  has(code: string): boolean {
    return this.branches.some((b) => b.code === code);
  }

  get codes(): string[] {
    return this.branches.map((b) => b.code);
  }

  /** 400 naming the branch and the known ones: a request for an unknown branch changes nothing. */
  assertKnown(code: string | undefined, field = 'branch'): string {
    if (!code || !this.has(code)) {
      throw new BadRequestException(`${field}: unknown branch ${code ? `"${code}"` : '(missing)'}; known branches are ${this.codes.join(', ')}`);
    }
    return code;
  }

  /**
   * The branches a list may show: the one asked for (known, else 400; the caller's, else 403), or
   * every branch the caller works for (`null`: all of them).
   */
  listBranches(user: BranchScopedUser, branch?: string): string[] | null {
    if (branch === undefined) return user.branchFilter();
    return [this.actingBranch(user, branch)];
  }

  /** A branch named in a path or body: known (400) and one the caller acts for (403). */
  actingBranch(user: BranchScopedUser, branch: string, field = 'branch'): string {
    this.assertKnown(branch, field);
    user.assertBranch(branch);
    return branch;
  }
}

let activeRegistry = new BranchRegistry('CEN:Central Library,NOR:North Branch,SOU:South Branch');

/** Lets class-validator DTOs check branches against the deployment's list. */
export function configureBranches(registry: BranchRegistry): void {
  activeRegistry = registry;
}

export function IsKnownBranch(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isKnownBranch',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && activeRegistry.has(value),
        defaultMessage: (args) => `${args?.property} must be a known branch (${activeRegistry.codes.join(', ')})`,
      },
    });
}
