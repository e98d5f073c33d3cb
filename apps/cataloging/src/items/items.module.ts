import { Module } from '@nestjs/common';
import { ItemLifecycle } from './item-lifecycle.service';
import { ItemsController } from './items.controller';
import { ItemsService } from './items.service';

/**
 * Items and their status of record. `ItemLifecycle` is exported for every feature that moves items
 * (receiving, call numbers, shelving — and later repairs, bindery and withdrawals).
 */
@Module({
  controllers: [ItemsController],
  providers: [ItemsService, ItemLifecycle],
  exports: [ItemsService, ItemLifecycle],
})
export class ItemsModule {}
