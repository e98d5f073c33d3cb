import { DynamicModule, Module } from '@nestjs/common';
import { MessagingRetention1764000000900, MessagingTables1764000000000, OutboxLease1764000000950 } from '@app/messaging';
import { PARTNER_WEBHOOK_ENTITIES, PartnersModule } from '@app/partners';
import { Environment, PlatformModule } from '@app/platform';
import { ItemView } from './item-view/item-view.entity';
import { ItemViewModule } from './item-view/item-view.module';
import { DisposalSchema1764000000400 } from './migrations/1764000000400-disposal-schema';
import { PartnerWebhooks1764000000410 } from './migrations/1764000000410-partner-webhooks';
import { ReportsModule } from './reports/reports.module';
import { ItemDisposal } from './sales/item-disposal.entity';
import { Listing } from './sales/listing.entity';
import { PriceTable } from './sales/price-table.entity';
import { Sale } from './sales/sale.entity';
import { SalesModule } from './sales/sales.module';
import { WeedingCandidate } from './weeding/weeding-candidate.entity';
import { WeedingRuleSet } from './weeding/weeding-rule-set.entity';
import { WeedingRun } from './weeding/weeding-run.entity';
import { WeedingModule } from './weeding/weeding.module';
import { Withdrawal } from './withdrawals/withdrawal.entity';
import { WithdrawalsModule } from './withdrawals/withdrawals.module';

export const DISPOSAL_ENTITIES = [ItemView, WeedingRuleSet, WeedingRun, WeedingCandidate, Withdrawal, Listing, Sale, ItemDisposal, PriceTable, ...PARTNER_WEBHOOK_ENTITIES];
export const DISPOSAL_MIGRATIONS = [MessagingTables1764000000000, DisposalSchema1764000000400, PartnerWebhooks1764000000410, MessagingRetention1764000000900, OutboxLease1764000000950];

@Module({})
export class DisposalModule {
  static forEnvironment(env: Environment): DynamicModule {
    return {
      module: DisposalModule,
      imports: [
        PlatformModule.forService({ service: 'disposal', env, entities: DISPOSAL_ENTITIES, migrations: DISPOSAL_MIGRATIONS }),
        // Sales platforms' webhooks: PUT /partners/:partnerId/webhook, GET /partners/:partnerId/deliveries.
        PartnersModule.forService({ env }),
        ItemViewModule,
        WeedingModule,
        WithdrawalsModule,
        SalesModule,
        ReportsModule,
      ],
    };
  }
}
