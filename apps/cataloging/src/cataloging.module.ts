import { DynamicModule, Module } from '@nestjs/common';
import { MessagingTables1764000000000 } from '@app/messaging';
import { Environment, PlatformModule } from '@app/platform';

export const CATALOGING_ENTITIES = [];
export const CATALOGING_MIGRATIONS = [MessagingTables1764000000000];

@Module({})
export class CatalogingModule {
  static forEnvironment(env: Environment): DynamicModule {
    return {
      module: CatalogingModule,
      imports: [PlatformModule.forService({ service: 'cataloging', env, entities: CATALOGING_ENTITIES, migrations: CATALOGING_MIGRATIONS })],
    };
  }
}
