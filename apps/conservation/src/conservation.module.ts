import { DynamicModule, Module } from '@nestjs/common';
import { MessagingRetention1764000000900, MessagingTables1764000000000, OutboxLease1764000000950 } from '@app/messaging';
import { PARTNER_WEBHOOK_ENTITIES, PartnersModule } from '@app/partners';
import { Environment, PlatformModule } from '@app/platform';
import { BinderyLine } from './bindery/bindery-line.entity';
import { BinderyShipment } from './bindery/bindery-shipment.entity';
import { BinderyModule } from './bindery/bindery.module';
import { ItemView } from './item-view/item-view.entity';
import { ItemViewModule } from './item-view/item-view.module';
import { ConservationSchema1764000000300 } from './migrations/1764000000300-conservation-schema';
import { PartnerWebhooks1764000000310 } from './migrations/1764000000310-partner-webhooks';
import { PullRequest } from './pulls/pull-request.entity';
import { PullsModule } from './pulls/pulls.module';
import { Repair } from './repairs/repair.entity';
import { RepairsModule } from './repairs/repairs.module';
import { VendorPartnerDirectory } from './vendors/vendor-partner-directory';
import { Vendor } from './vendors/vendor.entity';
import { VendorsModule } from './vendors/vendors.module';

export const CONSERVATION_ENTITIES = [ItemView, PullRequest, Repair, Vendor, BinderyShipment, BinderyLine, ...PARTNER_WEBHOOK_ENTITIES];
export const CONSERVATION_MIGRATIONS = [MessagingTables1764000000000, ConservationSchema1764000000300, PartnerWebhooks1764000000310, MessagingRetention1764000000900, OutboxLease1764000000950];

@Module({})
export class ConservationModule {
  static forEnvironment(env: Environment): DynamicModule {
    return {
      module: ConservationModule,
      imports: [
        PlatformModule.forService({ service: 'conservation', env, entities: CONSERVATION_ENTITIES, migrations: CONSERVATION_MIGRATIONS }),
        // Vendors' webhooks: PUT /partners/:partnerId/webhook, GET /partners/:partnerId/deliveries.
        PartnersModule.forService({ env, directory: VendorPartnerDirectory }),
        ItemViewModule,
        PullsModule,
        RepairsModule,
        VendorsModule,
        BinderyModule,
      ],
    };
  }
}
