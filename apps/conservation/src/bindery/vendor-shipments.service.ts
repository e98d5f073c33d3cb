import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { Page, PageQuery, toPage } from '@app/platform';
import { VendorsService } from '../vendors/vendors.service';
import { BinderyLine } from './bindery-line.entity';
import { BinderyShipment } from './bindery-shipment.entity';
import { toVendorLineView, toVendorShipmentView, VendorShipmentDetailView, VendorShipmentView } from './shipment.view';

/** Lots a vendor has been sent: dispatched ones, and those that came back. Open lots are the library's business. */
const SENT = ['dispatched', 'returned'] as const;

/**
 * Bindery lots as the vendor sees them: only its own (by the partner id in its token), only once
 * sent. Another vendor's lot is not found, exactly like a lot that does not exist.
 */
@Injectable()
export class VendorShipmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly vendors: VendorsService,
  ) {}

  async list(query: PageQuery, user: AuthenticatedUser): Promise<Page<VendorShipmentView>> {
    const vendor = await this.vendors.findByPartnerId(this.dataSource.manager, user.partnerId!);
    if (!vendor) return toPage([], query, 0);
    const [lots, total] = await this.dataSource.manager.findAndCount(BinderyShipment, {
      where: { vendorId: vendor.id, status: In([...SENT]) },
      order: { dispatchedAt: 'DESC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    const counts = await this.lineCounts(lots.map((lot) => lot.id));
    return toPage(lots.map((lot) => toVendorShipmentView(lot, counts.get(lot.id) ?? 0)), query, total);
  }

  async get(id: string, user: AuthenticatedUser): Promise<VendorShipmentDetailView> {
    const lot = await this.findOwn(this.dataSource.manager, id, user);
    return this.detail(this.dataSource.manager, lot);
  }

  /** The vendor confirms it has the lot. Idempotent: the first acknowledgement is the one kept. */
  async acknowledge(id: string, user: AuthenticatedUser): Promise<VendorShipmentDetailView> {
    return this.dataSource.transaction(async (manager) => {
      const lot = await this.findOwn(manager, id, user, true);
      if (!lot.acknowledgedAt) {
        lot.acknowledgedAt = new Date();
        lot.acknowledgedBy = user.id;
        await manager.update(BinderyShipment, { id: lot.id }, { acknowledgedAt: lot.acknowledgedAt, acknowledgedBy: lot.acknowledgedBy });
      }
      return this.detail(manager, lot);
    });
  }

  private async findOwn(manager: EntityManager, id: string, user: AuthenticatedUser, lock = false): Promise<BinderyShipment> {
    const vendor = await this.vendors.findByPartnerId(manager, user.partnerId!);
    const lot = vendor
      ? await manager.findOne(BinderyShipment, {
          where: { id, vendorId: vendor.id, status: In([...SENT]) },
          ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        })
      : null;
    if (!lot) throw new NotFoundException(`bindery lot ${id} not found`);
    return lot;
  }

  private async detail(manager: EntityManager, lot: BinderyShipment): Promise<VendorShipmentDetailView> {
    const lines = await manager.find(BinderyLine, { where: { shipmentId: lot.id }, order: { lineNo: 'ASC' } });
    return { ...toVendorShipmentView(lot, lines.length), lines: lines.map(toVendorLineView) };
  }

  private async lineCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT shipment_id, count(*)::int AS lines FROM bindery_line WHERE shipment_id = ANY($1::uuid[]) GROUP BY shipment_id`,
      [ids],
    )) as { shipment_id: string; lines: number }[];
    return new Map(rows.map((row) => [row.shipment_id, row.lines]));
  }
}
