import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PULL_REASONS, PullReason } from '@app/contracts';

/** Conservation checks the damage type and the rest; the console only shapes the two calls. */
export class PullItemDto {
  @ApiProperty({ enum: PULL_REASONS })
  @IsIn(PULL_REASONS)
  reason!: PullReason;

  @ApiPropertyOptional({ example: 'torn-pages' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  damage?: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}
