import { IsIn, IsOptional, validateSync, ValidationError } from 'class-validator';
import { configureBarcodePolicy, resetBarcodePolicy } from './barcode';
import { CALL_NUMBER_SCHEMES } from './call-number';
import { IsCallNumber, IsIsbn, IsIssn, IsLibraryBarcode } from './identifier-validators';

class ItemDto {
  @IsLibraryBarcode()
  barcode!: unknown;

  @IsOptional()
  @IsIsbn()
  isbn?: unknown;

  @IsOptional()
  @IsIssn()
  issn?: unknown;

  @IsOptional()
  @IsIn(CALL_NUMBER_SCHEMES)
  callNumberScheme?: unknown;

  @IsOptional()
  @IsCallNumber()
  callNumber?: unknown;
}

class HoldingsDto {
  scheme?: string;

  @IsCallNumber('scheme')
  shelfMark!: string;

  @IsIsbn({ each: true })
  isbns: string[] = [];

  @IsIssn({ message: 'not an ISSN' })
  issn = '0317-8471';
}

const VALID_ITEM = { barcode: '30234000517861' };

function errorsOf<T extends object>(Dto: new () => T, values: Record<string, unknown>): Record<string, string[]> {
  const dto = Object.assign(new Dto(), values);
  const messages: Record<string, string[]> = {};
  for (const error of validateSync(dto) as ValidationError[]) {
    messages[error.property] = Object.values(error.constraints ?? {});
  }
  return messages;
}

afterEach(() => resetBarcodePolicy());

describe('identifier validators', () => {
  it('pass a DTO whose identifiers are all valid', () => {
    expect(
      errorsOf(ItemDto, {
        barcode: '30234000517861',
        isbn: '978-0-306-40615-7',
        issn: '1050-124X',
        callNumberScheme: 'lc',
        callNumber: 'QA76.73 .J38 S55 2010',
      }),
    ).toEqual({});
  });

  it('name the property and the reason for a bad barcode', () => {
    expect(errorsOf(ItemDto, { barcode: '30234000517862' })).toEqual({ barcode: ['barcode: check digit should be 1, not 2'] });
  });

  it('name the property and the expected check digit for a bad ISBN', () => {
    expect(errorsOf(ItemDto, { ...VALID_ITEM, isbn: '978-0-306-40615-8' })).toEqual({
      isbn: ['isbn: ISBN-13 check digit should be 7, not 8'],
    });
  });

  it('name the property and the reason for a bad ISSN', () => {
    expect(errorsOf(ItemDto, { ...VALID_ITEM, issn: '0317-8472' })).toEqual({ issn: ['issn: check digit should be 1, not 2'] });
  });

  it('reject values that are not strings', () => {
    expect(errorsOf(ItemDto, { barcode: 30234000517861 })).toEqual({ barcode: ['barcode: must be a string'] });
  });

  it('validate a call number against the scheme in its sibling property', () => {
    expect(errorsOf(ItemDto, { ...VALID_ITEM, callNumberScheme: 'ddc', callNumber: '641.5 BRO' })).toEqual({});
    expect(errorsOf(ItemDto, { ...VALID_ITEM, callNumberScheme: 'ddc', callNumber: '64.5 X' })).toEqual({
      callNumber: ['callNumber: Dewey class number must have 3 digits (000–999), not "64.5"'],
    });
    expect(errorsOf(ItemDto, { ...VALID_ITEM, callNumberScheme: 'lc', callNumber: '641.5 BRO' })).toEqual({
      callNumber: [
        'callNumber: LC call number must start with 1–3 class letters and a class number (e.g. QA76), not "641.5"',
      ],
    });
  });

  it('leave the call number alone when the scheme is missing or unknown, for the scheme validator to report', () => {
    expect(errorsOf(ItemDto, { ...VALID_ITEM, callNumber: '64.5 X' })).toEqual({});
    expect(errorsOf(ItemDto, { ...VALID_ITEM, callNumberScheme: 'nlm', callNumber: '64.5 X' })).toEqual({
      callNumberScheme: [expect.stringContaining('callNumberScheme must be one of the following values')],
    });
  });

  it('read the scheme case-insensitively from a custom sibling property', () => {
    expect(errorsOf(HoldingsDto, { scheme: 'LC', shelfMark: 'QA76 .A1' })).toEqual({});
    expect(errorsOf(HoldingsDto, { scheme: 'LC', shelfMark: '123ABC' })).toEqual({
      shelfMark: ['shelfMark: LC call number must start with 1–3 class letters and a class number (e.g. QA76), not "123ABC"'],
    });
  });

  it('point at the failing element when validating each item of an array', () => {
    expect(errorsOf(HoldingsDto, { shelfMark: 'x', isbns: ['0-306-40615-2', '0-306-40615-3'] })).toEqual({
      isbns: ['isbns[1]: ISBN-10 check digit should be 2, not 3'],
    });
  });

  it('use a custom message when one is given', () => {
    expect(errorsOf(HoldingsDto, { shelfMark: 'x', issn: '0317-8472' })).toEqual({ issn: ['not an ISSN'] });
  });

  it('follow the configured barcode policy', () => {
    expect(errorsOf(ItemDto, { barcode: 'A123456' })).toEqual({ barcode: ['barcode: barcode must contain digits only'] });
    configureBarcodePolicy({ legacyPattern: /[A-Z]\d{6}/ });
    expect(errorsOf(ItemDto, { barcode: 'A123456' })).toEqual({});
  });
});
