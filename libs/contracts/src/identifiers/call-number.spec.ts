import { CALL_NUMBER_SCHEMES, CallNumber, CallNumberScheme, isCallNumberScheme } from './call-number';
import { InvalidIdentifierError } from './invalid-identifier.error';

/** Deterministic Fisher–Yates shuffle (mulberry32), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Sorts by sort key alone, byte-wise, exactly as `ORDER BY sort_key COLLATE "C"` would. */
function shelfOrderByKey(raws: readonly string[], scheme: CallNumberScheme): string[] {
  return raws
    .map((raw) => CallNumber.parse(raw, scheme))
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
    .map((c) => c.value);
}

function expectShelfOrder(ordered: readonly string[], scheme: CallNumberScheme): void {
  const expected = ordered.map((raw) => CallNumber.parse(raw, scheme).value);
  for (const seed of [1, 2, 3, 42, 2024]) {
    const input = shuffled(ordered, seed);
    expect(shelfOrderByKey(input, scheme)).toEqual(expected);
  }
  expect(shelfOrderByKey([...ordered].reverse(), scheme)).toEqual(expected);
  // No two distinct call numbers in a list share a key, so the order does not rest on ties.
  expect(new Set(ordered.map((raw) => CallNumber.parse(raw, scheme).sortKey)).size).toBe(ordered.length);
}

// From /work/shared/fixtures/call-number-order.md, in ascending shelf order.
const FIXTURE_LC = [
  'HD58.7 .A3 1990',
  'HD58.7 .A3 2001',
  'HD58.7 .B2',
  'HD58.8 .C5',
  'HF5415 .K6 1999',
  'P35 .H3',
  'PA1 .A2',
  'PN1997 .C6',
  'PN1997.2 .A1',
  'PN1997.85 .L3',
  'PS3545 .I345 A6 1990',
  'PS3545 .I4 B7',
  'PS3545 .I45',
  'Q1 .N2',
  'QA9 .S5',
  'QA76 .A1',
  'QA76.5 .M3',
  'QA76.73 .J38 S55 2010',
  'QA76.73 .J38 S6',
  'QA76.9 .D3 D38 2004',
  'QA100 .C7',
  'QA760 .B5 1999',
  'QB43.2 .M3',
];

const FIXTURE_DEWEY = [
  '001.9 ABE',
  '004 SMI',
  '004.16 JON',
  '005 BAK',
  '005.1 ALD',
  '005.13 SMI',
  '005.133 JON',
  '005.133 KER',
  '005.2 ABC',
  '006.3 RUS',
  '020 LIB',
  '025.3 CAT',
  '100 PHI',
  '641.5 BRO',
  '641.59 ALI',
  '641.5945 DAV',
  '641.595 CHE',
  '813.54 KIN',
];

describe('call number shelf order', () => {
  it('sorts the fixture LC list into shelf order by sort key', () => {
    expectShelfOrder(FIXTURE_LC, 'lc');
  });

  it('sorts the fixture Dewey list into shelf order by sort key', () => {
    expectShelfOrder(FIXTURE_DEWEY, 'ddc');
  });

  it('sorts LC call numbers across classes, with shorter class letters first', () => {
    expectShelfOrder(
      [
        'B72 .R87 2003',
        'BF76.5 .K47',
        'BF76.5 .K47 1990',
        'BF698.9 .P47 C37',
        'D16.2 .B3',
        'DA506 .A2 H4',
        'DJK6 .S4',
        'E184.6 .K3',
        'HV6432 .W66 2006',
        'KF27 .A3 1990',
        'KF8745 .H6 A3',
        'KFN5000 .A2',
        'N7432 .A1',
        'P118 .C4',
        'P118.2 .L3',
        'PA3015 .R5',
        'PR2894 .B6',
        'PR6005 .O4 Z5',
        'PZ7 .R79835',
        'QA76 .A1',
        'Z699.35 .M28',
      ],
      'lc',
    );
  });

  it('orders LC class numbers as numbers with decimals, not as text', () => {
    expectShelfOrder(['QA9', 'QA9.5', 'QA76', 'QA76.5', 'QA76.73', 'QA76.8', 'QA100', 'QA100.12', 'QA760', 'QA1000'], 'lc');
  });

  it('orders LC cutters as decimal fractions, including two-letter cutters', () => {
    expectShelfOrder(
      [
        'PS3545 .I345',
        'PS3545 .I4',
        'PS3545 .I45',
        'PS3545 .I5',
        'QA76.73 .C15',
        'QA76.73 .C153',
        'QA76.73 .C2',
        'QA76.73 .C25',
        'QA76.73 .C3',
        'QA76.73 .CA15',
        'QA76.73 .CH2',
      ],
      'lc',
    );
  });

  it('shelves nothing before something: a class alone, then its dates, then its cutters', () => {
    expectShelfOrder(['QA76', 'QA76 1995', 'QA76 .A1', 'QA76 .A1 1970', 'QA76 .A1 v.2', 'QA76 .A1 B2', 'QA76 .A15', 'QA76 .B1'], 'lc');
  });

  it('orders LC years, volumes and copies numerically', () => {
    expectShelfOrder(
      [
        'PA3015 .R5',
        'PA3015 .R5 1899',
        'PA3015 .R5 1990',
        'PA3015 .R5 1990 v.2',
        'PA3015 .R5 1990 v.10',
        'PA3015 .R5 2001',
        'PA3015 .R5 c.1',
        'PA3015 .R5 c.2',
        'PA3015 .R5 c.12',
        'PA3015 .R5 v.1',
        'PA3015 .R5 v.1 c.2',
        'PA3015 .R5 v.2',
        'PA3015 .R5 v.10',
        'PA3015 .R5 v.100',
        'QA76.73 .J38 S55 2010',
        'QA76.73 .J38 S55 2010 v.2',
        'QA76.73 .J38 S55 2012',
        'QA76.9 .D3 D38 2004',
        'QA76.9 .D3 D38 2004 c.2',
      ],
      'lc',
    );
  });

  it('shelves each LC prefix as its own group after unprefixed call numbers, in shelf order within it', () => {
    expectShelfOrder(
      [
        'QA76.73 .J38 2010',
        'Z699 .A1',
        'JUV PZ7 .R79835',
        'JUV PZ7.1 .A1',
        'OVERSIZE G1019 .T55 2004',
        'OVERSIZE QA76 .A1',
        'REF HF5415 .K6 1999',
        'REF QA9 .S5',
        'REF QA76 .A1',
        'REF QA76.5 .M3',
        'REF OVERSIZE QA1 .A1',
        'REFERENCE A1 .B2',
      ],
      'lc',
    );
  });

  it('orders Dewey numbers as decimals, then cutters alphabetically, then years and volumes numerically', () => {
    expectShelfOrder(
      [
        '001.42 BOO',
        '001.9 ABE',
        '004',
        '004 SMI',
        '004.16 JON',
        '004.16 JON 2001',
        '004.16 JON 2015',
        '004.16 JON v.2',
        '004.16 JON v.10',
        '004.165 ADA',
        '005 BAK',
        '005.133 JON',
        '005.133 JON c.2',
        '010.5 BIB',
        '641.5 BRO',
        '641.5 BRO 1999',
        '641.59 ALI',
        '641.5945 DAV',
        '641.595 CHE',
        '641.595 CHEN',
        '813.54 K55',
        '813.54 K6',
        '813.54 KIN',
        '813.54 KIN v.2',
        '813.54 KIN v.10',
        '813.54 KING',
        '999 ZZZ',
      ],
      'ddc',
    );
  });

  it('shelves each Dewey prefix as its own group after unprefixed call numbers', () => {
    expectShelfOrder(['641.5 BRO', '813.54 KIN', 'J 599.75 SMI', 'J 641.5 BRO', 'JUV 001 ABC', 'REF 020 LIB', 'REF 641.5 ALI'], 'ddc');
  });

  it('orders local call numbers case-insensitively with numbers compared as numbers', () => {
    expectShelfOrder(
      ['DVD 9', 'DVD 10', 'DVD 100', 'DVD 1000000', 'FIC KING', 'fic king 2', 'FIC KING 10', 'FIC KINGSOLVER', 'MICROFILM REEL 2', 'MICROFILM REEL 12'],
      'local',
    );
  });

  it('keeps LC and Dewey keys of the longest call numbers within MAX_SORT_KEY_LENGTH, uncut', () => {
    const lcKey = CallNumber.parse(`A1${' 1'.repeat(49)}`, 'lc').sortKey;
    const deweyKey = CallNumber.parse(`000${' 1'.repeat(48)}`, 'ddc').sortKey;
    expect(lcKey).toHaveLength(300);
    expect(lcKey.endsWith(' +0001')).toBe(true);
    expect(deweyKey.length).toBeLessThanOrEqual(300);
    expect(deweyKey.endsWith(' +0001')).toBe(true);
  });

  it('produces plain printable ASCII sort keys', () => {
    const samples: Array<[string, CallNumberScheme]> = [
      ...FIXTURE_LC.map((raw): [string, CallNumberScheme] => [raw, 'lc']),
      ...FIXTURE_DEWEY.map((raw): [string, CallNumberScheme] => [raw, 'ddc']),
      ['REF OVERSIZE QA76.73 .J38 S55 2010 v.2 c.3', 'lc'],
      ['Fiction Ærø Ñandú 日本 12', 'local'],
    ];
    for (const [raw, scheme] of samples) {
      expect(CallNumber.parse(raw, scheme).sortKey).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});

describe('CallNumber', () => {
  it('parses in the given scheme and keeps the normalised display value', () => {
    const callNumber = CallNumber.parse(' qa76.73.j38  s55 2010 ', 'lc');
    expect(callNumber.scheme).toBe('lc');
    expect(callNumber.value).toBe('QA76.73 .J38 S55 2010');
    expect(callNumber.toString()).toBe('QA76.73 .J38 S55 2010');
  });

  it('compares in shelf order within a scheme', () => {
    const a = CallNumber.parse('QA76 .A1', 'lc');
    const b = CallNumber.parse('QA100 .C7', 'lc');
    expect(CallNumber.compare(a, b)).toBeLessThan(0);
    expect(CallNumber.compare(b, a)).toBeGreaterThan(0);
    expect(CallNumber.compare(a, CallNumber.parse('QA76.A1', 'lc'))).toBe(0);
  });

  it('sorts an array into shelf order with compare', () => {
    const sorted = shuffled(FIXTURE_LC, 7)
      .map((raw) => CallNumber.parse(raw, 'lc'))
      .sort(CallNumber.compare)
      .map((c) => c.value);
    expect(sorted).toEqual(FIXTURE_LC);
  });

  it('groups call numbers of different schemes apart, LC then Dewey then local', () => {
    const mixed = [
      CallNumber.parse('FIC KING', 'local'),
      CallNumber.parse('641.5 BRO', 'ddc'),
      CallNumber.parse('ZA3075 .A1', 'lc'),
      CallNumber.parse('A1 .B2', 'lc'),
    ];
    expect(mixed.sort(CallNumber.compare).map((c) => `${c.scheme}:${c.value}`)).toEqual([
      'lc:A1 .B2',
      'lc:ZA3075 .A1',
      'ddc:641.5 BRO',
      'local:FIC KING',
    ]);
  });

  it('treats call numbers with the same scheme and value as equal', () => {
    expect(CallNumber.parse('QA76.73.J38', 'lc').equals(CallNumber.parse('QA76.73 .J38', 'lc'))).toBe(true);
    expect(CallNumber.parse('641.5', 'ddc').equals(CallNumber.parse('641.5', 'local'))).toBe(false);
  });

  it('serialises scheme, value and sort key', () => {
    expect(JSON.parse(JSON.stringify(CallNumber.parse('641.5 BRO', 'ddc')))).toEqual({
      scheme: 'ddc',
      value: '641.5 BRO',
      sortKey: '641.5 BRO',
    });
  });

  it('returns a fresh copy of the label lines each time', () => {
    const callNumber = CallNumber.parse('641.5 BRO', 'ddc');
    callNumber.labelLines().push('tampered');
    expect(callNumber.labelLines()).toEqual(['641.5', 'BRO']);
  });

  it('rejects an unknown scheme with an InvalidIdentifierError', () => {
    expect(() => CallNumber.parse('W1 .A1', 'nlm' as CallNumberScheme)).toThrow(
      new InvalidIdentifierError('call-number', 'unknown call number scheme "nlm" (expected lc, ddc, local)'),
    );
  });

  it('reports isValid per scheme without throwing', () => {
    expect(CallNumber.isValid('641.5 BRO', 'ddc')).toBe(true);
    expect(CallNumber.isValid('641.5 BRO', 'lc')).toBe(false);
    expect(CallNumber.isValid('QA76 .A1', 'ddc')).toBe(false);
    expect(CallNumber.isValid(42, 'local')).toBe(false);
  });

  it('lists its schemes and recognises them', () => {
    expect(CALL_NUMBER_SCHEMES).toEqual(['lc', 'ddc', 'local']);
    expect(isCallNumberScheme('ddc')).toBe(true);
    expect(isCallNumberScheme('DDC')).toBe(false);
    expect(isCallNumberScheme(undefined)).toBe(false);
  });
});

describe('call numbers parsed again (a request, its normalising, its event)', () => {
  it('answer the same immutable call number, per scheme', () => {
    const first = CallNumber.parse('qa76.73.j38 s55 2010', 'lc');
    const again = CallNumber.parse('qa76.73.j38 s55 2010', 'lc');
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.parts.cutters)).toBe(true);
    expect(() => (first.parts.cutters as string[]).push('.X1')).toThrow(TypeError);
    const lines = first.labelLines();
    lines.push('changed');
    expect(CallNumber.parse('qa76.73.j38 s55 2010', 'lc').labelLines()).toEqual(['QA', '76.73', '.J38', 'S55', '2010']);
    // The same text in another scheme is another call number.
    const local = CallNumber.parse('qa76.73.j38 s55 2010', 'local');
    expect(local.scheme).toBe('local');
    expect(local.sortKey).not.toBe(first.sortKey);
  });

  it('still refuse what does not parse, every time', () => {
    expect(() => CallNumber.parse('76.73 QA', 'lc')).toThrow();
    expect(() => CallNumber.parse('76.73 QA', 'lc')).toThrow();
  });
});
