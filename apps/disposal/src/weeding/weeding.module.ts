import { Module } from '@nestjs/common';
import { CLOCK, systemClock } from '../common/clock';
import { WithdrawalsModule } from '../withdrawals/withdrawals.module';
import { PullListController, WeedingCandidatesController, WeedingRunsController } from './weeding-runs.controller';
import { WeedingRunsService } from './weeding-runs.service';
import { WeedingRulesController } from './weeding-rules.controller';
import { WeedingRulesService } from './weeding-rules.service';

/** Weeding: rules per branch, runs that propose candidates, approvals, and the pull list. */
@Module({
  imports: [WithdrawalsModule],
  controllers: [WeedingRulesController, WeedingRunsController, WeedingCandidatesController, PullListController],
  providers: [WeedingRulesService, WeedingRunsService, { provide: CLOCK, useValue: systemClock }],
})
export class WeedingModule {}
