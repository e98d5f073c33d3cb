import { callNumberError, CallNumberParts, MAX_SORT_KEY_LENGTH, ParsedCallNumber } from './call-number-parts';
import { parseDeweyCallNumber } from './dewey-call-number';
import { parseLcCallNumber } from './lc-call-number';
import { parseLocalCallNumber } from './local-call-number';

/** Supported schemes: Library of Congress, Dewey Decimal Classification, and free-text local shelving. */
export const CALL_NUMBER_SCHEMES = ['lc', 'ddc', 'local'] as const;
export type CallNumberScheme = (typeof CALL_NUMBER_SCHEMES)[number];

export function isCallNumberScheme(value: unknown): value is CallNumberScheme {
  return typeof value === 'string' && (CALL_NUMBER_SCHEMES as readonly string[]).includes(value);
}

const PARSERS: Record<CallNumberScheme, (raw: string) => ParsedCallNumber> = {
  lc: parseLcCallNumber,
  ddc: parseDeweyCallNumber,
  local: parseLocalCallNumber,
};

/**
 * Call numbers parsed lately, by scheme and text. A shipment's line is parsed when the request is
 * checked, again when it is normalised and again when its event is checked: for 10,000 lines that
 * was a tenth of a second of LC parsing. Parsing is a pure function and a CallNumber is immutable,
 * so the same answer is shared. The map is emptied when full: it holds a 10,000-line shipment, about
 * 10 MB at most (a service's peak memory is a target of its own).
 */
const recentlyParsed = new Map<string, CallNumber>();
const RECENTLY_PARSED_LIMIT = 12_000;

/**
 * A validated call number in one scheme. `value` is the normalised display form and `sortKey`
 * an ASCII string whose byte order is shelf order within the scheme (store it in a
 * `COLLATE "C"` column and `ORDER BY` it; never compare keys with `localeCompare`).
 */
export class CallNumber {
  private constructor(
    readonly scheme: CallNumberScheme,
    readonly value: string,
    readonly sortKey: string,
    readonly parts: CallNumberParts,
    private readonly lines: readonly string[],
  ) {
    Object.freeze(this);
  }

  static parse(raw: string, scheme: CallNumberScheme): CallNumber {
    if (!isCallNumberScheme(scheme)) {
      throw callNumberError(`unknown call number scheme "${String(scheme)}" (expected ${CALL_NUMBER_SCHEMES.join(', ')})`, raw);
    }
    const key = `${scheme} ${raw}`;
    const known = recentlyParsed.get(key);
    if (known) return known;
    const parsed = PARSERS[scheme](raw);
    const parts = Object.freeze({ ...parsed.parts, cutters: Object.freeze([...parsed.parts.cutters]), suffix: Object.freeze([...parsed.parts.suffix]) });
    const callNumber = new CallNumber(scheme, parsed.value, parsed.sortKey.slice(0, MAX_SORT_KEY_LENGTH), parts, Object.freeze([...parsed.labelLines]));
    if (recentlyParsed.size >= RECENTLY_PARSED_LIMIT) recentlyParsed.clear();
    recentlyParsed.set(key, callNumber);
    return callNumber;
  }

  static isValid(raw: unknown, scheme: CallNumberScheme): boolean {
    if (typeof raw !== 'string') return false;
    try {
      CallNumber.parse(raw, scheme);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Shelf order for `Array.prototype.sort`. Call numbers of different schemes are shelved apart,
   * so they group by scheme (in `CALL_NUMBER_SCHEMES` order) first.
   */
  static compare(a: CallNumber, b: CallNumber): number {
    if (a.scheme !== b.scheme) {
      return CALL_NUMBER_SCHEMES.indexOf(a.scheme) - CALL_NUMBER_SCHEMES.indexOf(b.scheme);
    }
    // Byte-wise, like the database; the value breaks ties so the order is total and stable.
    return byteCompare(a.sortKey, b.sortKey) || byteCompare(a.value, b.value);
  }

  /** Spine-label lines, one element per printed line (LC `QA` / `76.73` / `.J38` / `S55` / `2010`). */
  labelLines(): string[] {
    return [...this.lines];
  }

  equals(other: CallNumber): boolean {
    return this.scheme === other.scheme && this.value === other.value;
  }

  toString(): string {
    return this.value;
  }

  toJSON(): { scheme: CallNumberScheme; value: string; sortKey: string } {
    return { scheme: this.scheme, value: this.value, sortKey: this.sortKey };
  }
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
