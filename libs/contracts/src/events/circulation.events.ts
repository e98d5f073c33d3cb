import { IsISO8601, IsString, MaxLength } from 'class-validator';
import { IsLibraryBarcode } from '../identifiers/identifier-validators';
import { defineEvent } from './event-catalog';

/** Published by the library's circulation system, not by this platform. */
export class CirculationFactData {
  @IsLibraryBarcode() barcode!: string;
  @IsISO8601({ strict: true }) occurredAt!: string;
  @IsString() @MaxLength(16) branch!: string;
}

export const ItemCheckedOut = defineEvent({
  type: 'circulation.item.checked-out',
  schemaVersion: 1,
  producer: 'circulation',
  dataClass: CirculationFactData,
  description: 'A patron checked the item out (published by the circulation system).',
});

export const ItemCheckedIn = defineEvent({
  type: 'circulation.item.checked-in',
  schemaVersion: 1,
  producer: 'circulation',
  dataClass: CirculationFactData,
  description: 'The item was checked in (published by the circulation system).',
});
