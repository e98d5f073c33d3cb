import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { Barcode, BinderyItemsReturned, ItemStatus, ShipmentDispatched, ShipmentDispatchedData, ShipmentReturned } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { BinderyShipmentDispatchedChannel, PartnerEvents } from '@app/partners';
import { BranchRegistry, Page, toPage } from '@app/platform';
import { isUniqueViolation } from '../common/database-errors';
import { ItemView } from '../item-view/item-view.entity';
import { PartnerQueues } from '../vendors/partner-queues';
import { Vendor } from '../vendors/vendor.entity';
import { VendorsService } from '../vendors/vendors.service';
import { BinderyLine } from './bindery-line.entity';
import { BinderyShipment } from './bindery-shipment.entity';
import { renderBindingSlips } from './binding-slips.pdf';
import { AddShipmentItemsDto, CreateShipmentDto, ListShipmentsQuery, ReturnItemsDto } from './shipment.dto';
import {
  LineCounts, ReturnRejectionView, ReturnResultView, ShipmentDetailView, ShipmentView, slipOf, toLineView, toShipmentView,
} from './shipment.view';

const DAY_MS = 24 * 60 * 60 * 1000;

/** `CEN-20260115-3`: the branch, the UTC day the lot was opened, and its number that day. */
export function lotNumber(branch: string, day: Date, n: number): string {
  return `${branch}-${day.toISOString().slice(0, 10).replace(/-/g, '')}-${n}`;
}

/** Turnaround is in calendar days (SPEC §5): the same time of day, that many days later. */
export function expectedReturn(dispatchedAt: Date, turnaroundDays: number): Date {
  return new Date(dispatchedAt.getTime() + turnaroundDays * DAY_MS);
}

/**
 * Bindery lots, the library's side: open a lot for a vendor, add items awaiting the bindery with
 * their binding slips, print the slips, dispatch (the vendor receives the manifest on its own queue),
 * and check items back in until the lot closes.
 */
@Injectable()
export class BinderyShipmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly vendors: VendorsService,
    private readonly partnerQueues: PartnerQueues,
    private readonly branches: BranchRegistry,
    private readonly partnerEvents: PartnerEvents,
  ) {}

  async create(dto: CreateShipmentDto, user: AuthenticatedUser): Promise<ShipmentDetailView> {
    user.assertBranch(dto.branch);
    return this.uow.run(async (tx) => {
      const vendor = await this.vendors.find(tx.manager, dto.vendorId);
      const now = new Date();
      const [{ last }] = (await tx.manager.query(
        `INSERT INTO lot_sequence (branch, day, last) VALUES ($1, $2::date, 1)
         ON CONFLICT (branch, day) DO UPDATE SET last = lot_sequence.last + 1 RETURNING last`,
        [dto.branch, now.toISOString().slice(0, 10)],
      )) as { last: number }[];
      const lot = tx.manager.create(BinderyShipment, {
        id: randomUUID(),
        lotNumber: lotNumber(dto.branch, now, last),
        vendorId: vendor.id,
        branch: dto.branch,
        status: 'open',
        createdBy: user.id,
        createdAt: now,
        dispatchedBy: null,
        dispatchedAt: null,
        expectedReturnAt: null,
        returnedAt: null,
        acknowledgedBy: null,
        acknowledgedAt: null,
      });
      await tx.manager.insert(BinderyShipment, lot);
      return { ...toShipmentView(lot, vendor, { lineCount: 0, returnedCount: 0 }), lines: [] };
    });
  }

  async get(id: string, user: AuthenticatedUser): Promise<ShipmentDetailView> {
    const lot = await this.findLot(this.dataSource.manager, id, user);
    return this.detail(this.dataSource.manager, lot);
  }

  async list(query: ListShipmentsQuery, user: AuthenticatedUser): Promise<Page<ShipmentView>> {
    const branches = this.branches.listBranches(user, query.branch);
    const qb = this.dataSource.manager.createQueryBuilder(BinderyShipment, 'lot');
    if (branches) qb.andWhere('lot.branch = ANY(:branches)', { branches });
    if (query.status) qb.andWhere('lot.status = :status', { status: query.status });
    if (query.overdue === 'true') qb.andWhere(`lot.status = 'dispatched' AND lot.expectedReturnAt < now()`);
    if (query.overdue === 'false') qb.andWhere(`NOT (lot.status = 'dispatched' AND lot.expectedReturnAt < now())`);
    // Overdue lots are chased oldest-expected first; other lists show the newest lots first.
    if (query.overdue === 'true') qb.orderBy('lot.expectedReturnAt', 'ASC');
    else qb.orderBy('lot.createdAt', 'DESC');
    qb.addOrderBy('lot.id', 'ASC');
    const [lots, total] = await qb.offset(query.offset).limit(query.limit).getManyAndCount();
    const [vendors, counts] = await Promise.all([this.vendorsOf(this.dataSource.manager, lots), this.countsOf(this.dataSource.manager, lots)]);
    return toPage(lots.map((lot) => toShipmentView(lot, vendors.get(lot.vendorId)!, counts.get(lot.id)!)), query, total);
  }

  /**
   * Adds items with their binding slips, all or none. Each must be known in the lot's branch (else
   * 404), AWAITING_BINDERY in the catalog, and in no other lot that has not come back (else 409).
   */
  async addItems(id: string, dto: AddShipmentItemsDto, user: AuthenticatedUser): Promise<ShipmentDetailView> {
    const barcodes = dto.items.map((item) => Barcode.parse(item.barcode).value);
    const repeated = barcodes.flatMap((barcode, i) => (barcodes.indexOf(barcode) < i ? [`items[${i}].barcode: ${barcode} appears twice in the request`] : []));
    if (repeated.length) throw new BadRequestException(repeated.join('; '));
    try {
      return await this.uow.run(async (tx) => {
        const lot = await this.findLot(tx.manager, id, user, true);
        if (lot.status !== 'open') throw new ConflictException(`lot ${lot.lotNumber} is ${lot.status}; items can be added only while it is open`);
        const items = await tx.manager.find(ItemView, { where: { barcode: In(barcodes) }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_write' } });
        const byBarcode = new Map(items.map((item) => [item.barcode!, item]));
        const outstanding = await this.outstandingLines(tx.manager, items.map((item) => item.id));

        const unknown: string[] = [];
        const conflicts: string[] = [];
        barcodes.forEach((barcode, i) => {
          const item = byBarcode.get(barcode);
          const at = `items[${i}]: `;
          if (!item || !user.canActForBranch(item.branch)) unknown.push(`${at}item ${barcode} not found`);
          else if (item.branch !== lot.branch) conflicts.push(`${at}item ${barcode} belongs to branch ${item.branch}, not to the lot's branch ${lot.branch}`);
          else if (item.status !== ItemStatus.AWAITING_BINDERY) conflicts.push(`${at}item ${barcode} is ${item.status}; only an item ${ItemStatus.AWAITING_BINDERY} can go into a bindery lot`);
          else if (outstanding.has(item.id)) {
            const other = outstanding.get(item.id)!;
            conflicts.push(`${at}item ${barcode} is already line ${other.lineNo} of lot ${other.lotNumber} (${other.status})`);
          }
        });
        if (unknown.length) throw new NotFoundException(unknown.join('; '));
        if (conflicts.length) throw new ConflictException(conflicts.join('; '));

        const [{ max }] = (await tx.manager.query(`SELECT coalesce(max(line_no), 0)::int AS max FROM bindery_line WHERE shipment_id = $1`, [lot.id])) as { max: number }[];
        const now = new Date();
        const lines = dto.items.map((slip, i) => {
          const item = byBarcode.get(barcodes[i])!;
          return tx.manager.create(BinderyLine, {
            shipmentId: lot.id,
            lineNo: max + i + 1,
            itemId: item.id,
            barcode: barcodes[i],
            callNumber: item.callNumber,
            title: item.title,
            bindingStyle: slip.bindingStyle,
            leafAttachment: slip.leafAttachment,
            clothColor: slip.clothColor,
            foilColor: slip.foilColor,
            spineLettering: slip.spineLettering,
            instructions: slip.instructions ?? null,
            addedBy: user.id,
            addedAt: now,
            returnedBy: null,
            returnedAt: null,
          });
        });
        await tx.manager.insert(BinderyLine, lines);
        return this.detail(tx.manager, lot);
      });
    } catch (error) {
      // Another lot took one of these items between our check and our insert.
      if (isUniqueViolation(error, 'bindery_line_item_out')) throw new ConflictException(`an item of this request was just added to another lot; nothing was added`);
      throw error;
    }
  }

  async slips(id: string, user: AuthenticatedUser): Promise<{ lotNumber: string; pdf: Buffer }> {
    const manager = this.dataSource.manager;
    const lot = await this.findLot(manager, id, user);
    const [vendor, lines] = await Promise.all([this.vendors.find(manager, lot.vendorId), this.linesOf(manager, lot.id)]);
    const branchName = this.branches.branches.find((branch) => branch.code === lot.branch)?.name ?? lot.branch;
    const pdf = await renderBindingSlips({ lot, vendor, branchName, lines });
    return { lotNumber: lot.lotNumber, pdf };
  }

  /**
   * Sends the lot: every item must still be AWAITING_BINDERY. Publishes
   * `conservation.bindery.shipment.dispatched` on the events exchange (the catalog makes the items
   * AT_BINDERY) and the same manifest to the vendor on the partners exchange, in one transaction.
   */
  async dispatch(id: string, user: AuthenticatedUser): Promise<ShipmentDetailView> {
    // The vendor's queue must exist before its message is relayed; declared outside the transaction
    // so no lock is held while the broker answers.
    const unlocked = await this.findLot(this.dataSource.manager, id, user);
    const vendor = await this.vendors.find(this.dataSource.manager, unlocked.vendorId);
    await this.partnerQueues.ensureBinderyQueue(vendor.partnerId);

    return this.uow.run(async (tx) => {
      const lot = await this.findLot(tx.manager, id, user, true);
      if (lot.status !== 'open') throw new ConflictException(`lot ${lot.lotNumber} is ${lot.status}; only an open lot can be dispatched`);
      const lines = await this.linesOf(tx.manager, lot.id);
      if (lines.length === 0) throw new ConflictException(`lot ${lot.lotNumber} has no items; add items before dispatching it`);
      const items = await tx.manager.find(ItemView, { where: { id: In(lines.map((line) => line.itemId)) }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_write' } });
      const notReady = items
        .filter((item) => item.status !== ItemStatus.AWAITING_BINDERY)
        .map((item) => `line ${lines.find((line) => line.itemId === item.id)!.lineNo}: item ${item.barcode} is ${item.status}`);
      if (notReady.length) {
        throw new ConflictException(`${notReady.join('; ')}; only items ${ItemStatus.AWAITING_BINDERY} can be dispatched, so lot ${lot.lotNumber} stays open`);
      }

      lot.status = 'dispatched';
      lot.dispatchedAt = new Date();
      lot.dispatchedBy = user.id;
      lot.expectedReturnAt = expectedReturn(lot.dispatchedAt, vendor.turnaroundDays);
      await tx.manager.update(BinderyShipment, { id: lot.id }, {
        status: lot.status,
        dispatchedAt: lot.dispatchedAt,
        dispatchedBy: lot.dispatchedBy,
        expectedReturnAt: lot.expectedReturnAt,
      });

      const manifest: ShipmentDispatchedData = {
        shipmentId: lot.id,
        lotNumber: lot.lotNumber,
        vendorId: vendor.id,
        partnerId: vendor.partnerId,
        branch: lot.branch,
        dispatchedAt: lot.dispatchedAt.toISOString(),
        expectedReturnAt: lot.expectedReturnAt.toISOString(),
        lines: lines.map((line) => ({ lineNo: line.lineNo, itemId: line.itemId, barcode: line.barcode, callNumber: line.callNumber, title: line.title, slip: slipOf(line) })),
        dispatchedBy: user.id,
      };
      tx.publish(ShipmentDispatched, manifest, { branch: lot.branch });
      // The vendor's copy: its queue, and its webhook if it registered one.
      await this.partnerEvents.publish(tx, BinderyShipmentDispatchedChannel, manifest, { partnerId: vendor.partnerId, branch: lot.branch });
      return this.detail(tx.manager, lot, vendor, lines);
    });
  }

  /**
   * Checks items back in from the vendor. Each barcode is answered on its own: accepted, or rejected
   * with the reason (not in the lot, already returned). Accepted items are published as returned
   * (the catalog makes them SHELF_READY); when every line is back the lot closes.
   */
  async returnItems(id: string, dto: ReturnItemsDto, user: AuthenticatedUser): Promise<ReturnResultView> {
    return this.uow.run(async (tx) => {
      const lot = await this.findLot(tx.manager, id, user, true);
      if (lot.status === 'open') throw new ConflictException(`lot ${lot.lotNumber} is open; it has not been dispatched, so nothing can come back from it`);
      const lines = await this.linesOf(tx.manager, lot.id);
      const byBarcode = new Map(lines.map((line) => [line.barcode, line]));
      const accepted: BinderyLine[] = [];
      const rejected: ReturnRejectionView[] = [];
      const seen = new Set<string>();
      for (const raw of dto.barcodes) {
        const barcode = Barcode.parse(raw).value;
        const line = byBarcode.get(barcode);
        if (seen.has(barcode)) rejected.push({ barcode, reason: 'listed twice in this request' });
        else if (!line) rejected.push({ barcode, reason: 'not in the lot' });
        else if (line.returnedAt) rejected.push({ barcode, reason: 'already returned' });
        else accepted.push(line);
        seen.add(barcode);
      }

      const now = new Date();
      if (accepted.length > 0) {
        await tx.manager.update(
          BinderyLine,
          { shipmentId: lot.id, lineNo: In(accepted.map((line) => line.lineNo)) },
          { returnedAt: now, returnedBy: user.id },
        );
        for (const line of accepted) line.returnedAt = now;
        tx.publish(
          BinderyItemsReturned,
          { shipmentId: lot.id, branch: lot.branch, items: accepted.map((line) => ({ itemId: line.itemId, barcode: line.barcode, branch: lot.branch })), returnedBy: user.id },
          { branch: lot.branch },
        );
      }
      if (lot.status === 'dispatched' && lines.every((line) => line.returnedAt !== null)) {
        lot.status = 'returned';
        lot.returnedAt = now;
        await tx.manager.update(BinderyShipment, { id: lot.id }, { status: lot.status, returnedAt: now });
        const vendor = await this.vendors.find(tx.manager, lot.vendorId);
        tx.publish(
          ShipmentReturned,
          { shipmentId: lot.id, lotNumber: lot.lotNumber, partnerId: vendor.partnerId, branch: lot.branch, returnedAt: now.toISOString(), lineCount: lines.length },
          { branch: lot.branch },
        );
      }
      return { accepted: accepted.map((line) => line.barcode), rejected, status: lot.status };
    });
  }

  /** A lot of a branch the caller does not work for is not found, like an unknown one. */
  private async findLot(manager: EntityManager, id: string, user: AuthenticatedUser, lock = false): Promise<BinderyShipment> {
    const lot = await manager.findOne(BinderyShipment, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!lot || !user.canActForBranch(lot.branch)) throw new NotFoundException(`bindery lot ${id} not found`);
    return lot;
  }

  private linesOf(manager: EntityManager, shipmentId: string): Promise<BinderyLine[]> {
    return manager.find(BinderyLine, { where: { shipmentId }, order: { lineNo: 'ASC' } });
  }

  /** Lines not yet back, by item: an item is in at most one of them. */
  private async outstandingLines(manager: EntityManager, itemIds: string[]): Promise<Map<string, { lineNo: number; lotNumber: string; status: string }>> {
    if (itemIds.length === 0) return new Map();
    const rows = (await manager.query(
      `SELECT l.item_id, l.line_no, s.lot_number, s.status FROM bindery_line l JOIN bindery_shipment s ON s.id = l.shipment_id
        WHERE l.item_id = ANY($1::uuid[]) AND l.returned_at IS NULL`,
      [itemIds],
    )) as { item_id: string; line_no: number; lot_number: string; status: string }[];
    return new Map(rows.map((row) => [row.item_id, { lineNo: row.line_no, lotNumber: row.lot_number, status: row.status }]));
  }

  private async detail(manager: EntityManager, lot: BinderyShipment, vendor?: Vendor, lines?: BinderyLine[]): Promise<ShipmentDetailView> {
    const [v, l] = await Promise.all([vendor ?? this.vendors.find(manager, lot.vendorId), lines ?? this.linesOf(manager, lot.id)]);
    const counts = { lineCount: l.length, returnedCount: l.filter((line) => line.returnedAt !== null).length };
    return { ...toShipmentView(lot, v, counts), lines: l.map(toLineView) };
  }

  private async vendorsOf(manager: EntityManager, lots: BinderyShipment[]): Promise<Map<string, Vendor>> {
    if (lots.length === 0) return new Map();
    const vendors = await manager.find(Vendor, { where: { id: In([...new Set(lots.map((lot) => lot.vendorId))]) } });
    return new Map(vendors.map((vendor) => [vendor.id, vendor]));
  }

  private async countsOf(manager: EntityManager, lots: BinderyShipment[]): Promise<Map<string, LineCounts>> {
    const counts = new Map<string, LineCounts>(lots.map((lot) => [lot.id, { lineCount: 0, returnedCount: 0 }]));
    if (lots.length === 0) return counts;
    const rows = (await manager.query(
      `SELECT shipment_id, count(*)::int AS lines, count(returned_at)::int AS returned FROM bindery_line WHERE shipment_id = ANY($1::uuid[]) GROUP BY shipment_id`,
      [lots.map((lot) => lot.id)],
    )) as { shipment_id: string; lines: number; returned: number }[];
    for (const row of rows) counts.set(row.shipment_id, { lineCount: row.lines, returnedCount: row.returned });
    return counts;
  }
}
