import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConsoleEnvironment } from './console-environment';
import { environmentProviders } from './console-environment.provider';

/** The validated environment and the branch list, injectable in every feature module. */
@Global()
@Module({})
export class ConsoleConfigModule {
  static forEnvironment(env: ConsoleEnvironment): DynamicModule {
    const providers = environmentProviders(env);
    return { module: ConsoleConfigModule, providers, exports: providers.map((p) => (p as { provide: unknown }).provide as never) };
  }
}
