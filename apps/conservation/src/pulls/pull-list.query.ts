import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PULL_REASONS, PullReason } from '@app/contracts';
import { IsKnownBranch, PageQuery } from '@app/platform';

export class PullListQuery extends PageQuery {
  @ApiProperty({ description: 'the branch whose stacks the technician walks' })
  @IsKnownBranch()
  branch!: string;

  @ApiPropertyOptional({ enum: PULL_REASONS })
  @IsOptional()
  @IsIn(PULL_REASONS)
  reason?: PullReason;
}
