import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles } from '@app/auth';
import { ItemStatus, OUT_OF_COLLECTION_STATUSES } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { ItemStatusConflictError, ItemLifecycle } from '../items/item-lifecycle.service';
import { ItemView } from '../items/item.view';
import { ItemsService } from '../items/items.service';
import { RecordConditionsDto } from './record-conditions.dto';

/** Withdrawn items, on sale or not, are no longer weeded: their MUSTIE factors no longer matter. */
const NO_CONDITION_STATUSES: readonly ItemStatus[] = [...OUT_OF_COLLECTION_STATUSES, ItemStatus.LISTED_FOR_SALE];

/** MUSTIE factors recorded on items: weeding rules (disposal) read them from cataloging's item events. */
@ApiTags('items')
@ApiBearerAuth()
@Controller('items')
export class ConditionsController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly items: ItemsService,
    private readonly lifecycle: ItemLifecycle,
  ) {}

  @Put(':barcode/conditions')
  @Roles('technician')
  @ApiOperation({ summary: 'Record the CREW/MUSTIE conditions of an item (misleading, worn, superseded, trivial, irrelevant, elsewhere)' })
  @ApiOkResponse({ type: ItemView })
  async record(@Param('barcode') barcode: string, @Body() body: RecordConditionsDto, @CurrentUser() user: AuthenticatedUser): Promise<ItemView> {
    const id = await this.uow.run(async (tx) => {
      const item = await this.items.lockForUser(tx, barcode, user);
      if (NO_CONDITION_STATUSES.includes(item.status)) throw new ItemStatusConflictError(item, 'it is out of the collection');
      const conditions = [...body.conditions].sort();
      const unchanged = conditions.length === item.conditions.length && conditions.every((c, i) => c === [...item.conditions].sort()[i]);
      if (!unchanged) await this.lifecycle.amend(tx, item, { conditions }, ['conditions']);
      return item.id;
    });
    return this.items.view(id, user);
  }
}
