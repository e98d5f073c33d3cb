import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { ItemListed, ItemListedData, ItemSold, ItemStatus, ListingWithdrawn } from '@app/contracts';
import { Transaction, UnitOfWork } from '@app/messaging';
import { PartnerEvents, SalesItemListedChannel, SalesListingWithdrawnChannel } from '@app/partners';
import { BranchRegistry, Environment, Page, PageQuery, toPage } from '@app/platform';
import { normaliseMoney } from '../common/money';
import { ItemViewService } from '../item-view/item-view.service';
import { ItemDisposal } from './item-disposal.entity';
import { Listing, ListingStatus } from './listing.entity';
import { PriceTablesService } from './price-tables.service';
import { Sale } from './sale.entity';
import { CreateListingDto, ListListingsQuery, ReportSaleDto } from './sales.dto';
import { SalesPlatformQueues } from './sales-platform-queues';

export interface SaleView {
  id: string;
  listingId: string;
  itemId: string;
  channel: string;
  price: string;
  currency: string;
  orderRef: string;
  soldAt: string;
  reportedAt: string;
}

export interface ListingView {
  id: string;
  itemId: string;
  barcode: string;
  branch: string;
  channel: string;
  condition: string;
  exLibrary: boolean;
  price: string;
  currency: string;
  isbn: string | null;
  title: string;
  creators: string[];
  publicationYear: number | null;
  status: ListingStatus;
  listedBy: string;
  listedAt: string;
  closedBy: string | null;
  closedAt: string | null;
  sale: SaleView | null;
  disposal: { method: string; disposedBy: string; disposedAt: string } | null;
}

/** What a sales platform sees of its own listing: no staff names, no branch internals. */
export interface PlatformListingView {
  id: string;
  sku: string;
  isbn: string | null;
  title: string;
  creators: string[];
  publicationYear: number | null;
  condition: string;
  exLibrary: boolean;
  price: string;
  currency: string;
  status: ListingStatus;
  listedAt: string;
  sale: SaleView | null;
}

export function toSaleView(sale: Sale): SaleView {
  return {
    id: sale.id,
    listingId: sale.listingId,
    itemId: sale.itemId,
    channel: sale.channel,
    price: sale.price,
    currency: sale.currency,
    orderRef: sale.orderRef,
    soldAt: sale.soldAt.toISOString(),
    reportedAt: sale.reportedAt.toISOString(),
  };
}

/**
 * Sale listings of withdrawn items and what the sales platform reports back. Cataloging follows
 * through the events: listed → LISTED_FOR_SALE, listing withdrawn → WITHDRAWN, sold → SOLD.
 */
@Injectable()
export class ListingsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly items: ItemViewService,
    private readonly prices: PriceTablesService,
    private readonly queues: SalesPlatformQueues,
    private readonly partnerEvents: PartnerEvents,
    private readonly branches: BranchRegistry,
    private readonly env: Environment,
  ) {}

  /**
   * Lists a WITHDRAWN item (as cataloging reports it) that has no live listing, always flagged
   * ex-library, at the given price or the branch's price for the grade. The platform gets the same
   * data on its own queue, and on its webhook if it registered one.
   */
  async create(dto: CreateListingDto, user: AuthenticatedUser): Promise<ListingView> {
    const channel = dto.channel ?? this.env.SALES_PLATFORM_PARTNER_ID;
    const listing = await this.uow.run(async (tx) => {
      const item = await this.items.findForUser(tx.manager, dto.barcode, user, true);
      const live = await tx.manager.findOne(Listing, { where: { itemId: item.itemId, status: In(['active', 'sold']) } });
      if (live) throw new ConflictException(`item ${item.barcode} is ${live.status === 'sold' ? ItemStatus.SOLD : ItemStatus.LISTED_FOR_SALE} (listing ${live.id}); it cannot be listed again`);
      if (await tx.manager.exists(ItemDisposal, { where: { itemId: item.itemId } })) {
        throw new ConflictException(`item ${item.barcode} is ${ItemStatus.DISPOSED}; it cannot be listed`);
      }
      if (item.status !== ItemStatus.WITHDRAWN) {
        throw new ConflictException(`item ${item.barcode} is ${item.status}; only a ${ItemStatus.WITHDRAWN} item can be listed for sale`);
      }
      // Only for a listing that will be made (no queue for a refused request's channel); declared
      // once per platform and process, so the item row is rarely locked while the broker answers.
      await this.queues.ensure(channel);
      const table = await this.prices.priceFor(tx.manager, item.branch, dto.condition);
      const listing = Object.assign(new Listing(), {
        id: randomUUID(),
        itemId: item.itemId,
        barcode: item.barcode!,
        branch: item.branch,
        channel,
        condition: dto.condition,
        exLibrary: true,
        price: dto.price !== undefined ? normaliseMoney(dto.price) : table.price,
        currency: table.currency,
        isbn: item.isbn,
        title: item.title ?? '',
        creators: item.creators,
        publicationYear: item.publicationYear,
        status: 'active' as const,
        listedBy: user.id,
        listedAt: new Date(),
        closedBy: null,
        closedAt: null,
      });
      await tx.manager.insert(Listing, listing);
      const data: ItemListedData = {
        itemId: listing.itemId,
        barcode: listing.barcode,
        branch: listing.branch,
        listingId: listing.id,
        channel,
        condition: listing.condition,
        exLibrary: true,
        price: listing.price,
        currency: listing.currency,
        isbn: listing.isbn,
        title: listing.title,
        creators: listing.creators,
        publicationYear: listing.publicationYear,
      };
      tx.publish(ItemListed, data, { branch: listing.branch });
      await this.partnerEvents.publish(tx, SalesItemListedChannel, data, { partnerId: channel, branch: listing.branch });
      return listing;
    });
    return this.get(listing.id, user);
  }

  async get(id: string, user: AuthenticatedUser): Promise<ListingView> {
    const listing = await this.dataSource.manager.findOne(Listing, { where: { id } });
    if (!listing || !user.canActForBranch(listing.branch)) throw new NotFoundException(`listing ${id} not found`);
    const [view] = await this.views(this.dataSource.manager, [listing]);
    return view;
  }

  async list(query: ListListingsQuery, user: AuthenticatedUser): Promise<Page<ListingView>> {
    const branches = this.branches.listBranches(user, query.branch);
    const qb = this.dataSource.manager.createQueryBuilder(Listing, 'listing');
    if (branches) qb.andWhere('listing.branch = ANY(:branches)', { branches });
    if (query.status) qb.andWhere('listing.status = :status', { status: query.status });
    const [listings, total] = await qb.orderBy('listing.listedAt', 'DESC').addOrderBy('listing.id').offset(query.offset).limit(query.limit).getManyAndCount();
    return toPage(await this.views(this.dataSource.manager, listings), query, total);
  }

  /** Takes an active listing down: the item is WITHDRAWN again and may be listed anew; the platform is told. */
  async withdrawListing(id: string, user: AuthenticatedUser): Promise<ListingView> {
    await this.uow.run(async (tx) => {
      const listing = await this.lockForUser(tx, id, user);
      if (listing.status !== 'active') throw new ConflictException(`listing ${id} is ${listing.status}; only an active listing can be withdrawn`);
      Object.assign(listing, { status: 'withdrawn', closedBy: user.id, closedAt: new Date() });
      await tx.manager.save(Listing, listing);
      await this.publishTakenDown(tx, listing, { toCataloging: true });
    });
    return this.get(id, user);
  }

  /**
   * Tells cataloging (`disposal.listing.withdrawn`) and/or the platform (`sales.<id>.listing.withdrawn`,
   * and its webhook if it has one) that a listing is down.
   */
  async publishTakenDown(tx: Transaction, listing: Listing, options: { toCataloging: boolean }): Promise<void> {
    const data = { itemId: listing.itemId, barcode: listing.barcode, branch: listing.branch, listingId: listing.id, channel: listing.channel };
    if (options.toCataloging) tx.publish(ListingWithdrawn, data, { branch: listing.branch });
    await this.partnerEvents.publish(tx, SalesListingWithdrawnChannel, data, { partnerId: listing.channel, branch: listing.branch });
  }

  async lockForUser(tx: Transaction, id: string, user: AuthenticatedUser): Promise<Listing> {
    const listing = await tx.manager.createQueryBuilder(Listing, 'listing').where('listing.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!listing || !user.canActForBranch(listing.branch)) throw new NotFoundException(`listing ${id} not found`);
    return listing;
  }

  /** The platform's own active listings, oldest first. */
  async platformList(partnerId: string, query: PageQuery): Promise<Page<PlatformListingView>> {
    const [listings, total] = await this.dataSource.manager.findAndCount(Listing, {
      where: { channel: partnerId, status: 'active' },
      order: { listedAt: 'ASC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    const views = await this.views(this.dataSource.manager, listings);
    return toPage(views.map(toPlatformView), query, total);
  }

  /** One of the platform's own listings; another platform's is not found. */
  async platformGet(id: string, partnerId: string): Promise<PlatformListingView> {
    const listing = await this.dataSource.manager.findOne(Listing, { where: { id, channel: partnerId } });
    if (!listing) throw new NotFoundException(`listing ${id} not found`);
    const [view] = await this.views(this.dataSource.manager, [listing]);
    return toPlatformView(view);
  }

  /**
   * The platform reports a sale. Idempotent by order reference: the same `orderRef` again changes
   * nothing and gets the recorded sale back (`created: false`); another order for a sold listing, or
   * a sale of a listing that is not active, is a conflict.
   */
  async reportSale(id: string, dto: ReportSaleDto, partnerId: string): Promise<{ sale: SaleView; created: boolean }> {
    return this.uow.run(async (tx) => {
      const listing = await tx.manager
        .createQueryBuilder(Listing, 'listing')
        .where('listing.id = :id AND listing.channel = :partnerId', { id, partnerId })
        .setLock('pessimistic_write')
        .getOne();
      if (!listing) throw new NotFoundException(`listing ${id} not found`);
      const recorded = await tx.manager.findOne(Sale, { where: { listingId: id } });
      if (recorded) {
        if (recorded.orderRef === dto.orderRef) return { sale: toSaleView(recorded), created: false };
        throw new ConflictException(`listing ${id} is sold (order ${recorded.orderRef}); order ${dto.orderRef} cannot sell it again`);
      }
      if (listing.status !== 'active') throw new ConflictException(`listing ${id} is ${listing.status}; only an active listing can be sold`);
      const sale = Object.assign(new Sale(), {
        id: randomUUID(),
        listingId: listing.id,
        itemId: listing.itemId,
        branch: listing.branch,
        channel: listing.channel,
        price: normaliseMoney(dto.price),
        currency: dto.currency,
        orderRef: dto.orderRef,
        soldAt: new Date(dto.soldAt),
        reportedAt: new Date(),
      });
      await tx.manager.insert(Sale, sale);
      Object.assign(listing, { status: 'sold', closedBy: partnerId, closedAt: sale.reportedAt });
      await tx.manager.save(Listing, listing);
      tx.publish(
        ItemSold,
        {
          itemId: listing.itemId,
          barcode: listing.barcode,
          branch: listing.branch,
          listingId: listing.id,
          channel: listing.channel,
          price: sale.price,
          currency: sale.currency,
          orderRef: sale.orderRef,
          soldAt: sale.soldAt.toISOString(),
        },
        { branch: listing.branch },
      );
      return { sale: toSaleView(sale), created: true };
    });
  }

  /** Listings with their sale and disposal, loaded in two queries. */
  async views(manager: EntityManager, listings: Listing[]): Promise<ListingView[]> {
    if (listings.length === 0) return [];
    const ids = listings.map((listing) => listing.id);
    const sales = new Map((await manager.find(Sale, { where: { listingId: In(ids) } })).map((sale) => [sale.listingId, sale]));
    const disposals = new Map((await manager.find(ItemDisposal, { where: { listingId: In(ids) } })).map((d) => [d.listingId!, d]));
    return listings.map((listing) => {
      const sale = sales.get(listing.id);
      const disposal = disposals.get(listing.id);
      return {
        id: listing.id,
        itemId: listing.itemId,
        barcode: listing.barcode,
        branch: listing.branch,
        channel: listing.channel,
        condition: listing.condition,
        exLibrary: listing.exLibrary,
        price: listing.price,
        currency: listing.currency,
        isbn: listing.isbn,
        title: listing.title,
        creators: listing.creators,
        publicationYear: listing.publicationYear,
        status: listing.status,
        listedBy: listing.listedBy,
        listedAt: listing.listedAt.toISOString(),
        closedBy: listing.closedBy,
        closedAt: listing.closedAt?.toISOString() ?? null,
        sale: sale ? toSaleView(sale) : null,
        disposal: disposal ? { method: disposal.method, disposedBy: disposal.disposedBy, disposedAt: disposal.disposedAt.toISOString() } : null,
      };
    });
  }
}

function toPlatformView(view: ListingView): PlatformListingView {
  return {
    id: view.id,
    sku: view.barcode,
    isbn: view.isbn,
    title: view.title,
    creators: view.creators,
    publicationYear: view.publicationYear,
    condition: view.condition,
    exLibrary: view.exLibrary,
    price: view.price,
    currency: view.currency,
    status: view.status,
    listedAt: view.listedAt,
    sale: view.sale,
  };
}
