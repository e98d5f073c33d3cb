import { BadRequestException, Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser } from '@app/auth';
import { Page } from '@app/platform';
import { RecordSearchQuery } from './record-search.query';
import { RecordDetailView, RecordView } from './record.view';
import { RecordsService } from './records.service';

@ApiTags('records')
@ApiBearerAuth()
@Controller('records')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  @Get()
  @ApiOperation({ summary: "Bibliographic records by ISBN, ISSN or title, with item counts per status in the caller's branches" })
  search(@Query() query: RecordSearchQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<RecordView>> {
    return this.records.search(query, user);
  }

  @Get(':id')
  @ApiOperation({ summary: "A record with its items in the caller's branches" })
  @ApiOkResponse({ type: RecordDetailView })
  get(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('id: must be a record id (uuid)') })) id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<RecordDetailView> {
    return this.records.get(id, user);
  }
}

