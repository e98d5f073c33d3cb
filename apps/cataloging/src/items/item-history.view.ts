import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ITEM_STATUSES, ItemStatus } from '@app/contracts';

export class ItemHistoryEntryView {
  @ApiProperty() version!: number;
  @ApiPropertyOptional({ enum: ITEM_STATUSES, nullable: true }) from!: ItemStatus | null;
  @ApiProperty({ enum: ITEM_STATUSES }) to!: ItemStatus;
  @ApiProperty() at!: string;
  @ApiProperty() actor!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ description: 'the event that caused the change' }) eventId!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) correlationId!: string | null;
}
