import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser } from '@app/auth';
import { Page } from '@app/platform';
import { IntakeItemView } from './item-view';
import { ItemsService } from './items.service';
import { ListItemsQuery } from './list-items.query';

@ApiTags('items')
@ApiBearerAuth()
@Controller('items')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get()
  @ApiOperation({ summary: 'Items received at intake, oldest first, with done and pending steps' })
  list(@Query() query: ListItemsQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<IntakeItemView>> {
    return this.items.list(query, user);
  }

  @Get(':barcode')
  @ApiOperation({ summary: 'One item by barcode (or id, for electronic resources)' })
  get(@Param('barcode') barcode: string, @CurrentUser() user: AuthenticatedUser): Promise<IntakeItemView> {
    return this.items.get(barcode, user);
  }
}
