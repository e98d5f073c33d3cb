import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';
import { IsLibraryBarcode, ITEM_STATUSES, ItemStatus } from '@app/contracts';

export class ShelveCartDto {
  @ApiProperty({ type: [String], description: 'the barcodes on the cart', maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsLibraryBarcode({ each: true })
  barcodes!: string[];
}

export class ShelveResultView {
  @ApiProperty() barcode!: string;
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional({ enum: ITEM_STATUSES, description: 'the item status after the attempt (absent when the item is unknown)' })
  status?: ItemStatus;
  @ApiPropertyOptional({ description: 'why the item was not shelved' }) error?: string;
}

export class ShelveCartResultView {
  @ApiProperty({ type: [ShelveResultView] }) results!: ShelveResultView[];
}
