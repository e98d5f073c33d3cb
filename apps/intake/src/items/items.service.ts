import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { CallNumber, CallNumberAssignedData, ItemStatusChangedData, newestPerItem, OUT_OF_COLLECTION_STATUSES } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { BranchRegistry, ItemRef, Page, parseItemRef, toPage } from '@app/platform';
import { IntakeItem } from './intake-item.entity';
import { IntakeItemView, toItemView } from './item-view';
import { ListItemsQuery } from './list-items.query';
import { ProcessingStepRecord } from './processing-step.entity';

@Injectable()
export class ItemsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly branches: BranchRegistry,
  ) {}

  /** One item by barcode or id; an item of a branch the caller does not work for is not found. */
  async get(refText: string, user: AuthenticatedUser): Promise<IntakeItemView> {
    const ref = parseItemRef(refText);
    const item = await this.dataSource.manager.findOne(IntakeItem, { where: ref.kind === 'id' ? { id: ref.id } : { barcode: ref.barcode } });
    if (!item || !user.canActForBranch(item.branch)) throw new NotFoundException(`item ${refText} not found`);
    const [view] = await this.views(this.dataSource.manager, [item]);
    return view;
  }

  async list(query: ListItemsQuery, user: AuthenticatedUser): Promise<Page<IntakeItemView>> {
    const branches = this.branches.listBranches(user, query.branch);
    const qb = this.dataSource.manager.createQueryBuilder(IntakeItem, 'item');
    if (branches) qb.andWhere('item.branch = ANY(:branches)', { branches });
    if (query.status) qb.andWhere('item.status = :status', { status: query.status });
    else if (query.includeWithdrawn !== 'true') qb.andWhere('item.status <> ALL(:hidden)', { hidden: [...OUT_OF_COLLECTION_STATUSES] });
    if (query.shipmentId) qb.andWhere('item.shipmentId = :shipmentId', { shipmentId: query.shipmentId });
    if (query.pending === 'true') qb.andWhere('cardinality(item.pendingSteps) > 0');
    if (query.pending === 'false') qb.andWhere('cardinality(item.pendingSteps) = 0');
    // Oldest first: the order work arrived in, stable across pages.
    qb.orderBy('item.createdAt', 'ASC').addOrderBy('item.shipmentId', 'ASC').addOrderBy('item.line', 'ASC');
    const [items, total] = await qb.offset(query.offset).limit(query.limit).getManyAndCount();
    return toPage(await this.views(this.dataSource.manager, items), query, total);
  }

  /** Views of items with their recorded steps, loaded in one query. */
  async views(manager: EntityManager, items: IntakeItem[]): Promise<IntakeItemView[]> {
    if (items.length === 0) return [];
    const records = await manager.find(ProcessingStepRecord, { where: { itemId: In(items.map((item) => item.id)) } });
    const byItem = new Map<string, ProcessingStepRecord[]>();
    for (const record of records) byItem.set(record.itemId, [...(byItem.get(record.itemId) ?? []), record]);
    return items.map((item) => toItemView(item, byItem.get(item.id) ?? []));
  }

  /** Items for a cart, locked in id order (so two carts sharing items cannot deadlock). */
  async lockForSteps(manager: EntityManager, refs: ItemRef[]): Promise<IntakeItem[]> {
    const ids = refs.flatMap((ref) => (ref.kind === 'id' ? [ref.id] : []));
    const barcodes = refs.flatMap((ref) => (ref.kind === 'barcode' ? [ref.barcode] : []));
    if (ids.length === 0 && barcodes.length === 0) return [];
    return manager
      .createQueryBuilder(IntakeItem, 'item')
      .where('item.id = ANY(:ids) OR item.barcode = ANY(:barcodes)', { ids, barcodes })
      .orderBy('item.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  /**
   * A cataloger assigned a call number: store it so the spine label can be printed. False when the
   * item is not here yet (the caller retries the message later).
   */
  async recordCallNumber(data: CallNumberAssignedData, tx: Transaction): Promise<boolean> {
    const callNumber = CallNumber.parse(data.callNumber, data.scheme).value;
    const result = await tx.manager.update(IntakeItem, { id: data.itemId }, { callNumber, callNumberScheme: data.scheme });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Keeps the view's status current. Versions only move forward: a late or replayed change with a
   * version we have passed is ignored. Items intake never received are none of its business.
   */
  async recordStatusChanges(changes: readonly ItemStatusChangedData[], tx: Transaction): Promise<void> {
    // Only the newest change of each item can matter; one statement for a whole batch of them.
    const newest = newestPerItem(changes).map((change) => ({ id: change.itemId, status: change.to, version: change.version }));
    // The rows are locked in id order first, as a cart locks them (`lockForSteps`): an UPDATE … FROM
    // locks in whatever order its join yields, and a cart sharing two items then deadlocked with it.
    await tx.manager.query(
      `UPDATE item i SET status = f.status, status_version = f.version
         FROM (SELECT id FROM item WHERE id = ANY($2::uuid[]) ORDER BY id FOR UPDATE) AS locked,
              jsonb_to_recordset($1::jsonb) AS f(id uuid, status text, version integer)
        WHERE i.id = locked.id AND i.id = f.id AND i.status_version < f.version`,
      [JSON.stringify(newest), newest.map((change) => change.id)],
    );
  }
}
