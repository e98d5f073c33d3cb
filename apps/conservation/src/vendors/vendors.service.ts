import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { PartnerWebhooksService } from '@app/partners';
import { Page, PageQuery, toPage } from '@app/platform';
import { isUniqueViolation } from '../common/database-errors';
import { CreateVendorDto } from './create-vendor.dto';
import { PartnerQueues } from './partner-queues';
import { Vendor } from './vendor.entity';
import { CreatedVendorView, toVendorView, VendorView } from './vendor.view';

/** Bindery vendors: who binds for the library, how long they take, and where their events go. */
@Injectable()
export class VendorsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly partnerQueues: PartnerQueues,
    private readonly webhooks: PartnerWebhooksService,
  ) {}

  /**
   * The vendor's queue is declared before the vendor is stored: a vendor never exists without one.
   * A webhook URL is registered with the vendor, in the same transaction, with a generated secret.
   */
  async create(dto: CreateVendorDto, createdBy: string): Promise<CreatedVendorView> {
    await this.refuseTakenPartnerId(dto.partnerId);
    // Before the queue is declared: a refused request changes nothing.
    if (dto.webhookUrl) this.webhooks.assertReachableUrl(dto.webhookUrl, 'webhookUrl');
    const queue = await this.partnerQueues.ensureBinderyQueue(dto.partnerId);
    const vendor = this.dataSource.manager.create(Vendor, {
      id: randomUUID(),
      name: dto.name,
      partnerId: dto.partnerId,
      turnaroundDays: dto.turnaroundDays,
      createdBy,
      createdAt: new Date(),
    });
    try {
      const webhookSecret = await this.dataSource.transaction(async (manager) => {
        await manager.insert(Vendor, vendor);
        if (!dto.webhookUrl) return undefined;
        const { webhook } = await this.webhooks.register(dto.partnerId, { url: dto.webhookUrl }, createdBy, manager);
        return webhook.secret;
      });
      const view = toVendorView(vendor, queue, dto.webhookUrl ?? null);
      return webhookSecret ? { ...view, webhookSecret } : view;
    } catch (error) {
      if (isUniqueViolation(error, 'vendor_partner_id_key')) throw this.taken(dto.partnerId);
      throw error;
    }
  }

  async list(query: PageQuery): Promise<Page<VendorView>> {
    const [vendors, total] = await this.dataSource.manager.findAndCount(Vendor, {
      order: { name: 'ASC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    const webhooks = await this.webhooks.urlsOf(this.dataSource.manager, vendors.map((vendor) => vendor.partnerId));
    const views = vendors.map((vendor) => toVendorView(vendor, this.partnerQueues.queueName(vendor.partnerId), webhooks.get(vendor.partnerId) ?? null));
    return toPage(views, query, total);
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
