import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Page, PageQuery, toPage } from '@app/platform';
import { isUniqueViolation } from '../common/database-errors';
import { CreateVendorDto } from './create-vendor.dto';
import { PartnerQueues } from './partner-queues';
import { Vendor } from './vendor.entity';
import { toVendorView, VendorView } from './vendor.view';

/** Bindery vendors: who binds for the library, how long they take, and where their events go. */
@Injectable()
export class VendorsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly partnerQueues: PartnerQueues,
  ) {}

  /** The vendor's queue is declared before the vendor is stored: a vendor never exists without one. */
  async create(dto: CreateVendorDto, createdBy: string): Promise<VendorView> {
    await this.refuseTakenPartnerId(dto.partnerId);
    const queue = await this.partnerQueues.ensureBinderyQueue(dto.partnerId);
    const vendor = this.dataSource.manager.create(Vendor, {
      id: randomUUID(),
      name: dto.name,
      partnerId: dto.partnerId,
      turnaroundDays: dto.turnaroundDays,
      webhookUrl: dto.webhookUrl ?? null,
      createdBy,
      createdAt: new Date(),
    });
    try {
      await this.dataSource.manager.insert(Vendor, vendor);
    } catch (error) {
      if (isUniqueViolation(error, 'vendor_partner_id_key')) throw this.taken(dto.partnerId);
      throw error;
    }
    return toVendorView(vendor, queue);
  }

  async list(query: PageQuery): Promise<Page<VendorView>> {
    const [vendors, total] = await this.dataSource.manager.findAndCount(Vendor, {
      order: { name: 'ASC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    return toPage(vendors.map((vendor) => toVendorView(vendor, this.partnerQueues.queueName(vendor.partnerId))), query, total);
  }

  async find(manager: EntityManager, id: string): Promise<Vendor> {
    const vendor = await manager.findOne(Vendor, { where: { id } });
    if (!vendor) throw new NotFoundException(`vendor ${id} not found`);
    return vendor;
  }

  async findByPartnerId(manager: EntityManager, partnerId: string): Promise<Vendor | null> {
    return manager.findOne(Vendor, { where: { partnerId } });
  }

  private async refuseTakenPartnerId(partnerId: string): Promise<void> {
    if (await this.dataSource.manager.exists(Vendor, { where: { partnerId } })) throw this.taken(partnerId);
  }

  private taken(partnerId: string): ConflictException {
    return new ConflictException(`partnerId ${partnerId} already belongs to another vendor`);
  }
}
