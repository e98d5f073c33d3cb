import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ITEM_STATUSES, ItemStatus, PULL_REASONS, PullReason } from '@app/contracts';
import { CallNumberView } from '../common/views';
import { DAMAGE_TYPES, DamageType, PULL_REQUEST_STATUSES, PullRequestStatus } from './pull-request.entity';

/** One line of a pull list: what a technician needs to find the item on the shelf. */
export class PullListEntryView {
  @ApiProperty({ description: 'the pull request id' }) id!: string;
  @ApiProperty() itemId!: string;
  @ApiProperty() barcode!: string;
  @ApiPropertyOptional({ type: CallNumberView, nullable: true }) callNumber!: CallNumberView | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'the collection the item is shelved in' }) location!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: PULL_REASONS }) reason!: PullReason;
  @ApiPropertyOptional({ enum: DAMAGE_TYPES, nullable: true }) damage!: DamageType | null;
  @ApiPropertyOptional({ type: String, nullable: true }) note!: string | null;
  @ApiProperty() requestedAt!: string;
  @ApiProperty() requestedBy!: string;
}

export class PullRequestItemView {
  @ApiProperty() title!: string;
  @ApiPropertyOptional({ type: CallNumberView, nullable: true }) callNumber!: CallNumberView | null;
  @ApiPropertyOptional({ type: String, nullable: true }) location!: string | null;
  @ApiProperty({ enum: ITEM_STATUSES, description: 'the status of record, as cataloging last reported it' }) status!: ItemStatus;
}

export class PullRequestView {
  @ApiProperty() id!: string;
  @ApiProperty() itemId!: string;
  @ApiProperty() barcode!: string;
  @ApiProperty() branch!: string;
  @ApiProperty({ enum: PULL_REASONS }) reason!: PullReason;
  @ApiPropertyOptional({ enum: DAMAGE_TYPES, nullable: true }) damage!: DamageType | null;
  @ApiPropertyOptional({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ enum: PULL_REQUEST_STATUSES }) status!: PullRequestStatus;
  @ApiProperty() requestedAt!: string;
  @ApiProperty() requestedBy!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) closedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) closedBy!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'the repair work order opened when the item was pulled for repair' })
  repairId!: string | null;
  @ApiProperty({ type: PullRequestItemView }) item!: PullRequestItemView;
}
