import { IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsLibraryBarcode } from '../identifiers/identifier-validators';
import { defineEvent } from './event-catalog';

export const WITHDRAWAL_REASONS = ['weeded', 'damaged', 'lost', 'missing', 'superseded', 'duplicate'] as const;
export type WithdrawalReason = (typeof WITHDRAWAL_REASONS)[number];

export const SALE_CONDITIONS = ['like-new', 'very-good', 'good', 'acceptable'] as const;
export type SaleCondition = (typeof SALE_CONDITIONS)[number];

export const DISPOSAL_METHODS = ['donate', 'recycle'] as const;
export type DisposalMethod = (typeof DISPOSAL_METHODS)[number];

const MONEY = /^\d{1,9}\.\d{2}$/;

class DisposalItemData {
  @IsUUID() itemId!: string;
  @IsLibraryBarcode() barcode!: string;
  @IsString() @MaxLength(16) branch!: string;
}

export class ItemWithdrawnData extends DisposalItemData {
  @IsUUID() withdrawalId!: string;
  @IsIn(WITHDRAWAL_REASONS) reason!: WithdrawalReason;
  @IsString() @MaxLength(200) withdrawnBy!: string;
}

export const ItemWithdrawn = defineEvent({
  type: 'disposal.item.withdrawn',
  schemaVersion: 1,
  producer: 'disposal',
  dataClass: ItemWithdrawnData,
  description: 'The item left the collection (WITHDRAWN), with the reason.',
});

export class WeedingPullNotFoundData extends DisposalItemData {
  @IsUUID() candidateId!: string;
  @IsString() @MaxLength(200) reportedBy!: string;
}

export const WeedingPullNotFound = defineEvent({
  type: 'disposal.item.not-found',
  schemaVersion: 1,
  producer: 'disposal',
  dataClass: WeedingPullNotFoundData,
  description: 'A weeding pull found nothing on the shelf: the item is MISSING.',
});

export class ItemListedData extends DisposalItemData {
  @IsUUID() listingId!: string;
  @IsString() @MaxLength(64) channel!: string;
  @IsIn(SALE_CONDITIONS) condition!: SaleCondition;
  @IsBoolean() exLibrary!: boolean;
  @Matches(MONEY) price!: string;
  @Matches(/^[A-Z]{3}$/) currency!: string;
  @IsOptional() @IsString() @MaxLength(13) isbn!: string | null;
  @IsString() @MaxLength(500) title!: string;
  @IsArray() @IsString({ each: true }) creators!: string[];
  @IsOptional() @IsInt() publicationYear!: number | null;
}

/** Also published to the platform on `library.partners` as `sales.<partnerId>.item.listed`. */
export const ItemListed = defineEvent({
  type: 'disposal.item.listed',
  schemaVersion: 1,
  producer: 'disposal',
  dataClass: ItemListedData,
  description: 'A withdrawn item was offered on the sales platform (LISTED_FOR_SALE).',
});

export class ListingWithdrawnData extends DisposalItemData {
  @IsUUID() listingId!: string;
  @IsString() @MaxLength(64) channel!: string;
}

export const ListingWithdrawn = defineEvent({
  type: 'disposal.listing.withdrawn',
  schemaVersion: 1,
  producer: 'disposal',
  dataClass: ListingWithdrawnData,
  description: 'An unsold listing was taken down: the item is WITHDRAWN again.',
});

export class ItemSoldData extends DisposalItemData {
  @IsUUID() listingId!: string;
  @IsString() @MaxLength(64) channel!: string;
  @Matches(MONEY) price!: string;
  @Matches(/^[A-Z]{3}$/) currency!: string;
  @IsString() @MaxLength(100) orderRef!: string;
  @IsISO8601() soldAt!: string;
}

export const ItemSold = defineEvent({
  type: 'disposal.item.sold',
  schemaVersion: 1,
  producer: 'disposal',
  dataClass: ItemSoldData,
  description: 'The sales platform reported a sale (SOLD); the revenue is recorded.',
});

export class ItemDisposedData extends DisposalItemData {
  @IsOptional() @IsUUID() listingId!: string | null;
  @IsIn(DISPOSAL_METHODS) method!: DisposalMethod;
  @IsString() @MaxLength(200) disposedBy!: string;
}

export const ItemDisposed = defineEvent({
  type: 'disposal.item.disposed',
  schemaVersion: 1,
  producer: 'disposal',
  dataClass: ItemDisposedData,
  description: 'An unsold withdrawn item was donated or recycled (DISPOSED).',
});
