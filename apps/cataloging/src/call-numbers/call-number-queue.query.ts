import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsKnownBranch, PageQuery } from '@app/platform';

export class CallNumberQueueQuery extends PageQuery {
  @ApiPropertyOptional({ description: "defaults to the caller's branches" })
  @IsOptional()
  @IsKnownBranch()
  branch?: string;
}
