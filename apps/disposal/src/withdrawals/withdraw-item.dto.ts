import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsLibraryBarcode, WITHDRAWAL_REASONS, WithdrawalReason } from '@app/contracts';
import { PageQuery } from '@app/platform';

export class WithdrawItemDto {
  @ApiProperty({ example: '31234000000017' })
  @IsLibraryBarcode()
  barcode!: string;

  @ApiProperty({ enum: WITHDRAWAL_REASONS })
  @IsIn(WITHDRAWAL_REASONS, { message: `reason is required: one of ${WITHDRAWAL_REASONS.join(', ')}` })
  reason!: WithdrawalReason;
}

export class ListWithdrawalsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Defaults to every branch the caller works for' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  branch?: string;

  @ApiPropertyOptional({ enum: WITHDRAWAL_REASONS })
  @IsOptional()
  @IsIn(WITHDRAWAL_REASONS)
  reason?: WithdrawalReason;

  @ApiPropertyOptional({ description: 'Withdrawn on or after (ISO 8601 date or time)', example: '2025-01-01' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Withdrawn on or before (a date includes the whole day)', example: '2025-12-31' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
