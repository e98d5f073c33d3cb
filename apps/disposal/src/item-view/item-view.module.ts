import { Global, Module } from '@nestjs/common';
import { ItemViewHandler } from './item-view.handler';
import { ItemViewService } from './item-view.service';

/** Disposal's read model of cataloging's items; every feature reads it, only the handler writes it. */
@Global()
@Module({
  providers: [ItemViewService, ItemViewHandler],
  exports: [ItemViewService],
})
export class ItemViewModule {}
