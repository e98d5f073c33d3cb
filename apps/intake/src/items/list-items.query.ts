import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ITEM_STATUSES, ItemStatus } from '@app/contracts';
import { PageQuery } from '@app/platform';

export class ListItemsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Defaults to every branch the caller works for' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  branch?: string;

  @ApiPropertyOptional({ enum: ITEM_STATUSES, description: 'Latest status known from cataloging' })
  @IsOptional()
  @IsIn(ITEM_STATUSES)
  status?: ItemStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  shipmentId?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: items with steps left; false: items fully processed' })
  @IsOptional()
  @IsIn(['true', 'false'])
  pending?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Include WITHDRAWN, SOLD and DISPOSED items' })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeWithdrawn?: 'true' | 'false';
}
