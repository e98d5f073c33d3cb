import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { canTransition, ItemCondemnedData, ItemStatus, ItemWithdrawn, WithdrawalReason } from '@app/contracts';
import { Transaction, UnitOfWork } from '@app/messaging';
import { BranchRegistry, Page, toPage } from '@app/platform';
import { periodBounds } from '../common/period';
import { ItemView } from '../item-view/item-view.entity';
import { ItemViewService } from '../item-view/item-view.service';
import { ListWithdrawalsQuery, WithdrawItemDto } from './withdraw-item.dto';
import { Withdrawal, WithdrawalSource } from './withdrawal.entity';

/** Where a withdrawn item went next. */
export type Disposition = 'withdrawn' | 'listed' | 'sold' | 'disposed';

export interface WithdrawalView {
  id: string;
  itemId: string;
  barcode: string;
  branch: string;
  title: string | null;
  callNumber: string | null;
  reason: WithdrawalReason;
  source: WithdrawalSource;
  candidateId: string | null;
  repairId: string | null;
  note: string | null;
  withdrawnBy: string;
  withdrawnAt: string;
  disposition: Disposition;
}

export interface WithdrawalInput {
  reason: WithdrawalReason;
  source: WithdrawalSource;
  withdrawnBy: string;
  candidateId?: string;
  repairId?: string;
  note?: string;
}

const S = ItemStatus;
/** In conservation's hands: a repair or bindery job ends first (a condemned repair withdraws the item itself). */
const IN_CONSERVATION: readonly ItemStatus[] = [S.IN_REPAIR, S.AWAITING_BINDERY, S.AT_BINDERY];
const OUT_OF_COLLECTION: readonly ItemStatus[] = [S.WITHDRAWN, S.LISTED_FOR_SALE, S.SOLD, S.DISPOSED];

/** Why the item cannot be withdrawn now (409 naming its status), or null when it can. */
export function withdrawalRefusal(item: Pick<ItemView, 'barcode' | 'itemId' | 'status'>): string | null {
  const name = `item ${item.barcode ?? item.itemId} is ${item.status}`;
  if (IN_CONSERVATION.includes(item.status)) return `${name}; it is with conservation, which must finish with it first (a condemned repair withdraws it)`;
  if (OUT_OF_COLLECTION.includes(item.status)) return `${name}; it has already left the collection`;
  if (!canTransition(item.status, S.WITHDRAWN)) return `${name}; only an item of the collection can be withdrawn`;
  return null;
}

const DISPOSITION_SQL = `
  CASE WHEN EXISTS (SELECT 1 FROM item_disposal d WHERE d.item_id = w.item_id) THEN 'disposed'
       WHEN EXISTS (SELECT 1 FROM listing l WHERE l.item_id = w.item_id AND l.status = 'sold') THEN 'sold'
       WHEN EXISTS (SELECT 1 FROM listing l WHERE l.item_id = w.item_id AND l.status = 'active') THEN 'listed'
       ELSE 'withdrawn' END`;

interface WithdrawalRow {
  id: string;
  item_id: string;
  barcode: string;
  branch: string;
  title: string | null;
  call_number: string | null;
  reason: WithdrawalReason;
  source: WithdrawalSource;
  candidate_id: string | null;
  repair_id: string | null;
  note: string | null;
  withdrawn_by: string;
  withdrawn_at: Date;
  disposition: Disposition;
}

function toView(row: WithdrawalRow): WithdrawalView {
  return {
    id: row.id,
    itemId: row.item_id,
    barcode: row.barcode,
    branch: row.branch,
    title: row.title,
    callNumber: row.call_number,
    reason: row.reason,
    source: row.source,
    candidateId: row.candidate_id,
    repairId: row.repair_id,
    note: row.note,
    withdrawnBy: row.withdrawn_by,
    withdrawnAt: row.withdrawn_at.toISOString(),
    disposition: row.disposition,
  };
}

/**
 * Withdrawals: an item leaves the collection once, with a reason, and `disposal.item.withdrawn`
 * tells cataloging (the system of record) to make it WITHDRAWN. Reached by a librarian, by a
 * weeding pull and by conservation condemning an item; all three share `record`.
 */
@Injectable()
export class WithdrawalsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly items: ItemViewService,
    private readonly branches: BranchRegistry,
  ) {}

  /** `POST /withdrawals`: a librarian withdraws an item of the collection. */
  async withdraw(dto: WithdrawItemDto, user: AuthenticatedUser): Promise<WithdrawalView> {
    const withdrawal = await this.uow.run(async (tx) => {
      const item = await this.items.findForUser(tx.manager, dto.barcode, user, true);
      return this.withdrawItem(tx, item, { reason: dto.reason, source: 'librarian', withdrawnBy: user.id });
    });
    return this.get(withdrawal.id, user);
  }

  /** Withdraws a known item after checking its status; used by the HTTP route and by weeding pulls. */
  async withdrawItem(tx: Transaction, item: ItemView, input: WithdrawalInput): Promise<Withdrawal> {
    const refusal = withdrawalRefusal(item);
    if (refusal) throw new ConflictException(refusal);
    const withdrawal = await this.record(tx, { itemId: item.itemId, barcode: item.barcode!, branch: item.branch, title: item.title, callNumber: item.callNumber }, input);
    if (!withdrawal) {
      const existing = await tx.manager.findOneByOrFail(Withdrawal, { itemId: item.itemId });
      throw new ConflictException(
        `item ${item.barcode} is ${S.WITHDRAWN}: withdrawn ${existing.withdrawnAt.toISOString()} (${existing.reason}) by ${existing.withdrawnBy}`,
      );
    }
    return withdrawal;
  }

  /**
   * Conservation condemned the item: withdraw it as `damaged`. It is usually IN_REPAIR, which a
   * librarian could not withdraw, so no status check; an item already withdrawn (a redelivery, or
   * withdrawn another way) is left as it is. An item this read model has not seen yet is still
   * withdrawn, from what the event says.
   */
  async withdrawCondemned(tx: Transaction, data: ItemCondemnedData): Promise<void> {
    const item = await this.items.byId(tx.manager, data.itemId, true);
    await this.record(
      tx,
      { itemId: data.itemId, barcode: data.barcode, branch: data.branch, title: item?.title ?? null, callNumber: item?.callNumber ?? null },
      { reason: 'damaged', source: 'conservation', withdrawnBy: data.condemnedBy, repairId: data.repairId, note: data.reason },
    );
  }

  /** Inserts the withdrawal and publishes it; null when the item already has one (nothing happens). */
  private async record(
    tx: Transaction,
    item: { itemId: string; barcode: string; branch: string; title: string | null; callNumber: string | null },
    input: WithdrawalInput,
  ): Promise<Withdrawal | null> {
    const withdrawal = Object.assign(new Withdrawal(), {
      id: randomUUID(),
      ...item,
      reason: input.reason,
      source: input.source,
      candidateId: input.candidateId ?? null,
      repairId: input.repairId ?? null,
      note: input.note ?? null,
      withdrawnBy: input.withdrawnBy,
      withdrawnAt: new Date(),
    });
    const inserted = await tx.manager
      .createQueryBuilder()
      .insert()
      .into(Withdrawal)
      .values(withdrawal)
      .orIgnore()
      .returning('id')
      .execute();
    if (inserted.raw.length === 0) return null;
    // The item is leaving: weeding proposals or approvals for it (other than the pull doing this) are moot.
    await tx.manager.query(
      `UPDATE weeding_candidate SET status = 'withdrawn' WHERE item_id = $1 AND status IN ('proposed', 'approved') AND id IS DISTINCT FROM $2`,
      [item.itemId, input.candidateId ?? null],
    );
    tx.publish(
      ItemWithdrawn,
      { itemId: item.itemId, barcode: item.barcode, branch: item.branch, withdrawalId: withdrawal.id, reason: input.reason, withdrawnBy: input.withdrawnBy },
      { branch: item.branch },
    );
    return withdrawal;
  }

  async get(id: string, user: AuthenticatedUser): Promise<WithdrawalView> {
    const [row] = await this.rows(this.dataSource.manager, `w.id = $1`, [id]);
    if (!row || !user.canActForBranch(row.branch)) throw new NotFoundException(`withdrawal ${id} not found`);
    return toView(row);
  }

  async list(query: ListWithdrawalsQuery, user: AuthenticatedUser): Promise<Page<WithdrawalView>> {
    const branches = this.branches.listBranches(user, query.branch);
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (branches) add((p) => `w.branch = ANY(${p})`, branches);
    if (query.reason) add((p) => `w.reason = ${p}`, query.reason);
    const { from, toExclusive } = periodBounds(query.from, query.to);
    if (from) add((p) => `w.withdrawn_at >= ${p}`, from);
    if (toExclusive) add((p) => `w.withdrawn_at < ${p}`, toExclusive);
    const condition = where.length ? where.join(' AND ') : 'true';
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM withdrawal w WHERE ${condition}`, params);
    const rows = await this.rows(this.dataSource.manager, condition, params, `ORDER BY w.withdrawn_at DESC, w.id LIMIT ${query.limit} OFFSET ${query.offset}`);
    return toPage(rows.map(toView), query, total);
  }

  private rows(manager: EntityManager, condition: string, params: unknown[], tail = ''): Promise<WithdrawalRow[]> {
    return manager.query(`SELECT w.*, ${DISPOSITION_SQL} AS disposition FROM withdrawal w WHERE ${condition} ${tail}`, params);
  }
}
