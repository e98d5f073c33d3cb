import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '@app/platform';
import { REPAIR_STATUSES, RepairStatus } from './repair.entity';

export class ListRepairsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Defaults to every branch the caller works for' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  branch?: string;

  @ApiPropertyOptional({ enum: REPAIR_STATUSES })
  @IsOptional()
  @IsIn(REPAIR_STATUSES)
  status?: RepairStatus;
}
