import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MATERIAL_TYPES, MaterialType } from '@app/contracts';
import { CallNumberView } from '../items/item.view';

/** One line of a shelving list: what a shelver needs to find the spot and the book. */
export class ShelvingEntryView {
  @ApiProperty() id!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) barcode!: string | null;
  @ApiPropertyOptional({ type: CallNumberView, nullable: true }) callNumber!: CallNumberView | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'the collection to shelve it in' }) location!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) creators!: string[];
  @ApiProperty({ enum: MATERIAL_TYPES }) materialType!: MaterialType;
  @ApiProperty({ description: 'when it became SHELF_READY' }) shelfReadyAt!: string;
}
