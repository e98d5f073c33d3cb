import { DynamicModule, Module } from '@nestjs/common';
import { MessagingRetention1764000000900, MessagingTables1764000000000, OutboxLease1764000000950 } from '@app/messaging';
import { Environment, PlatformModule } from '@app/platform';
import { CallNumbersModule } from './call-numbers/call-numbers.module';
import { CirculationModule } from './circulation/circulation.module';
import { ConditionsModule } from './conditions/conditions.module';
import { CatalogItem } from './items/catalog-item.entity';
import { ItemStatusHistory } from './items/item-status-history.entity';
import { ItemsModule } from './items/items.module';
import { MovementsModule } from './movements/movements.module';
import { CatalogingSchema1764000000200 } from './migrations/1764000000200-cataloging-schema';
import { AppliedFacts1764000000201 } from './migrations/1764000000201-applied-facts';
import { ReceivingModule } from './receiving/receiving.module';
import { BibRecord } from './records/bib-record.entity';
import { RecordsModule } from './records/records.module';
import { ShelvingModule } from './shelving/shelving.module';

export const CATALOGING_ENTITIES = [BibRecord, CatalogItem, ItemStatusHistory];
export const CATALOGING_MIGRATIONS = [MessagingTables1764000000000, CatalogingSchema1764000000200, AppliedFacts1764000000201, MessagingRetention1764000000900, OutboxLease1764000000950];

@Module({})
export class CatalogingModule {
  static forEnvironment(env: Environment): DynamicModule {
    return {
      module: CatalogingModule,
      imports: [
        PlatformModule.forService({ service: 'cataloging', env, entities: CATALOGING_ENTITIES, migrations: CATALOGING_MIGRATIONS }),
        RecordsModule,
        ItemsModule,
        ReceivingModule,
        CallNumbersModule,
        ShelvingModule,
        CirculationModule,
        MovementsModule,
        ConditionsModule,
      ],
    };
  }
}
