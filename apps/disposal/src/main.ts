import 'reflect-metadata';
import { runService } from '@app/platform';
import { DisposalModule } from './disposal.module';

void runService({
  service: 'disposal',
  title: 'Disposal service',
  description: 'Weeding rules, runs and approvals, withdrawals, sale listings, sales, disposal and revenue reports.',
  defaults: { PORT: 3004, DB_SCHEMA: 'disposal' },
  module: (env) => DisposalModule.forEnvironment(env),
});
