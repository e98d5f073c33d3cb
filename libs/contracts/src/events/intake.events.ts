import {
  ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateIf,
} from 'class-validator';
import { MATERIAL_TYPES, MaterialType, PROCESSING_STEP_PATTERN } from '../catalog/material';
import { CALL_NUMBER_SCHEMES, CallNumberScheme } from '../identifiers';
import { IsCallNumber, IsIsbn, IsIssn, IsLibraryBarcode } from '../identifiers/identifier-validators';
import { defineEvent } from './event-catalog';

export class ItemReceivedData {
  @IsUUID() itemId!: string;
  @IsUUID() shipmentId!: string;
  @IsString() @MaxLength(16) branch!: string;
  @IsIn(MATERIAL_TYPES) materialType!: MaterialType;
  /** Physical items always carry one; electronic resources never do. */
  @ValidateIf((o: ItemReceivedData) => o.materialType !== 'e-resource' || o.barcode != null)
  @IsLibraryBarcode()
  barcode!: string | null;
  @IsString() @IsNotEmpty() @MaxLength(500) title!: string;
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(200, { each: true }) creators!: string[];
  @IsOptional() @IsIsbn() isbn!: string | null;
  @IsOptional() @IsIssn() issn!: string | null;
  @IsOptional() @IsString() @MaxLength(200) publisher!: string | null;
  @IsOptional() @IsInt() @Min(1000) @Max(3000) publicationYear!: number | null;
  @IsOptional() @IsCallNumber('callNumberScheme') callNumber!: string | null;
  @ValidateIf((o: ItemReceivedData) => o.callNumber != null) @IsIn(CALL_NUMBER_SCHEMES) callNumberScheme!: CallNumberScheme | null;
  @IsOptional() @IsString() @MaxLength(64) collection!: string | null;
  @IsOptional() @Matches(/^\d{1,9}(\.\d{1,2})?$/) price!: string | null;
  @IsOptional() @Matches(/^[A-Z]{3}$/) currency!: string | null;
  /** The branch's profile for this material type, in order, and what is still to do. */
  @IsArray() @Matches(PROCESSING_STEP_PATTERN, { each: true }) requiredSteps!: string[];
  @IsArray() @Matches(PROCESSING_STEP_PATTERN, { each: true }) pendingSteps!: string[];
  @IsString() @MaxLength(200) supplier!: string;
  @IsString() @MaxLength(200) receivedBy!: string;
}

export const ItemReceived = defineEvent({
  type: 'intake.item.received',
  schemaVersion: 1,
  producer: 'intake',
  dataClass: ItemReceivedData,
  description: 'An item was recorded at intake from a supplier shipment, with its processing still to do.',
});

export class ItemProcessedData {
  @IsUUID() itemId!: string;
  @IsOptional() @IsLibraryBarcode() barcode!: string | null;
  @IsString() @MaxLength(16) branch!: string;
  @IsArray() @Matches(PROCESSING_STEP_PATTERN, { each: true }) completedSteps!: string[];
  @IsString() @MaxLength(200) completedBy!: string;
}

export const ItemProcessed = defineEvent({
  type: 'intake.item.processed',
  schemaVersion: 1,
  producer: 'intake',
  dataClass: ItemProcessedData,
  description: 'Every processing step the item needs is done: it can go to the shelvers.',
});
