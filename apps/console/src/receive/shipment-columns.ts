import { CALL_NUMBER_SCHEMES, MATERIAL_TYPES, SECURITY_TAG_TYPES } from '@app/contracts';

export interface ShipmentColumn {
  key: string;
  label: string;
  required?: boolean;
  /** Several values in one cell, separated by `;`. */
  list?: boolean;
  describe: string;
  /** The accepted values, offered as suggestions while typing. */
  options?: readonly string[];
}

/**
 * The supplier CSV, one row per item, in the order of intake's shipment lines. These are the
 * documented columns (the Receive page shows this table); any order, headers matched ignoring case,
 * spaces, `-` and `_`.
 */
export const SHIPMENT_COLUMNS: readonly ShipmentColumn[] = [
  { key: 'materialType', label: 'Material type', required: true, describe: MATERIAL_TYPES.join(', '), options: MATERIAL_TYPES },
  { key: 'title', label: 'Title', required: true, describe: 'the title as on the item' },
  { key: 'barcode', label: 'Barcode', describe: '14-digit item barcode; required for physical items, empty for an e-resource' },
  { key: 'creators', label: 'Creators', list: true, describe: 'authors, editors…; several separated by ;' },
  { key: 'isbn', label: 'ISBN', describe: 'ISBN-10 or ISBN-13, hyphens allowed' },
  { key: 'issn', label: 'ISSN', describe: 'for serials, e.g. 0317-8471' },
  { key: 'publisher', label: 'Publisher', describe: '' },
  { key: 'publicationYear', label: 'Year', describe: 'four digits' },
  { key: 'callNumber', label: 'Call number', describe: 'only when the vendor applied a spine label (pre-labelled)' },
  { key: 'callNumberScheme', label: 'Scheme', describe: `with a call number: ${CALL_NUMBER_SCHEMES.join(', ')}`, options: CALL_NUMBER_SCHEMES },
  { key: 'securityTag', label: 'Security tag', describe: `the tag the vendor applied: ${SECURITY_TAG_TYPES.join(', ')}`, options: SECURITY_TAG_TYPES },
  { key: 'preApplied', label: 'Done by vendor', list: true, describe: 'other steps the vendor did, e.g. cover; several separated by ;' },
  { key: 'collection', label: 'Collection', describe: 'where it is shelved, e.g. Adult Nonfiction' },
  { key: 'price', label: 'Price', describe: 'decimal, e.g. 24.95' },
  { key: 'currency', label: 'Currency', describe: 'ISO code such as USD; the library default when empty' },
];

export const COLUMN_KEYS = SHIPMENT_COLUMNS.map((c) => c.key);

/** One line as the person sees and edits it: text cells by column key. */
export type LineCells = Partial<Record<string, string>>;

/** A shipment line as intake's `POST /shipments` takes it. */
export type ShipmentItemBody = Record<string, string | number | string[]>;

const normalise = (header: string) => header.toLowerCase().replace(/[\s_-]+/g, '');
const BY_HEADER = new Map<string, string>([
  ...SHIPMENT_COLUMNS.map((c) => [normalise(c.key), c.key] as [string, string]),
  ...SHIPMENT_COLUMNS.map((c) => [normalise(c.label), c.key] as [string, string]),
  ['author', 'creators'],
  ['authors', 'creators'],
  ['scheme', 'callNumberScheme'],
  ['year', 'publicationYear'],
  ['type', 'materialType'],
]);

export function columnOf(header: string): string | undefined {
  return BY_HEADER.get(normalise(header));
}

/**
 * Text cells → intake's line: blanks left out, list cells split on `;`, a numeric year made a number,
 * codes lower-cased. Anything still wrong is left for intake to name (it is the one validator).
 */
export function toShipmentItem(cells: LineCells): ShipmentItemBody {
  const item: ShipmentItemBody = {};
  for (const column of SHIPMENT_COLUMNS) {
    const value = (cells[column.key] ?? '').trim();
    if (value === '') continue;
    if (column.list) {
      const parts = value.split(';').map((v) => v.trim()).filter(Boolean);
      if (parts.length) item[column.key] = parts;
    } else if (column.key === 'publicationYear' && /^\d{1,4}$/.test(value)) {
      item[column.key] = Number(value);
    } else if (['materialType', 'callNumberScheme', 'securityTag'].includes(column.key)) {
      item[column.key] = value.toLowerCase();
    } else if (column.key === 'currency') {
      item[column.key] = value.toUpperCase();
    } else if (column.key === 'barcode') {
      item[column.key] = value.replace(/\s+/g, '');
    } else {
      item[column.key] = value;
    }
  }
  return item;
}
