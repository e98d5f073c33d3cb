import {
  Barcode,
  barcodePolicy,
  codabarCheckDigit,
  configureBarcodePolicy,
  makeCodabarBarcode,
  resetBarcodePolicy,
} from './barcode';
import { InvalidIdentifierError } from './invalid-identifier.error';

function errorFor(raw: string): InvalidIdentifierError {
  try {
    Barcode.parse(raw);
  } catch (error) {
    if (error instanceof InvalidIdentifierError) return error;
    throw error;
  }
  throw new Error(`expected "${raw}" to be rejected`);
}

afterEach(() => resetBarcodePolicy());

describe('codabarCheckDigit', () => {
  it.each([
    // Worked examples from the domain reference (jerseycat, Dynix, NC Cardinal).
    ['3023400051786', 1],
    ['3319100010586', 4],
    ['5819800094399', 6],
    // Hand-computed: odd positions doubled (minus 9 over 9) plus even positions.
    ['3000000000000', 4], // 6 → 4
    ['3123456789012', 2], // 32 + 26 = 58 → 2
    ['3999999999999', 6], // 6 + 6×9 (18 − 9) + 6×9 = 114 → 6
    ['3000000000005', 3], // 13th digit is in an odd position: 6 + (10 − 9) = 7 → 3
    ['3000000000050', 9], // 12th digit is in an even position, added as is: 6 + 5 = 11 → 9
  ])('gives the check digit of %s as %i', (first13, expected) => {
    expect(codabarCheckDigit(first13)).toBe(expected);
  });

  it('refuses anything but exactly 13 digits', () => {
    expect(() => codabarCheckDigit('302340005178')).toThrow(RangeError);
    expect(() => codabarCheckDigit('30234000517861')).toThrow(RangeError);
    expect(() => codabarCheckDigit('302340005178A')).toThrow(RangeError);
  });
});

describe('makeCodabarBarcode', () => {
  it('builds the item barcode from institution and sequence, with its check digit', () => {
    expect(makeCodabarBarcode('0234', 51786)).toBe('30234000517861');
    expect(makeCodabarBarcode('3191', 10586)).toBe('33191000105864');
  });

  it('produces barcodes that Barcode.parse accepts', () => {
    for (const sequence of [0, 1, 42, 99_999_999]) {
      expect(Barcode.isValid(makeCodabarBarcode('1234', sequence))).toBe(true);
    }
  });

  it('rejects institution codes that are not 4 digits and out-of-range sequences', () => {
    expect(() => makeCodabarBarcode('123', 1)).toThrow(RangeError);
    expect(() => makeCodabarBarcode('12a4', 1)).toThrow(RangeError);
    expect(() => makeCodabarBarcode('1234', -1)).toThrow(RangeError);
    expect(() => makeCodabarBarcode('1234', 100_000_000)).toThrow(RangeError);
    expect(() => makeCodabarBarcode('1234', 1.5)).toThrow(RangeError);
  });
});

describe('Barcode', () => {
  it('accepts a Codabar item barcode and exposes its institution and sequence', () => {
    const barcode = Barcode.parse('30234000517861');
    expect(barcode.value).toBe('30234000517861');
    expect(barcode.toString()).toBe('30234000517861');
    expect(barcode.format).toBe('codabar');
    expect(barcode.institution).toBe('0234');
    expect(barcode.sequence).toBe(51786);
  });

  it('trims surrounding whitespace from a scan but changes nothing else', () => {
    expect(Barcode.parse('  30234000517861\n').value).toBe('30234000517861');
    expect(errorFor('3023 4000 5178 61').message).toBe('barcode must contain digits only');
  });

  it('serialises to the plain barcode string', () => {
    expect(JSON.stringify({ barcode: Barcode.parse('30234000517861') })).toBe('{"barcode":"30234000517861"}');
  });

  it('treats barcodes with the same digits as equal', () => {
    expect(Barcode.parse('30234000517861').equals(Barcode.parse(' 30234000517861 '))).toBe(true);
  });

  it('rejects a barcode of the wrong length, saying how many digits it has', () => {
    expect(errorFor('3023400051786').message).toBe('barcode must have 14 digits, got 13');
    expect(errorFor('302340005178612').message).toBe('barcode must have 14 digits, got 15');
  });

  it('rejects a barcode that does not start with 3, pointing out patron cards', () => {
    expect(errorFor('20234000517863').message).toBe('first digit should be 3 for an item barcode, got 2 (2 is a patron card)');
    expect(errorFor('40234000517869').message).toBe('first digit should be 3 for an item barcode, got 4');
  });

  it('rejects a wrong check digit, naming the right one', () => {
    const error = errorFor('30234000517862');
    expect(error).toBeInstanceOf(InvalidIdentifierError);
    expect(error.kind).toBe('barcode');
    expect(error.message).toBe('check digit should be 1, not 2');
  });

  it('rejects non-digits and empty input', () => {
    expect(errorFor('3023400051786A').message).toBe('barcode must contain digits only');
    expect(errorFor('').message).toBe('barcode is empty');
    expect(errorFor('   ').message).toBe('barcode is empty');
  });

  it('reports isValid without throwing, including for non-strings', () => {
    expect(Barcode.isValid('30234000517861')).toBe(true);
    expect(Barcode.isValid('30234000517862')).toBe(false);
    expect(Barcode.isValid(30234000517861)).toBe(false);
    expect(Barcode.isValid(undefined)).toBe(false);
  });

  describe('with a legacy barcode policy', () => {
    it('also accepts barcodes matching the legacy pattern, as they are', () => {
      configureBarcodePolicy({ legacyPattern: /[A-Z]\d{6}/ });
      const legacy = Barcode.parse(' A123456 ');
      expect(legacy.value).toBe('A123456');
      expect(legacy.format).toBe('legacy');
      expect(legacy.institution).toBeUndefined();
      expect(legacy.sequence).toBeUndefined();
      expect(Barcode.parse('30234000517861').format).toBe('codabar');
    });

    it('matches the legacy pattern against the whole barcode, not a substring', () => {
      configureBarcodePolicy({ legacyPattern: '\\d{10}' });
      expect(Barcode.isValid('1234567890')).toBe(true);
      expect(Barcode.isValid('12345678901')).toBe(false);
      expect(Barcode.isValid('x1234567890')).toBe(false);
    });

    it('still rejects barcodes that fit neither rule, saying so', () => {
      configureBarcodePolicy({ legacyPattern: /[A-Z]\d{6}/ });
      expect(errorFor('30234000517862').message).toBe(
        'check digit should be 1, not 2 and it does not match the legacy barcode pattern',
      );
    });

    it('gives the same answer on repeated calls even for a global regex', () => {
      configureBarcodePolicy({ legacyPattern: /\d{6}/g });
      expect([1, 2, 3].map(() => Barcode.isValid('123456'))).toEqual([true, true, true]);
    });

    it('keeps legacy pattern flags that matter, such as case-insensitivity', () => {
      configureBarcodePolicy({ legacyPattern: /lib-\d+/i });
      expect(Barcode.parse('LIB-42').value).toBe('LIB-42');
    });

    it('is back to Codabar only after resetBarcodePolicy', () => {
      configureBarcodePolicy({ legacyPattern: /[A-Z]\d{6}/ });
      resetBarcodePolicy();
      expect(Barcode.isValid('A123456')).toBe(false);
    });

    it('can be given per call for a tenant without changing the deployment policy', () => {
      const tenantPolicy = barcodePolicy({ legacyPattern: /[A-Z]\d{6}/ });
      expect(Barcode.parse('A123456', tenantPolicy).format).toBe('legacy');
      expect(Barcode.isValid('A123456')).toBe(false);
    });
  });
});
