import { IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min } from 'class-validator';
import { CALL_NUMBER_SCHEMES, CallNumberScheme } from '../identifiers';
import { IsCallNumber, IsLibraryBarcode } from '../identifiers/identifier-validators';
import { ITEM_STATUSES, ItemStatus } from '../status/item-status';
import { defineEvent } from './event-catalog';

export class CallNumberAssignedData {
  @IsUUID() itemId!: string;
  @IsOptional() @IsLibraryBarcode() barcode!: string | null;
  @IsString() @MaxLength(16) branch!: string;
  @IsCallNumber('scheme') callNumber!: string;
  @IsIn(CALL_NUMBER_SCHEMES) scheme!: CallNumberScheme;
  @IsString() @MaxLength(300) shelfKey!: string;
  @IsString() @MaxLength(200) assignedBy!: string;
}

export const CallNumberAssigned = defineEvent({
  type: 'cataloging.call-number.assigned',
  schemaVersion: 1,
  producer: 'cataloging',
  dataClass: CallNumberAssignedData,
  description: 'A cataloger assigned a call number; intake may now print the spine label.',
});

export class ItemStatusChangedData {
  @IsUUID() itemId!: string;
  @IsOptional() @IsLibraryBarcode() barcode!: string | null;
  @IsString() @MaxLength(16) branch!: string;
  @IsOptional() @IsIn(ITEM_STATUSES) from!: ItemStatus | null;
  @IsIn(ITEM_STATUSES) to!: ItemStatus;
  /** Increases by one with every change of the item: consumers ignore a version they have passed. */
  @IsInt() @Min(1) version!: number;
  @IsString() @MaxLength(200) actor!: string;
  @IsOptional() @IsString() @MaxLength(500) reason!: string | null;
}

export const ItemStatusChanged = defineEvent({
  type: 'cataloging.item.status-changed',
  schemaVersion: 1,
  producer: 'cataloging',
  dataClass: ItemStatusChangedData,
  description: 'The status of record of an item changed (cataloging is the system of record).',
});
