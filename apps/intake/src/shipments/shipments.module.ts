import { Module } from '@nestjs/common';
import { ProcessingModule } from '../processing/processing.module';
import { ShipmentsController } from './shipments.controller';
import { ShipmentsService } from './shipments.service';

/** Receipts from suppliers: the way items enter the system. */
@Module({
  imports: [ProcessingModule],
  controllers: [ShipmentsController],
  providers: [ShipmentsService],
})
export class ShipmentsModule {}
