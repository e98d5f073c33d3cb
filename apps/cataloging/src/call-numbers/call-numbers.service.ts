import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { CallNumber, CallNumberAssigned, ItemStatus, OUT_OF_COLLECTION_STATUSES } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { Page, toPage } from '@app/platform';
import { SqlConditions } from '../common/sql-conditions';
import { ItemLifecycle, ItemStatusConflictError } from '../items/item-lifecycle.service';
import { ITEM_ROW_FROM, ItemRow, ItemView, toItemView } from '../items/item.view';
import { ItemsService } from '../items/items.service';
import { statusAfterCallNumber } from '../items/processing-flow';
import { AssignCallNumberDto } from './assign-call-number.dto';
import { CallNumberQueueQuery } from './call-number-queue.query';

/** Items out of the collection have nothing to label. */
const NO_CALL_NUMBER_STATUSES: readonly ItemStatus[] = [...OUT_OF_COLLECTION_STATUSES, ItemStatus.LISTED_FOR_SALE];

/** The catalogers' work: the queue of items without a call number, and assigning one. */
@Injectable()
export class CallNumbersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly items: ItemsService,
    private readonly lifecycle: ItemLifecycle,
  ) {}

  /** Items awaiting a call number, oldest received first (the order is stable across pages). */
  async queue(query: CallNumberQueueQuery, user: AuthenticatedUser): Promise<Page<ItemView>> {
    const sql = new SqlConditions();
    sql.and(`i.status = ${sql.param(ItemStatus.AWAITING_CALL_NUMBER)}`);
    if (query.branch) {
      user.assertBranch(query.branch);
      sql.and(`i.branch = ${sql.param(query.branch)}`);
    } else {
      const branches = user.branchFilter();
      if (branches) sql.and(`i.branch = ANY(${sql.param(branches)})`);
    }
    const from = `${ITEM_ROW_FROM} ${sql.where}`;
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `${from} ORDER BY i.received_at, i.created_at, i.id LIMIT ${sql.param(query.limit)} OFFSET ${sql.param(query.offset)}`,
        sql.params,
      ) as Promise<ItemRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS total FROM (${from}) queued`, sql.params.slice(0, -2)) as Promise<{ total: number }[]>,
    ]);
    return toPage(rows.map(toItemView), query, total);
  }

  /**
   * Stores the call number and its shelf key. An item awaiting one moves on (to processing, or to
   * the shelvers when processing is already done); any other item keeps its status — this is a
   * correction. Emits `cataloging.call-number.assigned`, which unlocks the spine label at intake.
   */
  async assign(barcodeOrId: string, dto: AssignCallNumberDto, user: AuthenticatedUser): Promise<ItemView> {
    // The DTO validated it already; parsing again yields the normalised value and the shelf key.
    const callNumber = CallNumber.parse(dto.callNumber, dto.scheme);
    return this.uow.run(async (tx) => {
      const item = await this.items.lockForUser(tx, barcodeOrId, user);
      if (NO_CALL_NUMBER_STATUSES.includes(item.status)) {
        throw new ItemStatusConflictError(item, 'an item out of the collection takes no call number');
      }
      const changes = { callNumber: callNumber.value, callNumberScheme: callNumber.scheme, shelfKey: callNumber.sortKey };
      if (item.status === ItemStatus.AWAITING_CALL_NUMBER) {
        await this.lifecycle.transition(tx, item, statusAfterCallNumber(item.processingComplete), {
          actor: user.id,
          reason: `call number ${callNumber.value} (${callNumber.scheme}) assigned`,
          set: changes,
        });
      } else {
        await this.lifecycle.amend(tx, item, changes, ['call-number']);
      }
      tx.publish(
        CallNumberAssigned,
        {
          itemId: item.id,
          barcode: item.barcode,
          branch: item.branch,
          callNumber: callNumber.value,
          scheme: callNumber.scheme,
          shelfKey: callNumber.sortKey,
          assignedBy: user.id,
        },
        { branch: item.branch },
      );
      return this.items.view(item.id, user, tx.manager);
    });
  }
}
