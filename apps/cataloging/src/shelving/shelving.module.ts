import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module';
import { ShelvingController } from './shelving.controller';
import { ShelvingService } from './shelving.service';

@Module({
  imports: [ItemsModule],
  controllers: [ShelvingController],
  providers: [ShelvingService],
})
export class ShelvingModule {}
