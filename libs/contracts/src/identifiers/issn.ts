import { InvalidIdentifierError } from './invalid-identifier.error';

/** ISSN check character: weights 8..2 over 7 digits, mod 11, with 10 written as X. */
export function issnCheckDigit(first7: string): string {
  if (!/^\d{7}$/.test(first7)) throw new RangeError(`issnCheckDigit needs 7 digits, got "${first7}"`);
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += (first7.charCodeAt(i) - 48) * (8 - i);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** An ISSN, normalised to the printed `NNNN-NNNC` form (uppercase X). */
export class Issn {
  private constructor(readonly value: string) {}

  static parse(raw: string): Issn {
    if (typeof raw !== 'string') throw new InvalidIdentifierError('issn', 'ISSN must be a string', raw);
    const trimmed = raw.trim().toUpperCase();
    if (trimmed === '') throw new InvalidIdentifierError('issn', 'ISSN is empty', raw);
    const match = /^(\d{4})-?(\d{3})([\dX])$/.exec(trimmed);
    if (!match) {
      throw new InvalidIdentifierError('issn', 'ISSN must be 8 characters as NNNN-NNNC (digits, last may be X)', raw);
    }
    const [, head, tail, check] = match;
    const expected = issnCheckDigit(head + tail);
    if (check !== expected) {
      throw new InvalidIdentifierError('issn', `check digit should be ${expected}, not ${check}`, raw);
    }
    return new Issn(`${head}-${tail}${check}`);
  }

  static isValid(raw: unknown): boolean {
    if (typeof raw !== 'string') return false;
    try {
      Issn.parse(raw);
      return true;
    } catch {
      return false;
    }
  }

  equals(other: Issn): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }

  toJSON(): string {
    return this.value;
  }
}
