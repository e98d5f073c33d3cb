import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuthenticatedUser, Role } from '@app/auth';
import { ItemCondemned, ItemStatus, RepairCompleted } from '@app/contracts';
import { Transaction, UnitOfWork } from '@app/messaging';
import { BranchRegistry, Page, toPage } from '@app/platform';
import { iso, toCallNumberView } from '../common/views';
import { ItemView } from '../item-view/item-view.entity';
import { ItemStatusConflict, ItemViewService } from '../item-view/item-view.service';
import { PullRequest } from '../pulls/pull-request.entity';
import { CompleteRepairDto } from './complete-repair.dto';
import { ListRepairsQuery } from './list-repairs.query';
import { MAJOR_TREATMENTS, Repair } from './repair.entity';
import { RepairView } from './repair.view';

/** Repair work orders: opened by a pull for repair, completed with a treatment and an outcome. */
@Injectable()
export class RepairsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly items: ItemViewService,
    private readonly branches: BranchRegistry,
  ) {}

  /** Called in the transaction that marks the item pulled, so the pull and its work order commit together. */
  async openForPull(tx: Transaction, request: PullRequest, openedBy: string, at: Date): Promise<Repair> {
    const repair = tx.manager.create(Repair, {
      id: randomUUID(),
      pullRequestId: request.id,
      itemId: request.itemId,
      barcode: request.barcode,
      branch: request.branch,
      damage: request.damage,
      note: request.note,
      status: 'open',
      openedBy,
      openedAt: at,
      treatment: null,
      minutes: null,
      outcome: null,
      completionNote: null,
      completedBy: null,
      completedAt: null,
    });
    await tx.manager.insert(Repair, repair);
    return repair;
  }

  async get(id: string, user: AuthenticatedUser): Promise<RepairView> {
    const repair = await this.dataSource.manager.findOne(Repair, { where: { id } });
    if (!repair || !user.canActForBranch(repair.branch)) throw new NotFoundException(`repair ${id} not found`);
    return (await this.views(this.dataSource.manager, [repair]))[0];
  }

  async list(query: ListRepairsQuery, user: AuthenticatedUser): Promise<Page<RepairView>> {
    const branches = this.branches.listBranches(user, query.branch);
    const qb = this.dataSource.manager.createQueryBuilder(Repair, 'repair');
    if (branches) qb.andWhere('repair.branch = ANY(:branches)', { branches });
    if (query.status) qb.andWhere('repair.status = :status', { status: query.status });
    // Oldest first: the order the work came in, stable across pages.
    qb.orderBy('repair.openedAt', 'ASC').addOrderBy('repair.id', 'ASC');
    const [repairs, total] = await qb.offset(query.offset).limit(query.limit).getManyAndCount();
    return toPage(await this.views(this.dataSource.manager, repairs), query, total);
  }

  /**
   * Ends a repair. Major treatments need a senior technician; the item must be IN_REPAIR in the
   * catalog (the pull recorded there); a completed repair stays completed. Publishes
   * `conservation.repair.completed` and, for a condemned item, `conservation.item.condemned`.
   */
  async complete(id: string, dto: CompleteRepairDto, user: AuthenticatedUser): Promise<RepairView> {
    return this.uow.run(async (tx) => {
      const repair = await tx.manager.findOne(Repair, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!repair || !user.canActForBranch(repair.branch)) throw new NotFoundException(`repair ${id} not found`);
      if (MAJOR_TREATMENTS.includes(dto.treatment) && !user.hasRole(Role.SeniorTechnician)) {
        throw new ForbiddenException(`treatment ${dto.treatment} is a major repair: it requires role ${Role.SeniorTechnician}`);
      }
      if (repair.status !== 'open') {
        throw new ConflictException(`repair ${id} is ${repair.status} (${repair.outcome} on ${iso(repair.completedAt)}); it cannot be completed again`);
      }
      const item = await this.items.lockById(tx.manager, repair.itemId);
      if (item.status !== ItemStatus.IN_REPAIR) {
        throw new ItemStatusConflict(item, `only an item ${ItemStatus.IN_REPAIR} can leave repair (if the pull was just recorded, try again in a moment)`);
      }

      repair.status = 'completed';
      repair.treatment = dto.treatment;
      repair.minutes = dto.minutes ?? null;
      repair.outcome = dto.outcome;
      repair.completionNote = dto.note ?? null;
      repair.completedBy = user.id;
      repair.completedAt = new Date();
      await tx.manager.update(Repair, { id }, {
        status: repair.status,
        treatment: repair.treatment,
        minutes: repair.minutes,
        outcome: repair.outcome,
        completionNote: repair.completionNote,
        completedBy: repair.completedBy,
        completedAt: repair.completedAt,
      });

      const ref = { itemId: repair.itemId, barcode: repair.barcode, branch: repair.branch };
      tx.publish(
        RepairCompleted,
        { ...ref, repairId: repair.id, treatment: dto.treatment, outcome: dto.outcome, minutes: repair.minutes, completedBy: user.id },
        { branch: repair.branch },
      );
      if (dto.outcome === 'condemned') {
        tx.publish(
          ItemCondemned,
          { ...ref, repairId: repair.id, reason: dto.note ?? `condemned in repair (${dto.treatment})`, condemnedBy: user.id },
          { branch: repair.branch },
        );
      }
      return (await this.views(tx.manager, [repair]))[0];
    });
  }

  private async views(manager: EntityManager, repairs: Repair[]): Promise<RepairView[]> {
    if (repairs.length === 0) return [];
    const items = await manager.find(ItemView, { where: { id: In([...new Set(repairs.map((r) => r.itemId))]) } });
    const byId = new Map(items.map((item) => [item.id, item]));
    return repairs.map((repair) => toRepairView(repair, byId.get(repair.itemId)!));
  }
}

export function toRepairView(repair: Repair, item: ItemView): RepairView {
  return {
    id: repair.id,
    pullRequestId: repair.pullRequestId,
    itemId: repair.itemId,
    barcode: repair.barcode,
    branch: repair.branch,
    damage: repair.damage,
    note: repair.note,
    status: repair.status,
    openedAt: repair.openedAt.toISOString(),
    openedBy: repair.openedBy,
    treatment: repair.treatment,
    minutes: repair.minutes,
    outcome: repair.outcome,
    completionNote: repair.completionNote,
    completedAt: iso(repair.completedAt),
    completedBy: repair.completedBy,
    item: { title: item.title, callNumber: toCallNumberView(item.callNumber, item.callNumberScheme), location: item.collection, status: item.status },
  };
}
