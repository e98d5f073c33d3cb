import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module';
import { CallNumbersController } from './call-numbers.controller';
import { CallNumbersService } from './call-numbers.service';

@Module({
  imports: [ItemsModule],
  controllers: [CallNumbersController],
  providers: [CallNumbersService],
})
export class CallNumbersModule {}
