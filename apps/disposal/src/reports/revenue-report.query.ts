import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';

export class RevenueReportQuery {
  @ApiPropertyOptional({ description: 'Defaults to every branch the caller works for' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  branch?: string;

  @ApiPropertyOptional({ description: 'Sold on or after (ISO 8601 date or time)', example: '2025-01-01' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Sold on or before (a date includes the whole day)', example: '2025-12-31' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
