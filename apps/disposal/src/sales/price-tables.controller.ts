import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { PriceTablesService, PriceTableView } from './price-tables.service';
import { PutPriceTableDto } from './sales.dto';

@ApiTags('sales')
@ApiBearerAuth()
@Controller('price-table')
export class PriceTablesController {
  constructor(private readonly prices: PriceTablesService) {}

  @Put(':branch')
  @Roles(Role.Librarian)
  @ApiOperation({ summary: "Set a branch's asking price per condition grade (and its currency)" })
  put(@Param('branch') branch: string, @Body() body: PutPriceTableDto, @CurrentUser() user: AuthenticatedUser): Promise<PriceTableView> {
    return this.prices.put(branch, body, user);
  }

  @Get(':branch')
  @ApiOperation({ summary: "A branch's asking prices (the defaults until set)" })
  get(@Param('branch') branch: string, @CurrentUser() user: AuthenticatedUser): Promise<PriceTableView> {
    return this.prices.get(branch, user);
  }
}
