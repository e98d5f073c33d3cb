import {
  callNumberError,
  chunkAt,
  cleanCallNumberText,
  ParsedCallNumber,
  prefixKey,
  readSuffixToken,
  splitPrefix,
  Token,
} from './call-number-parts';

/**
 * Library of Congress call numbers: `[PREFIX] CLASS NUMBER[.DECIMAL] [.CUTTER [CUTTER…]] [YEAR] [v.N] [c.N]`,
 * e.g. `QA76.73 .J38 S55 2010`, `REF HF5415 .K6 1999 v.2`.
 *
 * Input is case-insensitive and spacing before a cutter's dot is not significant
 * (`qa76.73.j38` reads as `QA76.73 .J38`). A leading letters-only word followed by another word
 * that starts with a letter is a prefix (`REF QA76`): it cannot be the class, because LC class
 * letters are always followed by their class number (`QA76`, `QA 76`).
 *
 * Sort key, e.g. `QA 0076.73 J38 S55 +2010`: class letters (shorter first: `P ` < `PA`), class
 * number zero-padded to 4 digits plus its decimals, then each cutter or suffix token in order.
 */

const LABEL = 'LC';
const CLASS_LETTERS = /^([A-Za-z]+)/;
const CLASS_NUMBER = /^ ?(\d+)(?:\.(\d+))?/;
/**
 * A cutter: optional dot, 1–3 letters, digits, optional lowercase work mark (`.A6a`). It may be
 * written against the next cutter (`.I345A6`), hence the lookahead for another letter+digit run.
 */
const CUTTER = /\.? ?([A-Za-z]{1,3})(\d+)([a-z]?)(?=$|[ .]|[A-Za-z]{1,3}\d)/y;

interface LcToken extends Token {
  readonly isCutter: boolean;
}

export function parseLcCallNumber(raw: string): ParsedCallNumber {
  const text = cleanCallNumberText(raw, LABEL);
  const { prefixWords, rest } = splitPrefix(text, (following) => /^[A-Za-z]/.test(following));

  const letters = CLASS_LETTERS.exec(rest)?.[1];
  if (!letters) {
    const found = chunkAt(rest, 0);
    throw callNumberError(`LC call number must start with 1–3 class letters and a class number (e.g. QA76), not "${found}"`, raw);
  }
  if (letters.length > 3) throw callNumberError(`LC class letters are 1–3 letters, not "${letters}"`, raw);
  const classLetters = letters.toUpperCase();

  const numberMatch = CLASS_NUMBER.exec(rest.slice(letters.length));
  if (!numberMatch) throw callNumberError(`LC class ${classLetters} needs a class number (e.g. ${classLetters}76)`, raw);
  const integer = numberMatch[1].replace(/^0+(?=\d)/, '');
  if (integer.length > 4) {
    throw callNumberError(`LC class number has at most 4 digits before the decimal point, not ${integer}`, raw);
  }
  const decimal = numberMatch[2];
  const classNumber = decimal === undefined ? integer : `${integer}.${decimal}`;
  // Integer part padded so it compares as a number; decimals as written compare as a fraction.
  const classNumberKey = integer.padStart(4, '0') + (decimal === undefined ? '' : `.${decimal}`);

  const tokens = scanTokens(rest, letters.length + numberMatch[0].length, raw);
  const cutters = tokens.filter((t) => t.isCutter).map((t) => t.display);
  const suffix = tokens.filter((t) => !t.isCutter).map((t) => t.display);
  const classPart = classLetters + classNumber;

  return {
    value: [...prefixWords, classPart, ...tokens.map((t) => t.display)].join(' '),
    sortKey: prefixKey(prefixWords) + [classLetters, classNumberKey, ...tokens.map((t) => t.key)].join(' '),
    labelLines: [...prefixWords, classLetters, classNumber, ...tokens.map((t) => t.display)],
    parts: { prefix: prefixWords.length ? prefixWords.join(' ') : null, classPart, cutters, suffix },
  };
}

/** Reads cutters and suffix tokens after the class number, keeping their order. */
function scanTokens(text: string, start: number, raw: string): LcToken[] {
  const tokens: LcToken[] = [];
  let pos = start;
  while (pos < text.length) {
    const spaced = text[pos] === ' ';
    if (spaced) pos++;
    CUTTER.lastIndex = pos;
    const cutter = CUTTER.exec(text);
    if (cutter) {
      const [, letters, digits, workMark] = cutter;
      // The first cutter, and one after a date (map call numbers: `G3804 .N4 1990 .A3`), keeps its dot.
      const dotted = tokens.length === 0 || !tokens[tokens.length - 1].isCutter;
      const body = letters.toUpperCase() + digits;
      tokens.push({
        display: (dotted ? '.' : '') + body + workMark,
        key: body + workMark.toUpperCase(),
        end: CUTTER.lastIndex,
        isCutter: true,
      });
      pos = CUTTER.lastIndex;
      continue;
    }
    // Years, volumes and copies must be separated by a space; "QA76v.2" is a typo, not a volume.
    const token = spaced ? readSuffixToken(text, pos) : null;
    if (!token) {
      const found = chunkAt(text, pos);
      throw callNumberError(`unexpected "${found}" in LC call number (expected a cutter such as .J38, a year, or v.2 / c.2)`, raw);
    }
    tokens.push({ ...token, isCutter: false });
    pos = token.end;
  }
  return tokens;
}
