import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { DisposalMethod, ItemDisposed, ItemStatus } from '@app/contracts';
import { Transaction, UnitOfWork } from '@app/messaging';
import { ItemViewService } from '../item-view/item-view.service';
import { Withdrawal } from '../withdrawals/withdrawal.entity';
import { WithdrawalsService, WithdrawalView } from '../withdrawals/withdrawals.service';
import { ItemDisposal } from './item-disposal.entity';
import { Listing } from './listing.entity';
import { ListingsService, ListingView } from './listings.service';

/** Donating or recycling unsold withdrawn items: the item is DISPOSED, for good. */
@Injectable()
export class DisposalsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly listings: ListingsService,
    private readonly withdrawals: WithdrawalsService,
    private readonly items: ItemViewService,
  ) {}

  /** An unsold listing (active or withdrawn): the platform is told an active one is down. */
  async disposeListing(id: string, method: DisposalMethod, user: AuthenticatedUser): Promise<ListingView> {
    await this.uow.run(async (tx) => {
      const listing = await this.listings.lockForUser(tx, id, user);
      if (listing.status !== 'active' && listing.status !== 'withdrawn') {
        throw new ConflictException(`listing ${id} is ${listing.status}; only an unsold listing (active or withdrawn) can be disposed of`);
      }
      const withdrawal = await tx.manager.findOne(Withdrawal, { where: { itemId: listing.itemId } });
      await this.record(tx, { itemId: listing.itemId, barcode: listing.barcode, branch: listing.branch, withdrawalId: withdrawal?.id ?? null, listingId: listing.id }, method, user);
      const wasActive = listing.status === 'active';
      Object.assign(listing, { status: 'disposed', closedBy: user.id, closedAt: new Date() });
      await tx.manager.save(Listing, listing);
      if (wasActive) await this.listings.publishTakenDown(tx, listing, { toCataloging: false });
    });
    return this.listings.get(id, user);
  }

  /**
   * A withdrawn item that is not on sale: it must be WITHDRAWN as cataloging reports it (an item
   * whose withdrawal cataloging has not applied yet, or that is listed, sold or disposed, is a 409
   * naming that status).
   */
  async disposeWithdrawn(id: string, method: DisposalMethod, user: AuthenticatedUser): Promise<WithdrawalView> {
    await this.uow.run(async (tx) => {
      const withdrawal = await tx.manager.createQueryBuilder(Withdrawal, 'w').where('w.id = :id', { id }).setLock('pessimistic_write').getOne();
      if (!withdrawal || !user.canActForBranch(withdrawal.branch)) throw new NotFoundException(`withdrawal ${id} not found`);
      const live = await tx.manager.findOne(Listing, { where: { itemId: withdrawal.itemId, status: In(['active', 'sold']) } });
      if (live?.status === 'sold') throw new ConflictException(`item ${withdrawal.barcode} is ${ItemStatus.SOLD} (listing ${live.id}); it cannot be disposed of`);
      if (live) throw new ConflictException(`item ${withdrawal.barcode} is ${ItemStatus.LISTED_FOR_SALE} (listing ${live.id}); dispose of it through POST /listings/${live.id}/dispose`);
      const item = await this.items.byId(tx.manager, withdrawal.itemId, true);
      const status = item?.status ?? 'unknown to disposal';
      if (status !== ItemStatus.WITHDRAWN) {
        throw new ConflictException(`item ${withdrawal.barcode} is ${status}; only a ${ItemStatus.WITHDRAWN} item can be disposed of (cataloging has not confirmed the withdrawal yet?)`);
      }
      await this.record(tx, { itemId: withdrawal.itemId, barcode: withdrawal.barcode, branch: withdrawal.branch, withdrawalId: withdrawal.id, listingId: null }, method, user);
    });
    return this.withdrawals.get(id, user);
  }

  private async record(
    tx: Transaction,
    item: { itemId: string; barcode: string; branch: string; withdrawalId: string | null; listingId: string | null },
    method: DisposalMethod,
    user: AuthenticatedUser,
  ): Promise<void> {
    const disposal = Object.assign(new ItemDisposal(), { id: randomUUID(), ...item, method, disposedBy: user.id, disposedAt: new Date() });
    const inserted = await tx.manager.createQueryBuilder().insert().into(ItemDisposal).values(disposal).orIgnore().returning('id').execute();
    if (inserted.raw.length === 0) throw new ConflictException(`item ${item.barcode} is ${ItemStatus.DISPOSED} already`);
    tx.publish(
      ItemDisposed,
      { itemId: item.itemId, barcode: item.barcode, branch: item.branch, listingId: item.listingId, method, disposedBy: user.id },
      { branch: item.branch },
    );
  }
}
