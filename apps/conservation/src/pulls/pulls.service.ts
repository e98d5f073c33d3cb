import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { Barcode, CallNumberScheme, ItemPulled, ON_SHELF_STATUSES, PullNotFound } from '@app/contracts';
import { Transaction, UnitOfWork } from '@app/messaging';
import { Page, toPage } from '@app/platform';
import { isUniqueViolation } from '../common/database-errors';
import { iso, SHELF_ORDER, toCallNumberView } from '../common/views';
import { ItemView } from '../item-view/item-view.entity';
import { ItemStatusConflict, ItemViewService } from '../item-view/item-view.service';
import { Repair } from '../repairs/repair.entity';
import { RepairsService } from '../repairs/repairs.service';
import { CreatePullRequestDto } from './create-pull-request.dto';
import { PullListQuery } from './pull-list.query';
import { PullRequest, PullRequestStatus } from './pull-request.entity';
import { PullListEntryView, PullRequestView } from './pull-request.view';

interface PullListRow {
  id: string;
  item_id: string;
  barcode: string;
  call_number: string | null;
  call_number_scheme: CallNumberScheme | null;
  collection: string | null;
  title: string;
  reason: PullRequest['reason'];
  damage: PullRequest['damage'];
  note: string | null;
  requested_at: Date;
  requested_by: string;
}

const ON_SHELF = ON_SHELF_STATUSES.join(' or ');

/** Pull requests and the per-branch pull list, and what a technician finds on the shelf. */
@Injectable()
export class PullsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly items: ItemViewService,
    private readonly repairs: RepairsService,
  ) {}

  /**
   * Asks for an item to be pulled. Only an item on the shelf can be (409 naming its status), once at
   * a time (409 naming the open request), and not again before the catalog recorded the last pull.
   */
  async request(dto: CreatePullRequestDto, user: AuthenticatedUser): Promise<PullRequestView> {
    const barcode = Barcode.parse(dto.barcode).value;
    try {
      return await this.uow.run(async (tx) => {
        const item = await this.items.lockByBarcode(tx.manager, barcode, user);
        if (!ON_SHELF_STATUSES.includes(item.status)) throw new ItemStatusConflict(item, `only an item on the shelf (${ON_SHELF}) can be pulled`);
        await this.refuseOpenRequest(tx.manager, item);
        await this.refuseUnrecordedPull(tx.manager, item);
        const request = tx.manager.create(PullRequest, {
          id: randomUUID(),
          itemId: item.id,
          barcode: item.barcode!,
          branch: item.branch,
          reason: dto.reason,
          damage: dto.damage ?? null,
          note: dto.note ?? null,
          status: 'open',
          requestedBy: user.id,
          requestedAt: new Date(),
          closedBy: null,
          closedAt: null,
          itemVersionAtClose: null,
        });
        await tx.manager.insert(PullRequest, request);
        return this.view(request, item, null);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'pull_request_one_open')) throw new ConflictException(`item ${barcode} already has an open pull request`);
      throw error;
    }
  }

  async get(id: string, user: AuthenticatedUser): Promise<PullRequestView> {
    const request = await this.dataSource.manager.findOne(PullRequest, { where: { id } });
    if (!request || !user.canActForBranch(request.branch)) throw new NotFoundException(`pull request ${id} not found`);
    return this.viewOf(this.dataSource.manager, request);
  }

  /**
   * The list a technician walks the stacks with: open requests of one branch in shelf order, with
   * location and call number. Ties are broken by barcode and request id, so pages never overlap.
   */
  async pullList(query: PullListQuery, user: AuthenticatedUser): Promise<Page<PullListEntryView>> {
    user.assertBranch(query.branch);
    const params: unknown[] = [query.branch, query.reason ?? null];
    const where = `p.status = 'open' AND p.branch = $1 AND ($2::text IS NULL OR p.reason = $2)`;
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `SELECT p.id, p.item_id, p.barcode, i.call_number, i.call_number_scheme, i.collection, i.title, p.reason, p.damage, p.note,
                p.requested_at, p.requested_by
           FROM pull_request p JOIN item_view i ON i.id = p.item_id
          WHERE ${where}
          ORDER BY ${SHELF_ORDER}, p.id
          LIMIT $3 OFFSET $4`,
        [...params, query.limit, query.offset],
      ) as Promise<PullListRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS total FROM pull_request p WHERE ${where}`, params) as Promise<{ total: number }[]>,
    ]);
    return toPage(
      rows.map((row) => ({
        id: row.id,
        itemId: row.item_id,
        barcode: row.barcode,
        callNumber: toCallNumberView(row.call_number, row.call_number_scheme),
        location: row.collection,
        title: row.title,
        reason: row.reason,
        damage: row.damage,
        note: row.note,
        requestedAt: row.requested_at.toISOString(),
        requestedBy: row.requested_by,
      })),
      query,
      total,
    );
  }

  /**
   * The item is off the shelf: `conservation.item.pulled` (the catalog makes it IN_REPAIR or
   * AWAITING_BINDERY) and, for a repair, its work order, in one transaction.
   */
  async markPulled(id: string, user: AuthenticatedUser): Promise<PullRequestView> {
    return this.uow.run(async (tx) => {
      const { request, item } = await this.lockOpen(tx, id, user, 'pulled');
      const now = this.close(request, item, 'pulled', user);
      await this.saveClosed(tx.manager, request);
      tx.publish(
        ItemPulled,
        { itemId: item.id, barcode: request.barcode, branch: request.branch, pullRequestId: request.id, reason: request.reason, pulledBy: user.id },
        { branch: request.branch },
      );
      const repair = request.reason === 'repair' ? await this.repairs.openForPull(tx, request, user.id, now) : null;
      return this.view(request, item, repair?.id ?? null);
    });
  }

  /** Nothing on the shelf: `conservation.item.not-found` (the catalog makes the item MISSING). */
  async markNotFound(id: string, user: AuthenticatedUser): Promise<PullRequestView> {
    return this.uow.run(async (tx) => {
      const { request, item } = await this.lockOpen(tx, id, user, 'not-found');
      this.close(request, item, 'not-found', user);
      await this.saveClosed(tx.manager, request);
      tx.publish(
        PullNotFound,
        { itemId: item.id, barcode: request.barcode, branch: request.branch, pullRequestId: request.id, reportedBy: user.id },
        { branch: request.branch },
      );
      return this.view(request, item, null);
    });
  }

  async cancel(id: string, user: AuthenticatedUser): Promise<PullRequestView> {
    return this.uow.run(async (tx) => {
      const request = await this.lockRequest(tx.manager, id, user);
      if (request.status !== 'open') throw new ConflictException(`pull request ${id} is ${request.status}; only an open request can be cancelled`);
      const item = await this.items.lockById(tx.manager, request.itemId);
      this.close(request, item, 'cancelled', user);
      await this.saveClosed(tx.manager, request);
      return this.view(request, item, null);
    });
  }

  private async lockRequest(manager: EntityManager, id: string, user: AuthenticatedUser): Promise<PullRequest> {
    const request = await manager.findOne(PullRequest, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!request || !user.canActForBranch(request.branch)) throw new NotFoundException(`pull request ${id} not found`);
    return request;
  }

  /**
   * An open request whose item is still on the shelf as far as the catalog knows: an item withdrawn
   * or checked into repair since the request cannot be pulled by it (cancel the request instead).
   */
  private async lockOpen(tx: Transaction, id: string, user: AuthenticatedUser, outcome: string): Promise<{ request: PullRequest; item: ItemView }> {
    const request = await this.lockRequest(tx.manager, id, user);
    if (request.status !== 'open') throw new ConflictException(`pull request ${id} is ${request.status}; only an open request can be marked ${outcome}`);
    const item = await this.items.lockById(tx.manager, request.itemId);
    if (!ON_SHELF_STATUSES.includes(item.status)) {
      throw new ItemStatusConflict(item, `it is no longer on the shelf (${ON_SHELF}), so it cannot be marked ${outcome}; cancel pull request ${id}`);
    }
    return { request, item };
  }

  private close(request: PullRequest, item: ItemView, status: PullRequestStatus, user: AuthenticatedUser): Date {
    const now = new Date();
    request.status = status;
    request.closedBy = user.id;
    request.closedAt = now;
    request.itemVersionAtClose = item.version;
    return now;
  }

  private async saveClosed(manager: EntityManager, request: PullRequest): Promise<void> {
    await manager.update(PullRequest, { id: request.id }, {
      status: request.status,
      closedBy: request.closedBy,
      closedAt: request.closedAt,
      itemVersionAtClose: request.itemVersionAtClose,
    });
  }

  private async refuseOpenRequest(manager: EntityManager, item: ItemView): Promise<void> {
    const open = await manager.findOne(PullRequest, { where: { itemId: item.id, status: 'open' } });
    if (open) {
      throw new ConflictException(
        `item ${item.barcode} already has an open pull request ${open.id} (${open.reason}, requested by ${open.requestedBy} at ${open.requestedAt.toISOString()})`,
      );
    }
  }

  /**
   * The catalog answers a pull with a new status (and version) moments later; until it has, our view
   * still shows the item on the shelf, and a second request would pull it twice.
   */
  private async refuseUnrecordedPull(manager: EntityManager, item: ItemView): Promise<void> {
    const [last] = (await manager.query(
      `SELECT id, status FROM pull_request
        WHERE item_id = $1 AND status IN ('pulled', 'not-found') AND item_version_at_close >= $2
        ORDER BY closed_at DESC LIMIT 1`,
      [item.id, item.version],
    )) as { id: string; status: PullRequestStatus }[];
    if (last) {
      throw new ConflictException(`item ${item.barcode} was just marked ${last.status} by pull request ${last.id}; the catalog has not recorded it yet`);
    }
  }

  private async viewOf(manager: EntityManager, request: PullRequest): Promise<PullRequestView> {
    const item = await manager.findOneOrFail(ItemView, { where: { id: request.itemId } });
    const repair = await manager.findOne(Repair, { where: { pullRequestId: request.id }, select: { id: true } });
    return this.view(request, item, repair?.id ?? null);
  }

  private view(request: PullRequest, item: ItemView, repairId: string | null): PullRequestView {
    return {
      id: request.id,
      itemId: request.itemId,
      barcode: request.barcode,
      branch: request.branch,
      reason: request.reason,
      damage: request.damage,
      note: request.note,
      status: request.status,
      requestedAt: request.requestedAt.toISOString(),
      requestedBy: request.requestedBy,
      closedAt: iso(request.closedAt),
      closedBy: request.closedBy,
      repairId,
      item: { title: item.title, callNumber: toCallNumberView(item.callNumber, item.callNumberScheme), location: item.collection, status: item.status },
    };
  }
}
