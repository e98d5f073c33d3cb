import { Module } from '@nestjs/common';
import { VendorsModule } from '../vendors/vendors.module';
import { BinderyShipmentsController } from './bindery-shipments.controller';
import { BinderyShipmentsService } from './bindery-shipments.service';
import { VendorShipmentsController } from './vendor-shipments.controller';
import { VendorShipmentsService } from './vendor-shipments.service';

/** Bindery lots: the library prepares, dispatches and checks them in; the vendor reads and acknowledges its own. */
@Module({
  imports: [VendorsModule],
  controllers: [BinderyShipmentsController, VendorShipmentsController],
  providers: [BinderyShipmentsService, VendorShipmentsService],
})
export class BinderyModule {}
