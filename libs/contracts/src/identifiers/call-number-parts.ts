import { InvalidIdentifierError } from './invalid-identifier.error';

/**
 * Pieces shared by the LC, Dewey and local call-number parsers.
 *
 * Sort keys are built so that a plain byte-wise comparison (JS `<`, PostgreSQL `COLLATE "C"`)
 * gives shelf order. The conventions every scheme follows:
 * - fields are separated by a single space, the lowest printable character, so a key that stops
 *   early sorts first ("nothing before something");
 * - numbers are zero-padded (see `sortableNumber`) so they compare numerically;
 * - decimal fractions (Dewey decimals, LC class decimals, cutters) are kept as written, because
 *   comparing digit strings left to right *is* decimal-fraction order (.I345 < .I4 < .I45);
 * - year/volume/copy tokens start with `+`, which sorts below letters, so a volume of a work
 *   shelves before a further cutter of that work;
 * - a prefixed call number starts with `~` + prefix, which sorts above letters and digits, so each
 *   prefix group (REF, OVERSIZE, …) shelves after all unprefixed call numbers, in prefix order.
 */

/** Decomposed call number, for storage in separate columns (FOLIO-style components). */
export interface CallNumberParts {
  /** Shelving prefix words (REF, OVERSIZE, J, …), uppercase and space-separated; null when none. */
  readonly prefix: string | null;
  /** LC class letters and number (`QA76.73`), Dewey number (`641.5945`), or the whole local text. */
  readonly classPart: string;
  /** Cutters in display form (`.J38`, `S55`; Dewey `BRO`). */
  readonly cutters: readonly string[];
  /** Years, volumes, copies and other trailing words in display form (`2010`, `v.2`, `c.2`). */
  readonly suffix: readonly string[];
}

export interface ParsedCallNumber {
  readonly value: string;
  readonly sortKey: string;
  readonly labelLines: readonly string[];
  readonly parts: CallNumberParts;
}

export const MAX_CALL_NUMBER_LENGTH = 100;

/**
 * Longest sort key produced (event contracts carry it in a 300-character field). Padding can
 * stretch a pathological 100-character call number past this (`1 1 1 …`, or CJK text spelled in
 * hex); such keys are cut. Cutting keeps order (a < b still gives cut(a) <= cut(b)), it can only
 * create ties, which `CallNumber.compare` breaks on the value.
 */
export const MAX_SORT_KEY_LENGTH = 300;

/** Marks a prefix group at the start of a key; above A–Z and 0–9. */
export const PREFIX_MARK = '~';
/** Marks a year/volume/copy token; below A–Z and 0–9, above the field separator. */
export const SUFFIX_MARK = '+';
/** Width for years and volumes in LC/Dewey keys: years are 4 digits. */
export const SUFFIX_NUMBER_WIDTH = 4;

export function callNumberError(message: string, raw: unknown): InvalidIdentifierError {
  return new InvalidIdentifierError('call-number', message, raw);
}

/**
 * Trims and collapses whitespace (call numbers are pasted from MARC records and spreadsheets,
 * where tabs and double spaces are noise), then rejects empty, overlong and unprintable input.
 */
export function cleanCallNumberText(raw: unknown, schemeLabel: string): string {
  if (typeof raw !== 'string') throw callNumberError(`${schemeLabel} call number must be a string`, raw);
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text === '') throw callNumberError(`${schemeLabel} call number is empty`, raw);
  if ([...text].length > MAX_CALL_NUMBER_LENGTH) {
    throw callNumberError(`${schemeLabel} call number is longer than ${MAX_CALL_NUMBER_LENGTH} characters`, raw);
  }
  if (/\p{C}/u.test(text)) {
    throw callNumberError(`${schemeLabel} call number contains unprintable characters`, raw);
  }
  return text;
}

/**
 * A digit run as a fixed-width string that compares numerically: leading zeros dropped, then
 * zero-padded to `width`. Runs longer than `width` become `:` + 3-digit length + digits; `:` sorts
 * just above `9`, so they follow every padded number and order among themselves by length first.
 */
export function sortableNumber(digits: string, width: number): string {
  const significant = digits.replace(/^0+(?=\d)/, '');
  if (significant.length <= width) return significant.padStart(width, '0');
  return ':' + String(significant.length).padStart(3, '0') + significant;
}

/** Uppercase text with every digit run made numerically comparable. */
export function sortableText(text: string, width: number): string {
  return text.toUpperCase().replace(/\d+/g, (run) => sortableNumber(run, width));
}

/**
 * Splits leading prefix words off. A prefix word is letters only; `isPrefix` decides, given the
 * text that follows it, whether it is a prefix or the start of the call number proper.
 */
export function splitPrefix(text: string, isPrefix: (following: string) => boolean): { prefixWords: string[]; rest: string } {
  const prefixWords: string[] = [];
  let rest = text;
  for (let m = /^([A-Za-z]+) (.*)$/.exec(rest); m && isPrefix(m[2]); m = /^([A-Za-z]+) (.*)$/.exec(rest)) {
    prefixWords.push(m[1].toUpperCase());
    rest = m[2];
  }
  return { prefixWords, rest };
}

export function prefixKey(prefixWords: readonly string[]): string {
  // Words joined by "-" (below letters) so "REF OVERSIZE" stays one field and follows "REF".
  return prefixWords.length === 0 ? '' : PREFIX_MARK + prefixWords.join('-') + ' ';
}

export interface Token {
  readonly display: string;
  readonly key: string;
  /** Index just past the token in the scanned text. */
  readonly end: number;
}

const TERM = /([A-Za-z]{1,8})\.\s?(\d+(?:-\d+)?)(?=$|\s)/y;
const NUMBER = /(\d+(?:-\d+)?)([A-Za-z]?)(?=$|\s)/y;
const WORD = /([A-Za-z]{1,12})(\.?)(?=$|\s)/y;

/**
 * Reads a year, enumeration or other trailing word at `pos`:
 * `v.2`, `v. 2`, `pt.1`, `no.12`, `c.2` (label lowercased, space dropped), `2010`, `1990a`,
 * `1990-1991`, or a word such as `suppl.` or `index` (kept as written).
 */
export function readSuffixToken(text: string, pos: number): Token | null {
  TERM.lastIndex = pos;
  let m = TERM.exec(text);
  if (m) return suffixToken(`${m[1].toLowerCase()}.${m[2]}`, TERM.lastIndex);
  NUMBER.lastIndex = pos;
  m = NUMBER.exec(text);
  if (m) return suffixToken(m[1] + m[2].toLowerCase(), NUMBER.lastIndex);
  WORD.lastIndex = pos;
  m = WORD.exec(text);
  if (m) return suffixToken(m[1] + m[2], WORD.lastIndex);
  return null;
}

function suffixToken(display: string, end: number): Token {
  // A trailing abbreviation dot ("suppl.") is not significant for order.
  return { display, key: SUFFIX_MARK + sortableText(display.replace(/\.$/, ''), SUFFIX_NUMBER_WIDTH), end };
}

/** The whitespace-delimited chunk at `pos`, for error messages. */
export function chunkAt(text: string, pos: number): string {
  return text.slice(pos).trimStart().split(' ')[0];
}
