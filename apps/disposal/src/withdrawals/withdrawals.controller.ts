import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { Page } from '@app/platform';
import { uuidParam } from '../common/uuid-param';
import { ListWithdrawalsQuery, WithdrawItemDto } from './withdraw-item.dto';
import { WithdrawalsService, WithdrawalView } from './withdrawals.service';

@ApiTags('withdrawals')
@ApiBearerAuth()
@Controller('withdrawals')
export class WithdrawalsController {
  constructor(private readonly withdrawals: WithdrawalsService) {}

  @Post()
  @Roles(Role.Librarian)
  @ApiOperation({ summary: 'Withdraw an item from the collection, with a reason (publishes disposal.item.withdrawn)' })
  withdraw(@Body() body: WithdrawItemDto, @CurrentUser() user: AuthenticatedUser): Promise<WithdrawalView> {
    return this.withdrawals.withdraw(body, user);
  }

  @Get()
  @ApiOperation({ summary: 'Withdrawals, newest first, by branch, reason and period' })
  list(@Query() query: ListWithdrawalsQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<WithdrawalView>> {
    return this.withdrawals.list(query, user);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One withdrawal, with where the item went next' })
  get(@Param('id', uuidParam('withdrawal')) id: string, @CurrentUser() user: AuthenticatedUser): Promise<WithdrawalView> {
    return this.withdrawals.get(id, user);
  }
}
