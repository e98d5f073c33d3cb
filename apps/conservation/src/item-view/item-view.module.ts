import { Module } from '@nestjs/common';
import { ItemStatusChangedHandler } from './item-status-changed.handler';
import { ItemUpdatedHandler } from './item-updated.handler';
import { ItemViewService } from './item-view.service';

/** Conservation's read model of items, kept current from cataloging's events. */
@Module({
  providers: [ItemViewService, ItemStatusChangedHandler, ItemUpdatedHandler],
  exports: [ItemViewService],
})
export class ItemViewModule {}
