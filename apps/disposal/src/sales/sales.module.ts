import { Module } from '@nestjs/common';
import { WithdrawalsModule } from '../withdrawals/withdrawals.module';
import { DisposalsService } from './disposals.service';
import { ListingsController, WithdrawnItemDisposalController } from './listings.controller';
import { ListingsService } from './listings.service';
import { PlatformListingsController } from './platform-listings.controller';
import { PriceTablesController } from './price-tables.controller';
import { PriceTablesService } from './price-tables.service';
import { SalesPlatformQueues } from './sales-platform-queues';

/** Sales of withdrawn items on the sales platform, and disposal of the unsold ones. */
@Module({
  imports: [WithdrawalsModule],
  controllers: [ListingsController, WithdrawnItemDisposalController, PlatformListingsController, PriceTablesController],
  providers: [ListingsService, DisposalsService, PriceTablesService, SalesPlatformQueues],
})
export class SalesModule {}
