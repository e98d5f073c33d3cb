import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module';
import { CirculationFactsHandler } from './circulation-facts.handler';

@Module({
  imports: [ItemsModule],
  providers: [CirculationFactsHandler],
})
export class CirculationModule {}
