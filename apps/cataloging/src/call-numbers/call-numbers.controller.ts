import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { Page } from '@app/platform';
import { ItemView } from '../items/item.view';
import { AssignCallNumberDto } from './assign-call-number.dto';
import { CallNumberQueueQuery } from './call-number-queue.query';
import { CallNumbersService } from './call-numbers.service';

@ApiTags('call numbers')
@ApiBearerAuth()
@Controller()
export class CallNumbersController {
  constructor(private readonly callNumbers: CallNumbersService) {}

  @Get('call-number-queue')
  @ApiOperation({ summary: 'Items awaiting a call number, oldest received first' })
  queue(@Query() query: CallNumberQueueQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<ItemView>> {
    return this.callNumbers.queue(query, user);
  }

  @Put('items/:barcode/call-number')
  @Roles(Role.Cataloger)
  @ApiParam({ name: 'barcode', description: 'the item barcode, or its id' })
  @ApiOperation({ summary: 'Assign (or correct) a call number; an item awaiting one moves on to processing or the shelvers' })
  @ApiOkResponse({ type: ItemView })
  assign(@Param('barcode') barcode: string, @Body() body: AssignCallNumberDto, @CurrentUser() user: AuthenticatedUser): Promise<ItemView> {
    return this.callNumbers.assign(barcode, body, user);
  }
}
