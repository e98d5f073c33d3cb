import { InvalidIdentifierError } from './invalid-identifier.error';

/** ISBN-10 check character: weights 10..2 over 9 digits, mod 11, with 10 written as X. */
export function isbn10CheckDigit(first9: string): string {
  if (!/^\d{9}$/.test(first9)) throw new RangeError(`isbn10CheckDigit needs 9 digits, got "${first9}"`);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (first9.charCodeAt(i) - 48) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** ISBN-13 (EAN-13) check digit: weights 1,3,1,3… over 12 digits, mod 10. */
export function isbn13CheckDigit(first12: string): number {
  if (!/^\d{12}$/.test(first12)) throw new RangeError(`isbn13CheckDigit needs 12 digits, got "${first12}"`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (first12.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

function fail(message: string, raw: unknown): never {
  throw new InvalidIdentifierError('isbn', message, raw);
}

/**
 * An ISBN, held as its 13-digit form so ISBN-10 and ISBN-13 spellings of the same book are equal.
 * Input may carry hyphens or spaces anywhere (publishers hyphenate by registration group).
 */
export class Isbn {
  private constructor(
    /** 13 digits, no hyphens. */
    readonly isbn13: string,
  ) {}

  static parse(raw: string): Isbn {
    if (typeof raw !== 'string') fail('ISBN must be a string', raw);
    const compact = raw.replace(/[\s-]/g, '').toUpperCase();
    if (compact === '') fail('ISBN is empty', raw);
    if (!/^[\dX]+$/.test(compact)) fail('ISBN may contain only digits, hyphens, spaces and a final X', raw);
    if (compact.length === 10) {
      if (compact.slice(0, 9).includes('X')) fail('X is only allowed as the last character of an ISBN-10', raw);
      const expected = isbn10CheckDigit(compact.slice(0, 9));
      if (compact[9] !== expected) fail(`ISBN-10 check digit should be ${expected}, not ${compact[9]}`, raw);
      const first12 = '978' + compact.slice(0, 9);
      return new Isbn(first12 + isbn13CheckDigit(first12));
    }
    if (compact.length === 13) {
      if (compact.includes('X')) fail('X is only allowed as the last character of an ISBN-10', raw);
      if (!/^97[89]/.test(compact)) fail(`ISBN-13 must start with 978 or 979, not ${compact.slice(0, 3)}`, raw);
      const expected = isbn13CheckDigit(compact.slice(0, 12));
      if (Number(compact[12]) !== expected) fail(`ISBN-13 check digit should be ${expected}, not ${compact[12]}`, raw);
      return new Isbn(compact);
    }
    return fail(`ISBN must have 10 or 13 digits, got ${compact.length}`, raw);
  }

  static isValid(raw: unknown): boolean {
    if (typeof raw !== 'string') return false;
    try {
      Isbn.parse(raw);
      return true;
    } catch {
      return false;
    }
  }

  /** The canonical form (13 digits). */
  get value(): string {
    return this.isbn13;
  }

  /** The 10-character form; only 978 ISBNs have one (979 ones were never issued as ISBN-10). */
  get isbn10(): string | null {
    if (!this.isbn13.startsWith('978')) return null;
    const first9 = this.isbn13.slice(3, 12);
    return first9 + isbn10CheckDigit(first9);
  }

  equals(other: Isbn): boolean {
    return this.isbn13 === other.isbn13;
  }

  toString(): string {
    return this.isbn13;
  }

  toJSON(): string {
    return this.isbn13;
  }
}
