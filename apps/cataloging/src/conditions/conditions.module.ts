import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module';
import { ConditionsController } from './conditions.controller';

@Module({ imports: [ItemsModule], controllers: [ConditionsController] })
export class ConditionsModule {}
