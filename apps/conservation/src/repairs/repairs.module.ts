import { Module } from '@nestjs/common';
import { ItemViewModule } from '../item-view/item-view.module';
import { RepairsController } from './repairs.controller';
import { RepairsService } from './repairs.service';

/** Repair work orders and their outcomes. */
@Module({
  imports: [ItemViewModule],
  controllers: [RepairsController],
  providers: [RepairsService],
  exports: [RepairsService],
})
export class RepairsModule {}
