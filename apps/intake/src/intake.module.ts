import { DynamicModule, Module } from '@nestjs/common';
import { MessagingRetention1764000000900, MessagingTables1764000000000, OutboxLease1764000000950 } from '@app/messaging';
import { Environment, PlatformModule } from '@app/platform';
import { IntakeItem } from './items/intake-item.entity';
import { ItemsModule } from './items/items.module';
import { ProcessingStepRecord } from './items/processing-step.entity';
import { IntakeSchema1764000000100 } from './migrations/1764000000100-intake-schema';
import { VendorStepsOnItem1764000000110 } from './migrations/1764000000110-vendor-steps-on-item';
import { ProcessingProfile } from './processing/processing-profile.entity';
import { ProcessingModule } from './processing/processing.module';
import { Shipment } from './shipments/shipment.entity';
import { ShipmentsModule } from './shipments/shipments.module';

export const INTAKE_ENTITIES = [Shipment, IntakeItem, ProcessingStepRecord, ProcessingProfile];
export const INTAKE_MIGRATIONS = [MessagingTables1764000000000, IntakeSchema1764000000100, VendorStepsOnItem1764000000110, MessagingRetention1764000000900, OutboxLease1764000000950];

@Module({})
export class IntakeModule {
  static forEnvironment(env: Environment): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        PlatformModule.forService({ service: 'intake', env, entities: INTAKE_ENTITIES, migrations: INTAKE_MIGRATIONS }),
        ShipmentsModule,
        ProcessingModule,
        ItemsModule,
      ],
    };
  }
}
