import 'reflect-metadata';
import { runService } from '@app/platform';
import { CatalogingModule } from './cataloging.module';

void runService({
  service: 'cataloging',
  title: 'Cataloging service',
  description: 'Bibliographic records and items: the status of record and its history, call numbers, lookups, shelving lists.',
  defaults: { PORT: 3002, DB_SCHEMA: 'cataloging' },
  module: (env) => CatalogingModule.forEnvironment(env),
});
