import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested,
} from 'class-validator';
import { IsLibraryBarcode } from '@app/contracts';
import { IsKnownBranch, PageQuery } from '@app/platform';
import { SHIPMENT_STATUSES, ShipmentStatus } from './bindery-shipment.entity';

/** Z39.78 products and leaf-attachment methods (reference: library binding, ABLE, binding slips). */
export const BINDING_STYLES = ['buckram', 'c-cloth', 'imitation-leather', 'leather', 'pamphlet', 'economy'] as const;
export const LEAF_ATTACHMENTS = ['recase', 'sew-through-fold', 'double-fan-adhesive', 'oversew'] as const;

/** Most items a single request adds to a lot; lots of a few hundred volumes are common. */
export const MAX_ITEMS_PER_REQUEST = 500;

export class CreateShipmentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  vendorId!: string;

  @ApiProperty({ example: 'CEN', description: 'the branch whose items go into the lot' })
  @IsString()
  @IsKnownBranch()
  branch!: string;
}

export class ShipmentItemDto {
  @ApiProperty({ example: '31234000000017' })
  @IsLibraryBarcode()
  barcode!: string;

  @ApiProperty({ enum: BINDING_STYLES })
  @IsIn(BINDING_STYLES)
  bindingStyle!: string;

  @ApiProperty({ enum: LEAF_ATTACHMENTS })
  @IsIn(LEAF_ATTACHMENTS)
  leafAttachment!: string;

  @ApiProperty({ example: 'dark blue', maxLength: 40 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  clothColor!: string;

  @ApiProperty({ example: 'gold', maxLength: 40 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  foilColor!: string;

  @ApiProperty({ type: [String], description: 'ordered lines: title, volume, year, call number', example: ['JOURNAL OF TESTS', 'V.12', '2019', 'QA76 .J6'] })
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(60, { each: true })
  spineLettering!: string[];

  @ApiPropertyOptional({ maxLength: 1000, example: 'RUSH; keep covers' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  instructions?: string | null;
}

export class AddShipmentItemsDto {
  @ApiProperty({ type: [ShipmentItemDto], description: `1 to ${MAX_ITEMS_PER_REQUEST} items, each with its binding slip` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ITEMS_PER_REQUEST)
  @ValidateNested({ each: true })
  @Type(() => ShipmentItemDto)
  items!: ShipmentItemDto[];
}

export class ReturnItemsDto {
  @ApiProperty({ type: [String], description: 'barcodes of the items that came back' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsLibraryBarcode({ each: true })
  barcodes!: string[];
}

export class ListShipmentsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Defaults to every branch the caller works for' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  branch?: string;

  @ApiPropertyOptional({ enum: SHIPMENT_STATUSES })
  @IsOptional()
  @IsIn(SHIPMENT_STATUSES)
  status?: ShipmentStatus;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: dispatched lots not fully back whose expected return date has passed' })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';
}
