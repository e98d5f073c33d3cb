import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module';
import { ConservationEventsHandler } from './conservation-events.handler';
import { DisposalEventsHandler } from './disposal-events.handler';
import { MovementsService } from './movements.service';

/** Status changes that conservation and disposal cause, applied to the status of record. */
@Module({
  imports: [ItemsModule],
  providers: [MovementsService, ConservationEventsHandler, DisposalEventsHandler],
})
export class MovementsModule {}
