import { BadRequestException } from '@nestjs/common';
import { registerDecorator, ValidationOptions } from 'class-validator';

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
