import { DynamicModule, Module } from '@nestjs/common';
import { MessagingTables1764000000000 } from '@app/messaging';
import { Environment, PlatformModule } from '@app/platform';

export const CONSERVATION_ENTITIES = [];
export const CONSERVATION_MIGRATIONS = [MessagingTables1764000000000];

@Module({})
export class ConservationModule {
  static forEnvironment(env: Environment): DynamicModule {
    return {
      module: ConservationModule,
      imports: [PlatformModule.forService({ service: 'conservation', env, entities: CONSERVATION_ENTITIES, migrations: CONSERVATION_MIGRATIONS })],
    };
  }
}
