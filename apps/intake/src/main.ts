import 'reflect-metadata';
import { runService } from '@app/platform';
import { IntakeModule } from './intake.module';

void runService({
  service: 'intake',
  title: 'Intake service',
  description: 'Shipments from suppliers, items recorded, processing profiles and steps, hand-over to cataloging.',
  defaults: { PORT: 3001, DB_SCHEMA: 'intake' },
  module: (env) => IntakeModule.forEnvironment(env),
});
