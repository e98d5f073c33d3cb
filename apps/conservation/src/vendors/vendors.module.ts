import { Module } from '@nestjs/common';
import { PartnerQueues } from './partner-queues';
import { VendorsController } from './vendors.controller';
import { VendorsService } from './vendors.service';

/** Bindery vendors (admin) and their partner queues. */
@Module({
  controllers: [VendorsController],
  providers: [VendorsService, PartnerQueues],
  exports: [VendorsService, PartnerQueues],
})
export class VendorsModule {}
