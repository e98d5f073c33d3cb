import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser } from '@app/auth';
import { Page } from '@app/platform';
import { ItemHistoryEntryView } from './item-history.view';
import { ItemSearchQuery } from './item-search.query';
import { ItemView } from './item.view';
import { ItemsService } from './items.service';

const BARCODE_PARAM = { name: 'barcode', description: 'the item barcode, or its id (electronic resources have no barcode)' };

/** Lookups for any staff of the item's branch. */
@ApiTags('items')
@ApiBearerAuth()
@Controller('items')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get()
  @ApiOperation({ summary: "Search items (withdrawn, sold and disposed ones only when asked); defaults to the caller's branches" })
  search(@Query() query: ItemSearchQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<ItemView>> {
    return this.items.search(query, user);
  }

  @Get(':barcode')
  @ApiParam(BARCODE_PARAM)
  @ApiOperation({ summary: 'One item: status, call number, location, record, circulation facts' })
  @ApiOkResponse({ type: ItemView })
  get(@Param('barcode') barcode: string, @CurrentUser() user: AuthenticatedUser): Promise<ItemView> {
    return this.items.view(barcode, user);
  }

  @Get(':barcode/history')
  @ApiParam(BARCODE_PARAM)
  @ApiOperation({ summary: "Every status change of the item, by version: from, to, when, who, why and the causing event" })
  @ApiOkResponse({ type: [ItemHistoryEntryView] })
  history(@Param('barcode') barcode: string, @CurrentUser() user: AuthenticatedUser): Promise<ItemHistoryEntryView[]> {
    return this.items.history(barcode, user);
  }
}
