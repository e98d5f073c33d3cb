import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { ITEM_CONDITIONS, ItemCondition } from '@app/contracts';

export class RecordConditionsDto {
  @ApiProperty({ enum: ITEM_CONDITIONS, isArray: true, description: 'the CREW/MUSTIE factors that hold for the item now (replaces the previous set)' })
  @IsArray()
  @ArrayMaxSize(ITEM_CONDITIONS.length)
  @ArrayUnique()
  @IsIn(ITEM_CONDITIONS, { each: true, message: `conditions must each be one of ${ITEM_CONDITIONS.join(', ')}` })
  conditions!: ItemCondition[];
}
