import { Module } from '@nestjs/common';
import { CallNumberAssignedHandler } from './call-number-assigned.handler';
import { ItemStatusChangedHandler } from './item-status-changed.handler';
import { ItemsController } from './items.controller';
import { ItemsService } from './items.service';

/** Intake's view of items: lookups, lists, and what cataloging tells it (call numbers, statuses). */
@Module({
  controllers: [ItemsController],
  providers: [ItemsService, CallNumberAssignedHandler, ItemStatusChangedHandler],
  exports: [ItemsService],
})
export class ItemsModule {}
