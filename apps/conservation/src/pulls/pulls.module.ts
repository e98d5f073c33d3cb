import { Module } from '@nestjs/common';
import { ItemViewModule } from '../item-view/item-view.module';
import { RepairsModule } from '../repairs/repairs.module';
import { PullsController } from './pulls.controller';
import { PullsService } from './pulls.service';

/** Pull requests and pull lists for repair and binding. */
@Module({
  imports: [ItemViewModule, RepairsModule],
  controllers: [PullsController],
  providers: [PullsService],
})
export class PullsModule {}
