import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min,
  registerDecorator, ValidateIf, ValidateNested, ValidationArguments,
} from 'class-validator';
import {
  Barcode, CALL_NUMBER_SCHEMES, CallNumberScheme, IsCallNumber, IsIsbn, IsIssn, MATERIAL_TYPES, MaterialType, PROCESSING_STEP_PATTERN,
  SECURITY_TAG_TYPES, SecurityTagType,
} from '@app/contracts';
import { IsKnownBranch } from '@app/platform';

/** Largest shipment taken in one request; a 10,000-line receipt must fit with room to spare. */
export const MAX_SHIPMENT_LINES = 20_000;

const isElectronic = (object: object) => (object as { materialType?: unknown }).materialType === 'e-resource';

function fieldRule(name: string, validate: (value: unknown, args: ValidationArguments) => boolean, message: (args: ValidationArguments) => string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      validator: { validate, defaultMessage: message },
    });
}

/**
 * A physical item needs its barcode (the technician scans a label when the vendor applied none);
 * an electronic resource has none, so a barcode on one is a mistake in the file, not something to drop.
 */
function IsBarcodeForMaterial(): PropertyDecorator {
  return fieldRule(
    'isBarcodeForMaterial',
    (value, args) => (isElectronic(args.object) ? value == null : Barcode.isValid(value)),
    (args) => {
      if (isElectronic(args.object)) return 'barcode must be absent: an e-resource has no barcode';
      if (args.value == null) return 'barcode is required for a physical item (scan a label if the vendor applied none)';
      try {
        Barcode.parse(args.value as string);
        return 'barcode is not valid';
      } catch (error) {
        const problem = (error as Error).message;
        return problem.startsWith('barcode ') ? problem : `barcode ${problem}`;
      }
    },
  );
}

/** Vendor processing applies to physical items only. */
function PhysicalOnly(): PropertyDecorator {
  return fieldRule('physicalOnly', (value, args) => value == null || !isElectronic(args.object), (args) => `${args.property} must be absent: an e-resource has no physical processing`);
}

/** A qualifier that means nothing without the field it qualifies. */
function OnlyWith(sibling: string): PropertyDecorator {
  return fieldRule(
    'onlyWith',
    (value, args) => value == null || (args.object as Record<string, unknown>)[sibling] != null,
    (args) => `${args.property} is given without ${sibling}`,
  );
}

/** A spine label shows the call number: the vendor cannot have applied one without it. */
function SpineLabelNeedsCallNumber(): PropertyDecorator {
  return fieldRule(
    'spineLabelNeedsCallNumber',
    (value, args) => !Array.isArray(value) || !value.includes('spine-label') || (args.object as { callNumber?: unknown }).callNumber != null,
    () => 'preApplied includes spine-label, which needs the callNumber it shows',
  );
}

export class ShipmentItemDto {
  @ApiProperty({ enum: MATERIAL_TYPES })
  @IsIn(MATERIAL_TYPES)
  materialType!: MaterialType;

  @ApiProperty({ maxLength: 500 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title!: string;

  @ApiPropertyOptional({ description: 'Required for physical items (14-digit Codabar); an e-resource has none.', example: '31234000000017' })
  @IsBarcodeForMaterial()
  barcode?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  creators?: string[];

  @ApiPropertyOptional({ description: 'ISBN-10 or ISBN-13, hyphens allowed; stored as 13 digits.' })
  @IsOptional()
  @IsIsbn()
  isbn?: string | null;

  @ApiPropertyOptional({ example: '0317-8471' })
  @IsOptional()
  @IsIssn()
  issn?: string | null;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  publisher?: string | null;

  @ApiPropertyOptional({ minimum: 1000, maximum: 3000 })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(3000)
  publicationYear?: number | null;

  @ApiPropertyOptional({ description: 'A vendor-applied call number: the item arrives pre-labelled (spine label done).', example: 'QA76.73.J38 S55 2010' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @IsCallNumber('callNumberScheme')
  callNumber?: string | null;

  @ApiPropertyOptional({ enum: CALL_NUMBER_SCHEMES, description: 'Required with callNumber.' })
  @ValidateIf((item: ShipmentItemDto) => item.callNumber != null || item.callNumberScheme != null)
  @IsIn(CALL_NUMBER_SCHEMES, { message: `callNumberScheme must be one of ${CALL_NUMBER_SCHEMES.join(', ')} (a call number needs its scheme)` })
  @OnlyWith('callNumber')
  callNumberScheme?: CallNumberScheme | null;

  @ApiPropertyOptional({ enum: SECURITY_TAG_TYPES, description: 'The security tag the vendor applied, if any (security-tag counts as done).' })
  @IsOptional()
  @IsIn(SECURITY_TAG_TYPES)
  @PhysicalOnly()
  securityTag?: SecurityTagType | null;

  @ApiPropertyOptional({ type: [String], description: 'Other processing steps the vendor did, e.g. cover.', example: ['cover'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique({ message: 'preApplied must not repeat a step' })
  @Matches(PROCESSING_STEP_PATTERN, { each: true, message: 'preApplied must hold step names such as cover or stamp' })
  @PhysicalOnly()
  @SpineLabelNeedsCallNumber()
  preApplied?: string[];

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  collection?: string | null;

  @ApiPropertyOptional({ description: 'Decimal string', example: '24.95' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,9}(\.\d{1,2})?$/, { message: 'price must be a decimal string such as 24.95' })
  price?: string | null;

  @ApiPropertyOptional({ description: 'ISO 4217; defaults to the deployment currency', example: 'USD' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as USD' })
  @OnlyWith('price')
  currency?: string | null;
}

export class ReceiveShipmentDto {
  @ApiProperty({ maxLength: 200, example: 'Midwest Library Service' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  supplier!: string;

  @ApiProperty({ description: 'The owning branch', example: 'CEN' })
  @IsString()
  @IsKnownBranch()
  branch!: string;

  @ApiProperty({ type: [ShipmentItemDto], description: `1 to ${MAX_SHIPMENT_LINES} lines; errors name them as items[N]` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SHIPMENT_LINES)
  @ValidateNested({ each: true })
  @Type(() => ShipmentItemDto)
  items!: ShipmentItemDto[];
}
