import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { Page } from '@app/platform';
import { ItemView } from '../items/item.view';
import { ShelveCartDto, ShelveCartResultView } from './shelve-cart.dto';
import { ShelvingEntryView } from './shelving-entry.view';
import { ShelvingListQuery } from './shelving-list.query';
import { ShelvingService } from './shelving.service';

@ApiTags('shelving')
@ApiBearerAuth()
@Controller()
export class ShelvingController {
  constructor(private readonly shelving: ShelvingService) {}

  @Get('shelving-list')
  @ApiOperation({ summary: "The branch's shelf-ready items in shelf order (call-number order), with location and call number" })
  list(@Query() query: ShelvingListQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<ShelvingEntryView>> {
    return this.shelving.list(query, user);
  }

  @Post('items/shelve')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'Shelve a cart of items; answers per item' })
  @ApiOkResponse({ type: ShelveCartResultView })
  async shelveCart(@Body() body: ShelveCartDto, @CurrentUser() user: AuthenticatedUser): Promise<ShelveCartResultView> {
    return { results: await this.shelving.shelveCart(body.barcodes, user) };
  }

  @Post('items/:barcode/shelve')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiParam({ name: 'barcode', description: 'the item barcode, or its id' })
  @ApiOperation({ summary: 'A shelver confirms the item is on the shelf: SHELF_READY → AVAILABLE' })
  @ApiCreatedResponse({ type: ItemView })
  shelve(@Param('barcode') barcode: string, @CurrentUser() user: AuthenticatedUser): Promise<ItemView> {
    return this.shelving.shelve(barcode, user);
  }
}
