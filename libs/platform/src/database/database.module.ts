import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions, MixedList } from 'typeorm';
import { ENVIRONMENT } from '../config/config.module';
import { Environment } from '../config/environment';
import { runMigrationsExclusively } from './migrations';
import { PreparingClient } from './preparing-client';

export interface DatabaseModuleOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>;
}

/**
 * The service's PostgreSQL connection, bound to its own schema. Migrations run on start, one replica
 * at a time (`runMigrationsExclusively`); the schema is never synchronised from entities.
 */
@Module({})
export class DatabaseModule {
  static forService(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ENVIRONMENT],
          useFactory: (env: Environment) => ({
            type: 'postgres' as const,
            url: env.DATABASE_URL,
            schema: env.DB_SCHEMA,
            entities: options.entities,
            migrations: options.migrations,
            migrationsRun: false, // run below, under a lock
            migrationsTableName: 'migrations',
            migrationsTransactionMode: 'each' as const,
            synchronize: false,
            // Raw SQL (outbox, inbox, bulk paths) resolves unqualified names in the service's schema;
            // the statements marked `prepared()` are prepared on each connection (PreparingClient).
            extra: { max: 10, options: `-c search_path=${env.DB_SCHEMA}`, Client: PreparingClient },
            retryAttempts: 10,
            retryDelay: 1000,
          }),
          dataSourceFactory: async (options?: DataSourceOptions) => {
            const dataSource = await new DataSource(options!).initialize();
            try {
              await runMigrationsExclusively(dataSource, (options as { schema: string }).schema);
            } catch (error) {
              await dataSource.destroy().catch(() => undefined); // a retry starts with a new pool
              throw error;
            }
            return dataSource;
          },
        }),
      ],
    };
  }
}
