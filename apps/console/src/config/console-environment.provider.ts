import { Provider } from '@nestjs/common';
import { BranchRegistry } from '@app/platform/config/branches';
import { ConsoleEnvironment } from './console-environment';

/** The validated environment and the branch list, injectable everywhere in the console. */
export function environmentProviders(env: ConsoleEnvironment): Provider[] {
  return [
    { provide: ConsoleEnvironment, useValue: env },
    { provide: BranchRegistry, useValue: new BranchRegistry(env.BRANCHES) },
  ];
}
