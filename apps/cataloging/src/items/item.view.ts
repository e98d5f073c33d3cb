import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CALL_NUMBER_SCHEMES, CallNumberScheme, ITEM_STATUSES, ItemStatus, MATERIAL_TYPES, MaterialType } from '@app/contracts';

export class CallNumberView {
  @ApiProperty({ example: 'QA76.73 .J38 S55 2010' }) value!: string;
  @ApiProperty({ enum: CALL_NUMBER_SCHEMES }) scheme!: CallNumberScheme;
}

export class RecordSummaryView {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) creators!: string[];
  @ApiPropertyOptional({ type: String, nullable: true, description: 'ISBN-13' }) isbn!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) issn!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) publisher!: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) publicationYear!: number | null;
}

export class ItemView {
  @ApiProperty() id!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'electronic resources have none' }) barcode!: string | null;
  @ApiProperty() branch!: string;
  @ApiProperty({ enum: MATERIAL_TYPES }) materialType!: MaterialType;
  @ApiProperty({ enum: ITEM_STATUSES }) status!: ItemStatus;
  @ApiProperty() version!: number;
  @ApiPropertyOptional({ type: CallNumberView, nullable: true }) callNumber!: CallNumberView | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'the collection the item is shelved in' }) location!: string | null;
  @ApiProperty({ type: RecordSummaryView }) record!: RecordSummaryView;
  @ApiPropertyOptional({ type: String, nullable: true, example: '24.95' }) price!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'USD' }) currency!: string | null;
  @ApiProperty() processingComplete!: boolean;
  @ApiProperty({ type: [String] }) conditions!: string[];
  @ApiProperty() checkoutCount!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) lastCirculatedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) shelvedAt!: string | null;
  @ApiProperty() receivedAt!: string;
  @ApiProperty() statusChangedAt!: string;
}

/** A catalog_item row joined with its bib_record, as the read queries below select it. */
export interface ItemRow {
  id: string;
  barcode: string | null;
  branch: string;
  material_type: MaterialType;
  status: ItemStatus;
  version: number;
  call_number: string | null;
  call_number_scheme: CallNumberScheme | null;
  collection: string | null;
  price: string | null;
  currency: string | null;
  processing_complete: boolean;
  conditions: string[];
  checkout_count: number;
  last_circulated_at: Date | null;
  shelved_at: Date | null;
  received_at: Date;
  status_changed_at: Date;
  record_id: string;
  title: string;
  creators: string[];
  isbn: string | null;
  issn: string | null;
  publisher: string | null;
  publication_year: number | null;
}

/** Reads go through plain SQL over this projection; `i` is catalog_item, `r` its bib_record. */
export const ITEM_ROW_FROM = `
  SELECT i.id, i.barcode, i.branch, i.material_type, i.status, i.version, i.call_number, i.call_number_scheme,
         i.collection, i.price, i.currency, i.processing_complete, i.conditions, i.checkout_count,
         i.last_circulated_at, i.shelved_at, i.received_at, i.status_changed_at,
         r.id AS record_id, r.title, r.creators, r.isbn, r.issn, r.publisher, r.publication_year
  FROM catalog_item i JOIN bib_record r ON r.id = i.record_id`;

export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

export function toRecordSummary(row: Pick<ItemRow, 'record_id' | 'title' | 'creators' | 'isbn' | 'issn' | 'publisher' | 'publication_year'>): RecordSummaryView {
  return {
    id: row.record_id,
    title: row.title,
    creators: row.creators,
    isbn: row.isbn,
    issn: row.issn,
    publisher: row.publisher,
    publicationYear: row.publication_year,
  };
}

export function toCallNumberView(row: Pick<ItemRow, 'call_number' | 'call_number_scheme'>): CallNumberView | null {
  return row.call_number && row.call_number_scheme ? { value: row.call_number, scheme: row.call_number_scheme } : null;
}

export function toItemView(row: ItemRow): ItemView {
  return {
    id: row.id,
    barcode: row.barcode,
    branch: row.branch,
    materialType: row.material_type,
    status: row.status,
    version: row.version,
    callNumber: toCallNumberView(row),
    location: row.collection,
    record: toRecordSummary(row),
    price: row.price,
    currency: row.currency,
    processingComplete: row.processing_complete,
    conditions: row.conditions,
    checkoutCount: row.checkout_count,
    lastCirculatedAt: iso(row.last_circulated_at),
    shelvedAt: iso(row.shelved_at),
    receivedAt: row.received_at.toISOString(),
    statusChangedAt: row.status_changed_at.toISOString(),
  };
}
