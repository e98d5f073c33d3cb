import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module';
import { RecordsModule } from '../records/records.module';
import { ItemProcessedHandler } from './item-processed.handler';
import { ItemReceivedHandler } from './item-received.handler';
import { ReceivingService } from './receiving.service';

/** Consumes intake's events: new items enter the catalog, processed ones go to the shelvers. */
@Module({
  imports: [ItemsModule, RecordsModule],
  providers: [ReceivingService, ItemReceivedHandler, ItemProcessedHandler],
})
export class ReceivingModule {}
