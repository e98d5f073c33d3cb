import { ApiProperty } from '@nestjs/swagger';
import { ItemStatus } from '@app/contracts';
import { ItemView, RecordSummaryView } from '../items/item.view';

export class ItemCountsView {
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'items per status, only statuses that occur', example: { AVAILABLE: 2, IN_PROCESS: 1 } })
  byStatus!: Partial<Record<ItemStatus, number>>;
}

export class RecordView extends RecordSummaryView {
  @ApiProperty({ type: ItemCountsView, description: "counted in the caller's branches" }) itemCounts!: ItemCountsView;
}

export class RecordDetailView extends RecordView {
  @ApiProperty({ type: [ItemView], description: "the record's items in the caller's branches" }) items!: ItemView[];
}
