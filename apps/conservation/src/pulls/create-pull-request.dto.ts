import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsLibraryBarcode, PULL_REASONS, PullReason } from '@app/contracts';
import { DAMAGE_TYPES, DamageType } from './pull-request.entity';

export class CreatePullRequestDto {
  @ApiProperty({ example: '31234000000017' })
  @IsLibraryBarcode()
  barcode!: string;

  @ApiProperty({ enum: PULL_REASONS })
  @IsIn(PULL_REASONS)
  reason!: PullReason;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string | null;

  @ApiPropertyOptional({ enum: DAMAGE_TYPES })
  @IsOptional()
  @IsIn(DAMAGE_TYPES)
  damage?: DamageType | null;
}
