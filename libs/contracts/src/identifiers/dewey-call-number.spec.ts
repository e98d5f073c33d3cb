import { CallNumber } from './call-number';
import { InvalidIdentifierError } from './invalid-identifier.error';

const ddc = (raw: string) => CallNumber.parse(raw, 'ddc');

function messageFor(raw: string): string {
  try {
    ddc(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidIdentifierError);
    expect((error as InvalidIdentifierError).kind).toBe('call-number');
    return (error as Error).message;
  }
  throw new Error(`expected "${raw}" to be rejected`);
}

describe('Dewey call numbers', () => {
  describe('normalisation', () => {
    it.each([
      ['641.5 BRO', '641.5 BRO'],
      ['641.5 bro', '641.5 BRO'],
      ['641.5BRO', '641.5 BRO'],
      ['  641.5945   DAV  ', '641.5945 DAV'],
      ["641.5'945 DAV", '641.5945 DAV'],
      ['641.5/945 DAV', '641.5945 DAV'],
      ['004', '004'],
      ['813.54 S642d', '813.54 S642d'],
      ['813.54 .K55', '813.54 K55'],
      ['j 641.5 bro 2005 V. 2', 'J 641.5 BRO 2005 v.2'],
    ])('reads %j as %j', (raw, value) => {
      expect(ddc(raw).value).toBe(value);
    });

    it('ignores prime marks when comparing', () => {
      expect(ddc("641.5'945 DAV").sortKey).toBe(ddc('641.5945 DAV').sortKey);
    });
  });

  describe('prefixes and parts', () => {
    it('reads leading words before the number as a prefix', () => {
      expect(ddc('J 641.5 BRO').parts).toEqual({ prefix: 'J', classPart: '641.5', cutters: ['BRO'], suffix: [] });
      expect(ddc('REF 020 LIB 2005 v.2').parts).toEqual({
        prefix: 'REF',
        classPart: '020',
        cutters: ['LIB'],
        suffix: ['2005', 'v.2'],
      });
    });

    it('reads a B (biography) prefix before a number as a prefix', () => {
      expect(ddc('B 921 JOB').parts.prefix).toBe('B');
    });
  });

  describe('sort key', () => {
    it('keeps the number as written and marks dates and volumes', () => {
      expect(ddc('641.5945 DAV 2005 v.2').sortKey).toBe('641.5945 DAV +2005 +V.0002');
      expect(ddc('J 641.5 BRO').sortKey).toBe('~J 641.5 BRO');
    });
  });

  describe('spine labels', () => {
    it.each([
      ['641.5 BRO', ['641.5', 'BRO']],
      ['004', ['004']],
      ['J 641.5945 DAV 2005', ['J', '641.5945', 'DAV', '2005']],
      ['REF 020 LIB v.2', ['REF', '020', 'LIB', 'v.2']],
    ])('prints %j as %j', (raw, lines) => {
      expect(ddc(raw).labelLines()).toEqual(lines);
    });
  });

  describe('rejections', () => {
    it.each([
      ['64.5 X', 'Dewey class number must have 3 digits (000–999), not "64.5"'],
      ['1000', 'Dewey class number must have 3 digits (000–999), not "1000"'],
      ['6415 BRO', 'Dewey class number must have 3 digits (000–999), not "6415"'],
      ['X641.5', 'Dewey call number must start with a 3-digit class number (000–999), not "X641.5"'],
      ['FIC KING', 'Dewey call number "FIC KING" has no class number (000–999); catalogue it under the local scheme'],
      ['B JOBS', 'Dewey call number "B JOBS" has no class number (000–999); catalogue it under the local scheme'],
      ['641.5 BRO B876', 'unexpected "B876" in Dewey call number (expected a cutter such as BRO, a year, or v.2 / c.2)'],
      ['641.5 BRO!', 'unexpected "BRO!" in Dewey call number (expected a cutter such as BRO, a year, or v.2 / c.2)'],
      ['641. BRO', 'Dewey decimal point must be followed by digits, as in 641.5'],
      ['641.', 'Dewey decimal point must be followed by digits, as in 641.5'],
      ['', 'Dewey call number is empty'],
    ])('rejects %j: %s', (raw, message) => {
      expect(messageFor(raw)).toBe(message);
    });
  });
});
