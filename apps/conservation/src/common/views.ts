import { ApiProperty } from '@nestjs/swagger';
import { CALL_NUMBER_SCHEMES, CallNumberScheme } from '@app/contracts';

export class CallNumberView {
  @ApiProperty({ example: 'QA76.73 .J38 S55 2010' }) value!: string;
  @ApiProperty({ enum: CALL_NUMBER_SCHEMES }) scheme!: CallNumberScheme;
}

export function toCallNumberView(value: string | null, scheme: CallNumberScheme | null): CallNumberView | null {
  return value && scheme ? { value, scheme } : null;
}

export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/**
 * Shelf order over `item_view i`: schemes shelved apart (in `CALL_NUMBER_SCHEMES` order), then the
 * shelf key byte by byte (never the string order of the call number: QA100 comes after QA76), then
 * the barcode, so the order is total and a list read page by page is one walk along the shelves.
 */
export const SHELF_ORDER = `array_position(ARRAY[${CALL_NUMBER_SCHEMES.map((s) => `'${s}'`).join(', ')}]::text[], i.call_number_scheme) NULLS LAST, i.shelf_key COLLATE "C" NULLS LAST, i.barcode`;
