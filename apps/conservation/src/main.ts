import 'reflect-metadata';
import { runService } from '@app/platform';
import { ConservationModule } from './conservation.module';

void runService({
  service: 'conservation',
  title: 'Conservation service',
  description: 'Pull requests and pull lists for repair and binding, repair work orders, bindery vendors and shipments.',
  defaults: { PORT: 3003, DB_SCHEMA: 'conservation' },
  module: (env) => ConservationModule.forEnvironment(env),
});
