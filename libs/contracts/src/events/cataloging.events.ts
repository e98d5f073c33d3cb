import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { MATERIAL_TYPES, MaterialType } from '../catalog/material';
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

/** The CREW/MUSTIE factors a librarian can record on an item (SPEC §5, weeding rules). */
export const ITEM_CONDITIONS = ['misleading', 'worn', 'superseded', 'trivial', 'irrelevant', 'elsewhere'] as const;
export type ItemCondition = (typeof ITEM_CONDITIONS)[number];

/**
 * What other services need to know about an item, carried on cataloging's item events so that
 * conservation and disposal keep their own read models without reading cataloging's tables.
 */
export class ItemSnapshot {
  @IsUUID() recordId!: string;
  @IsString() @MaxLength(500) title!: string;
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) creators!: string[];
  @IsOptional() @IsString() @MaxLength(13) isbn!: string | null;
  @IsOptional() @IsString() @MaxLength(9) issn!: string | null;
  @IsOptional() @IsInt() publicationYear!: number | null;
  @IsIn(MATERIAL_TYPES) materialType!: MaterialType;
  @IsOptional() @IsString() @MaxLength(64) collection!: string | null;
  @IsOptional() @IsString() @MaxLength(100) callNumber!: string | null;
  @IsOptional() @IsIn(CALL_NUMBER_SCHEMES) callNumberScheme!: CallNumberScheme | null;
  @IsOptional() @IsString() @MaxLength(300) shelfKey!: string | null;
  @IsInt() @Min(0) checkoutCount!: number;
  @IsOptional() @IsISO8601() lastCirculatedAt!: string | null;
  @IsOptional() @IsISO8601() shelvedAt!: string | null;
  @IsArray() @IsIn(ITEM_CONDITIONS, { each: true }) conditions!: ItemCondition[];
}

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
  /** The item as it is after the change (read models of other services are built from it). */
  @IsOptional() @ValidateNested() @Type(() => ItemSnapshot) item?: ItemSnapshot;
}

export const ItemStatusChanged = defineEvent({
  type: 'cataloging.item.status-changed',
  schemaVersion: 1,
  producer: 'cataloging',
  dataClass: ItemStatusChangedData,
  description:
    'The status of record of an item changed (cataloging is the system of record). One event per change that is committed as the ' +
    "item's status: a new item is announced at the status it moves on to on arrival (version 2, from RECEIVED); its receipt " +
    'itself, version 1 in the history, is intake.item.received.',
});

export class ItemUpdatedData {
  @IsUUID() itemId!: string;
  @IsOptional() @IsLibraryBarcode() barcode!: string | null;
  @IsString() @MaxLength(16) branch!: string;
  @IsIn(ITEM_STATUSES) status!: ItemStatus;
  /** The item's version: the same counter as status changes, so read models apply facts in order. */
  @IsInt() @Min(1) version!: number;
  /** What changed: `call-number`, `conditions`, `circulation`. */
  @IsArray() @IsString({ each: true }) changed!: string[];
  @ValidateNested() @Type(() => ItemSnapshot) item!: ItemSnapshot;
}

export const ItemUpdated = defineEvent({
  type: 'cataloging.item.updated',
  schemaVersion: 1,
  producer: 'cataloging',
  dataClass: ItemUpdatedData,
  description: 'Facts about an item changed without a status change (call number, conditions, circulation).',
});
