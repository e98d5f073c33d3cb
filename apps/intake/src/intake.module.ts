import { DynamicModule, Module } from '@nestjs/common';
import { MessagingTables1764000000000 } from '@app/messaging';
import { Environment, PlatformModule } from '@app/platform';

export const INTAKE_ENTITIES = [];
export const INTAKE_MIGRATIONS = [MessagingTables1764000000000];

@Module({})
export class IntakeModule {
  static forEnvironment(env: Environment): DynamicModule {
    return {
      module: IntakeModule,
      imports: [PlatformModule.forService({ service: 'intake', env, entities: INTAKE_ENTITIES, migrations: INTAKE_MIGRATIONS })],
    };
  }
}
