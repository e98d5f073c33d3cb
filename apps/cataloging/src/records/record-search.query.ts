import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsIsbn, IsIssn } from '@app/contracts';
import { PageQuery } from '@app/platform';

export class RecordSearchQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'ISBN-10 or ISBN-13' }) @IsOptional() @IsIsbn() isbn?: string;
  @ApiPropertyOptional() @IsOptional() @IsIssn() issn?: string;
  @ApiPropertyOptional({ description: 'case-insensitive substring' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title?: string;
}
