import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?limit=` (default 50, at most 1000) and `?offset=`, the same on every list (SPEC §5). */
export class PageQuery {
  @ApiPropertyOptional({ default: 50, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 50;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset: number = 0;
}

export interface Page<T> {
  data: T[];
  page: { limit: number; offset: number; total: number };
}

export function toPage<T>(data: T[], query: PageQuery, total: number): Page<T> {
  return { data, page: { limit: query.limit, offset: query.offset, total } };
}
