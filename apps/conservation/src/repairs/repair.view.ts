import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REPAIR_OUTCOMES, RepairOutcome } from '@app/contracts';
import { PullRequestItemView } from '../pulls/pull-request.view';
import { REPAIR_STATUSES, RepairStatus, TREATMENTS, Treatment } from './repair.entity';

export class RepairView {
  @ApiProperty() id!: string;
  @ApiProperty() pullRequestId!: string;
  @ApiProperty() itemId!: string;
  @ApiProperty() barcode!: string;
  @ApiProperty() branch!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) damage!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ enum: REPAIR_STATUSES }) status!: RepairStatus;
  @ApiProperty() openedAt!: string;
  @ApiProperty() openedBy!: string;
  @ApiPropertyOptional({ enum: TREATMENTS, nullable: true }) treatment!: Treatment | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) minutes!: number | null;
  @ApiPropertyOptional({ enum: REPAIR_OUTCOMES, nullable: true }) outcome!: RepairOutcome | null;
  @ApiPropertyOptional({ type: String, nullable: true }) completionNote!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) completedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) completedBy!: string | null;
  @ApiProperty({ type: PullRequestItemView }) item!: PullRequestItemView;
}
