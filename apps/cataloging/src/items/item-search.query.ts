import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsIsbn, IsIssn, IsLibraryBarcode, ITEM_STATUSES, ItemStatus, MATERIAL_TYPES, MaterialType } from '@app/contracts';
import { IsKnownBranch, PageQuery } from '@app/platform';

/** `?status=A,B` or `?status=A&status=B`. */
export const toList = ({ value }: { value: unknown }): unknown =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);

export const toBoolean = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

export class ItemSearchQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ITEM_STATUSES, isArray: true, description: 'one or more statuses, comma-separated' })
  @IsOptional()
  @Transform(toList)
  @IsIn(ITEM_STATUSES, { each: true })
  status?: ItemStatus[];

  @ApiPropertyOptional({ description: "defaults to the caller's branches" })
  @IsOptional()
  @IsKnownBranch()
  branch?: string;

  @ApiPropertyOptional() @IsOptional() @IsLibraryBarcode() barcode?: string;

  @ApiPropertyOptional({ description: 'ISBN-10 or ISBN-13, hyphens allowed' }) @IsOptional() @IsIsbn() isbn?: string;

  @ApiPropertyOptional() @IsOptional() @IsIssn() issn?: string;

  @ApiPropertyOptional({ description: 'case-insensitive substring of the title' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ description: 'call number prefix, e.g. QA76' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  callNumber?: string;

  @ApiPropertyOptional({ enum: MATERIAL_TYPES }) @IsOptional() @IsIn(MATERIAL_TYPES) materialType?: MaterialType;

  @ApiPropertyOptional({ description: 'also list WITHDRAWN, SOLD and DISPOSED items', default: false })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeWithdrawn?: boolean;
}
