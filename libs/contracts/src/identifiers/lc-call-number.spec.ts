import { CallNumber } from './call-number';
import { InvalidIdentifierError } from './invalid-identifier.error';

const lc = (raw: string) => CallNumber.parse(raw, 'lc');

function messageFor(raw: string): string {
  try {
    lc(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidIdentifierError);
    expect((error as InvalidIdentifierError).kind).toBe('call-number');
    return (error as Error).message;
  }
  throw new Error(`expected "${raw}" to be rejected`);
}

describe('LC call numbers', () => {
  describe('normalisation', () => {
    it.each([
      ['QA76.73 .J38 S55 2010', 'QA76.73 .J38 S55 2010'],
      ['QA76.73.J38 S55 2010', 'QA76.73 .J38 S55 2010'],
      ['QA76.73J38 S55 2010', 'QA76.73 .J38 S55 2010'],
      ['QA 76.73 .J38 .S55 2010', 'QA76.73 .J38 S55 2010'],
      ['qa76.73 .j38 s55 2010', 'QA76.73 .J38 S55 2010'],
      ['  QA76.73\t.J38   S55  2010 ', 'QA76.73 .J38 S55 2010'],
      ['PS3545.I345A6 1990', 'PS3545 .I345 A6 1990'],
      ['PN1997.2.A1', 'PN1997.2 .A1'],
      ['QA76 A1', 'QA76 .A1'],
      ['PA3015 .R5 v. 2', 'PA3015 .R5 v.2'],
      ['PA3015 .R5 V.2 C.3', 'PA3015 .R5 v.2 c.3'],
      ['ref qa76 .a1', 'REF QA76 .A1'],
      ['PR6005 .O4 Z5a 1990', 'PR6005 .O4 Z5a 1990'],
    ])('reads %j as %j', (raw, value) => {
      expect(lc(raw).value).toBe(value);
    });

    it('does not treat spacing before a cutter dot as significant', () => {
      expect(lc('QA76.73.J38').sortKey).toBe(lc('QA76.73 .J38').sortKey);
    });

    it('keeps the dot on a cutter that follows a date, as map call numbers print it', () => {
      expect(lc('G3804.N4 1990 .A3').value).toBe('G3804 .N4 1990 .A3');
    });

    it('accepts years with a letter, year ranges and trailing words such as suppl.', () => {
      expect(lc('HD58.7 .A3 1990b').value).toBe('HD58.7 .A3 1990b');
      expect(lc('HD58.7 .A3 1990-1991').value).toBe('HD58.7 .A3 1990-1991');
      expect(lc('HD58.7 .A3 suppl.').value).toBe('HD58.7 .A3 suppl.');
    });
  });

  describe('prefixes', () => {
    it('reads a leading word followed by a class as a prefix', () => {
      const callNumber = lc('REF QA76.73 .J38 2010');
      expect(callNumber.value).toBe('REF QA76.73 .J38 2010');
      expect(callNumber.parts.prefix).toBe('REF');
      expect(callNumber.parts.classPart).toBe('QA76.73');
    });

    it('reads several leading words as one prefix', () => {
      expect(lc('OVERSIZE REF G1019 .T55').parts.prefix).toBe('OVERSIZE REF');
    });

    it('reads class letters followed by a spaced class number as the class, not as a prefix', () => {
      const callNumber = lc('QA 76 .A1');
      expect(callNumber.parts.prefix).toBeNull();
      expect(callNumber.value).toBe('QA76 .A1');
    });

    it('reads a prefix that is also a class letter (J, juvenile) as a prefix when a class follows', () => {
      expect(lc('J PZ7 .S5').parts).toEqual({ prefix: 'J', classPart: 'PZ7', cutters: ['.S5'], suffix: [] });
    });
  });

  describe('parts', () => {
    it('splits class, cutters and suffix', () => {
      expect(lc('QA76.73 .J38 S55 2010 v.2').parts).toEqual({
        prefix: null,
        classPart: 'QA76.73',
        cutters: ['.J38', 'S55'],
        suffix: ['2010', 'v.2'],
      });
    });
  });

  describe('sort key', () => {
    it('pads the class number and marks dates and volumes so bytes compare in shelf order', () => {
      expect(lc('QA76.73 .J38 S55 2010').sortKey).toBe('QA 0076.73 J38 S55 +2010');
      expect(lc('REF HF5415 .K6 v.2').sortKey).toBe('~REF HF 5415 K6 +V.0002');
    });
  });

  describe('spine labels', () => {
    it.each([
      ['QA76.73 .J38 S55 2010', ['QA', '76.73', '.J38', 'S55', '2010']],
      ['HD58.7 .A3 1990', ['HD', '58.7', '.A3', '1990']],
      ['P35 .H3', ['P', '35', '.H3']],
      ['PS3545.I345A6 1990', ['PS', '3545', '.I345', 'A6', '1990']],
      ['REF HF5415 .K6 1999 v.2', ['REF', 'HF', '5415', '.K6', '1999', 'v.2']],
      ['OVERSIZE REF G1019 .T55', ['OVERSIZE', 'REF', 'G', '1019', '.T55']],
      ['QA76', ['QA', '76']],
    ])('prints %j as %j', (raw, lines) => {
      expect(lc(raw).labelLines()).toEqual(lines);
    });
  });

  describe('rejections', () => {
    it.each([
      ['123ABC', 'LC call number must start with 1–3 class letters and a class number (e.g. QA76), not "123ABC"'],
      ['.J38', 'LC call number must start with 1–3 class letters and a class number (e.g. QA76), not ".J38"'],
      ['QA', 'LC class QA needs a class number (e.g. QA76)'],
      ['QA .J38', 'LC class QA needs a class number (e.g. QA76)'],
      ['QAAB76', 'LC class letters are 1–3 letters, not "QAAB"'],
      ['QA12345', 'LC class number has at most 4 digits before the decimal point, not 12345'],
      ['QA76 .J', 'unexpected ".J" in LC call number (expected a cutter such as .J38, a year, or v.2 / c.2)'],
      ['QA76 .J38 foo!', 'unexpected "foo!" in LC call number (expected a cutter such as .J38, a year, or v.2 / c.2)'],
      ['QA76v.2', 'unexpected "v.2" in LC call number (expected a cutter such as .J38, a year, or v.2 / c.2)'],
      ['QA76.', 'unexpected "." in LC call number (expected a cutter such as .J38, a year, or v.2 / c.2)'],
      ['', 'LC call number is empty'],
      ['   ', 'LC call number is empty'],
      [`QA76 .A1 ${'v.1 '.repeat(30)}`, 'LC call number is longer than 100 characters'],
    ])('rejects %j: %s', (raw, message) => {
      expect(messageFor(raw)).toBe(message);
    });

    it('rejects unprintable characters', () => {
      expect(messageFor('QA76\u0000.A1')).toBe('LC call number contains unprintable characters');
    });
  });
});
