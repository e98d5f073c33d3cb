import { cleanCallNumberText, ParsedCallNumber, sortableText } from './call-number-parts';

/** Width for digit runs in local keys; longer runs still sort right (see `sortableNumber`). */
const LOCAL_NUMBER_WIDTH = 6;

/**
 * Local shelving schemes (`FIC KING`, `DVD 1234`, `MICROFILM 12 REEL 3`): any printable text up to
 * 100 characters, whitespace collapsed, case kept for display. Nothing is known about the
 * structure, so the key is the uppercase text with digit runs zero-padded (`DVD 9` < `DVD 10`).
 */
export function parseLocalCallNumber(raw: string): ParsedCallNumber {
  const value = cleanCallNumberText(raw, 'local');
  return {
    value,
    sortKey: toAscii(sortableText(foldAccents(value), LOCAL_NUMBER_WIDTH)),
    labelLines: value.split(' '),
    parts: { prefix: null, classPart: value, cutters: [], suffix: [] },
  };
}

/** Keys must be plain ASCII for `COLLATE "C"`, so accents are folded (É → E, ï → i). */
function foldAccents(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '');
}

/** Anything still outside ASCII becomes `~` + its code point in hex, which keeps distinct values distinct. */
function toAscii(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, (ch) => '~' + ch.codePointAt(0)!.toString(16).toUpperCase().padStart(6, '0'));
}
