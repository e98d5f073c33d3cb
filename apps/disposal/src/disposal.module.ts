import { DynamicModule, Module } from '@nestjs/common';
import { MessagingTables1764000000000 } from '@app/messaging';
import { Environment, PlatformModule } from '@app/platform';

export const DISPOSAL_ENTITIES = [];
export const DISPOSAL_MIGRATIONS = [MessagingTables1764000000000];

@Module({})
export class DisposalModule {
  static forEnvironment(env: Environment): DynamicModule {
    return {
      module: DisposalModule,
      imports: [PlatformModule.forService({ service: 'disposal', env, entities: DISPOSAL_ENTITIES, migrations: DISPOSAL_MIGRATIONS })],
    };
  }
}
