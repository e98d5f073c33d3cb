import { DynamicModule, Global, Module } from '@nestjs/common';
import { BranchRegistry, configureBranches } from './branches';
import { Environment } from './environment';

export const ENVIRONMENT = Symbol('ENVIRONMENT');

/** Makes the validated environment and the branch registry injectable everywhere in a service. */
@Global()
@Module({})
export class PlatformConfigModule {
  static forEnvironment(env: Environment): DynamicModule {
    const branches = new BranchRegistry(env.BRANCHES);
    configureBranches(branches);
    return {
      module: PlatformConfigModule,
      providers: [
        { provide: ENVIRONMENT, useValue: env },
        { provide: Environment, useValue: env },
        { provide: BranchRegistry, useValue: branches },
      ],
      exports: [ENVIRONMENT, Environment, BranchRegistry],
    };
  }
}
