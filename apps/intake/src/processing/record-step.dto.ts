import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches, MaxLength } from 'class-validator';
import { PROCESSING_STEP_PATTERN } from '@app/contracts';

/** Largest cart recorded in one request. */
export const MAX_CART_ITEMS = 1000;

export class RecordStepDto {
  @ApiProperty({ example: 'cover' })
  @IsString()
  @Matches(PROCESSING_STEP_PATTERN, { message: 'step must be a step name such as cover or stamp' })
  step!: string;
}

export class RecordCartStepDto extends RecordStepDto {
  @ApiProperty({ type: [String], description: `1 to ${MAX_CART_ITEMS} barcodes (or item ids)`, example: ['31234000000017'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CART_ITEMS)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  barcodes!: string[];
}
