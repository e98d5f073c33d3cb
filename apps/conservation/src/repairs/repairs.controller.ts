import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { Page } from '@app/platform';
import { idParam } from '../common/id-param';
import { CompleteRepairDto } from './complete-repair.dto';
import { ListRepairsQuery } from './list-repairs.query';
import { RepairView } from './repair.view';
import { RepairsService } from './repairs.service';

const repairId = idParam('repair');

@ApiTags('repairs')
@ApiBearerAuth()
@Controller('repairs')
export class RepairsController {
  constructor(private readonly repairs: RepairsService) {}

  @Get()
  @ApiOperation({ summary: 'Repair work orders, oldest first' })
  list(@Query() query: ListRepairsQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<RepairView>> {
    return this.repairs.list(query, user);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One repair work order' })
  @ApiOkResponse({ type: RepairView })
  get(@Param('id', repairId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<RepairView> {
    return this.repairs.get(id, user);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'End a repair: repaired (SHELF_READY), bindery (AWAITING_BINDERY) or condemned (withdrawn)' })
  @ApiOkResponse({ type: RepairView })
  complete(@Param('id', repairId) id: string, @Body() body: CompleteRepairDto, @CurrentUser() user: AuthenticatedUser): Promise<RepairView> {
    return this.repairs.complete(id, body, user);
  }
}
