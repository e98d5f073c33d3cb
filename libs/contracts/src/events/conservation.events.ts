import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { IsLibraryBarcode } from '../identifiers/identifier-validators';
import { defineEvent } from './event-catalog';

export const PULL_REASONS = ['repair', 'binding'] as const;
export type PullReason = (typeof PULL_REASONS)[number];

export const REPAIR_OUTCOMES = ['repaired', 'bindery', 'condemned'] as const;
export type RepairOutcome = (typeof REPAIR_OUTCOMES)[number];

export class ItemRefData {
  @IsUUID() itemId!: string;
  @IsLibraryBarcode() barcode!: string;
  @IsString() @MaxLength(16) branch!: string;
}

export class ItemPulledData extends ItemRefData {
  @IsUUID() pullRequestId!: string;
  @IsIn(PULL_REASONS) reason!: PullReason;
  @IsString() @MaxLength(200) pulledBy!: string;
}

export const ItemPulled = defineEvent({
  type: 'conservation.item.pulled',
  schemaVersion: 1,
  producer: 'conservation',
  dataClass: ItemPulledData,
  description: 'An item was taken off the shelf for repair (IN_REPAIR) or binding (AWAITING_BINDERY).',
});

export class PullNotFoundData extends ItemRefData {
  @IsUUID() pullRequestId!: string;
  @IsString() @MaxLength(200) reportedBy!: string;
}

export const PullNotFound = defineEvent({
  type: 'conservation.item.not-found',
  schemaVersion: 1,
  producer: 'conservation',
  dataClass: PullNotFoundData,
  description: 'A pull found nothing on the shelf: the item is MISSING.',
});

export class RepairCompletedData extends ItemRefData {
  @IsUUID() repairId!: string;
  @IsString() @MaxLength(40) treatment!: string;
  @IsIn(REPAIR_OUTCOMES) outcome!: RepairOutcome;
  @IsOptional() @IsInt() @Min(0) minutes!: number | null;
  @IsString() @MaxLength(200) completedBy!: string;
}

export const RepairCompleted = defineEvent({
  type: 'conservation.repair.completed',
  schemaVersion: 1,
  producer: 'conservation',
  dataClass: RepairCompletedData,
  description: 'A repair ended: repaired (SHELF_READY), sent to the bindery (AWAITING_BINDERY) or condemned.',
});

export class ItemCondemnedData extends ItemRefData {
  @IsUUID() repairId!: string;
  @IsString() @MaxLength(500) reason!: string;
  @IsString() @MaxLength(200) condemnedBy!: string;
}

export const ItemCondemned = defineEvent({
  type: 'conservation.item.condemned',
  schemaVersion: 1,
  producer: 'conservation',
  dataClass: ItemCondemnedData,
  description: 'A repair condemned the item; disposal withdraws it with reason `damaged`.',
});

export class BindingSlip {
  @IsString() @MaxLength(40) bindingStyle!: string;
  @IsString() @MaxLength(40) leafAttachment!: string;
  @IsString() @MaxLength(40) clothColor!: string;
  @IsString() @MaxLength(40) foilColor!: string;
  @IsArray() @ArrayMaxSize(8) @IsString({ each: true }) @MaxLength(60, { each: true }) spineLettering!: string[];
  @IsOptional() @IsString() @MaxLength(1000) instructions!: string | null;
}

export class ShipmentLineData {
  @IsInt() @Min(1) lineNo!: number;
  @IsUUID() itemId!: string;
  @IsLibraryBarcode() barcode!: string;
  @IsOptional() @IsString() @MaxLength(100) callNumber!: string | null;
  @IsString() @MaxLength(500) title!: string;
  @ValidateNested() @Type(() => BindingSlip) slip!: BindingSlip;
}

export class ShipmentDispatchedData {
  @IsUUID() shipmentId!: string;
  @IsString() @MaxLength(40) lotNumber!: string;
  @IsUUID() vendorId!: string;
  @IsString() @MaxLength(64) partnerId!: string;
  @IsString() @MaxLength(16) branch!: string;
  @IsISO8601() dispatchedAt!: string;
  @IsISO8601() expectedReturnAt!: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ShipmentLineData) lines!: ShipmentLineData[];
  @IsString() @MaxLength(200) dispatchedBy!: string;
}

/** Also published to the vendor on `library.partners` as `bindery.<partnerId>.shipment.dispatched`. */
export const ShipmentDispatched = defineEvent({
  type: 'conservation.bindery.shipment.dispatched',
  schemaVersion: 1,
  producer: 'conservation',
  dataClass: ShipmentDispatchedData,
  description: 'A bindery lot left for the vendor with its full manifest: its items are AT_BINDERY.',
});

export class ItemsReturnedData {
  @IsUUID() shipmentId!: string;
  @IsString() @MaxLength(16) branch!: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ItemRefData) items!: ItemRefData[];
  @IsString() @MaxLength(200) returnedBy!: string;
}

export const BinderyItemsReturned = defineEvent({
  type: 'conservation.bindery.items.returned',
  schemaVersion: 1,
  producer: 'conservation',
  dataClass: ItemsReturnedData,
  description: 'Items came back bound from the vendor: each goes to reshelving (SHELF_READY).',
});

export class ShipmentReturnedData {
  @IsUUID() shipmentId!: string;
  @IsString() @MaxLength(40) lotNumber!: string;
  @IsString() @MaxLength(64) partnerId!: string;
  @IsString() @MaxLength(16) branch!: string;
  @IsISO8601() returnedAt!: string;
  @IsInt() @Min(1) lineCount!: number;
}

export const ShipmentReturned = defineEvent({
  type: 'conservation.bindery.shipment.returned',
  schemaVersion: 1,
  producer: 'conservation',
  dataClass: ShipmentReturnedData,
  description: 'Every line of a bindery lot is back: the lot is closed.',
});

