import { ApiProperty } from '@nestjs/swagger';
import { IsKnownBranch, PageQuery } from '@app/platform';

export class ShelvingListQuery extends PageQuery {
  @ApiProperty({ description: 'the branch whose shelf-ready items to list' })
  @IsKnownBranch()
  branch!: string;
}
