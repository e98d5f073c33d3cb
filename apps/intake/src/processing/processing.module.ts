import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module';
import { ProcessingProfilesController } from './processing-profiles.controller';
import { ProcessingProfilesService } from './processing-profiles.service';
import { StepsController } from './steps.controller';
import { StepsService } from './steps.service';

/** How each branch processes each material type, and the steps technicians record. */
@Module({
  imports: [ItemsModule],
  controllers: [ProcessingProfilesController, StepsController],
  providers: [ProcessingProfilesService, StepsService],
  exports: [ProcessingProfilesService],
})
export class ProcessingModule {}
