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
 * Dewey Decimal call numbers: `[PREFIX] DDD[.DECIMALS] [CUTTER] [YEAR] [v.N] [c.N]`,
 * e.g. `641.5945 DAV`, `J 641.5 BRO`, `REF 020 LIB 2005 v.2`.
 *
 * The class is 3 digits (000–999) with optional decimals; the prime marks some records carry
 * (`641.5'945`, `641.5/945`) are dropped. The cutter is letters with optional Cutter-Sanborn
 * digits and work mark (`BRO`, `B876`, `S642d`). Leading letters-only words are a prefix
 * (`J`, `REF`, `B`, `FIC`), kept as a shelving group. A call number with no class number at all
 * (`FIC KING`, `B JOBS`) is not Dewey: catalogue those under the local scheme.
 *
 * Sort key, e.g. `641.5945 DAV +2005`: the number as written (3 fixed integer digits, so comparing
 * the string compares the decimal: 641.59 < 641.5945 < 641.595), the cutter, then suffix tokens.
 */

const LABEL = 'Dewey';
const CLASS_NUMBER = /^(\d+)(?:\.(\d[\d'/]*))?/;
const CUTTER = /\.?([A-Za-z]{1,12})(\d*)([A-Za-z]{0,2})(?=$| )/y;

export function parseDeweyCallNumber(raw: string): ParsedCallNumber {
  const text = cleanCallNumberText(raw, LABEL);
  // Every letters-only word before the number is a prefix; the number itself starts with a digit.
  const { prefixWords, rest } = splitPrefix(text, () => true);

  const numberMatch = CLASS_NUMBER.exec(rest);
  if (!numberMatch) {
    if (!/\d/.test(text)) {
      throw callNumberError(`Dewey call number "${text}" has no class number (000–999); catalogue it under the local scheme`, raw);
    }
    throw callNumberError(`Dewey call number must start with a 3-digit class number (000–999), not "${chunkAt(rest, 0)}"`, raw);
  }
  if (numberMatch[1].length !== 3) {
    throw callNumberError(`Dewey class number must have 3 digits (000–999), not "${numberMatch[0]}"`, raw);
  }
  const after = rest.slice(numberMatch[0].length);
  if (/^\.(?![A-Za-z])/.test(after)) {
    throw callNumberError('Dewey decimal point must be followed by digits, as in 641.5', raw);
  }
  const decimal = numberMatch[2]?.replace(/['/]/g, '');
  const classPart = decimal === undefined ? numberMatch[1] : `${numberMatch[1]}.${decimal}`;

  const tokens: Token[] = [];
  let cutter: Token | null = null;
  let pos = numberMatch[0].length;
  while (pos < rest.length) {
    const spaced = rest[pos] === ' ';
    if (spaced) pos++;
    if (cutter === null && tokens.length === 0) {
      // Only the first token can be the cutter; it may be written against the number (641.5BRO).
      CUTTER.lastIndex = pos;
      const m = CUTTER.exec(rest);
      if (m) {
        const body = m[1].toUpperCase() + m[2];
        cutter = { display: body + m[3].toLowerCase(), key: body + m[3].toUpperCase(), end: CUTTER.lastIndex };
        pos = cutter.end;
        continue;
      }
    }
    const token = spaced ? readSuffixToken(rest, pos) : null;
    if (!token) {
      const found = chunkAt(rest, pos);
      throw callNumberError(`unexpected "${found}" in Dewey call number (expected a cutter such as BRO, a year, or v.2 / c.2)`, raw);
    }
    tokens.push(token);
    pos = token.end;
  }

  const displays = [...(cutter ? [cutter.display] : []), ...tokens.map((t) => t.display)];
  return {
    value: [...prefixWords, classPart, ...displays].join(' '),
    sortKey: prefixKey(prefixWords) + [classPart, ...(cutter ? [cutter.key] : []), ...tokens.map((t) => t.key)].join(' '),
    labelLines: [...prefixWords, classPart, ...displays],
    parts: {
      prefix: prefixWords.length ? prefixWords.join(' ') : null,
      classPart,
      cutters: cutter ? [cutter.display] : [],
      suffix: tokens.map((t) => t.display),
    },
  };
}
