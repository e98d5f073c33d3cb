import { CallNumber } from './call-number';
import { MAX_SORT_KEY_LENGTH } from './call-number-parts';
import { InvalidIdentifierError } from './invalid-identifier.error';

const local = (raw: string) => CallNumber.parse(raw, 'local');

describe('local call numbers', () => {
  it('keeps the text and its case, with whitespace collapsed', () => {
    expect(local('  Fic   King\t2 ').value).toBe('Fic King 2');
  });

  it('keys on uppercase text with digit runs zero-padded', () => {
    expect(local('Fic King 2').sortKey).toBe('FIC KING 000002');
    expect(local('DVD 1234567').sortKey).toBe('DVD :0071234567');
  });

  it('folds accents and spells other non-ASCII characters in ASCII', () => {
    expect(local('Ñandú').sortKey).toBe('NANDU');
    expect(local('日本 1').sortKey).toBe('~0065E5~00672C 000001');
  });

  it('caps the sort key at MAX_SORT_KEY_LENGTH without reversing order', () => {
    const longA = local('日本'.repeat(49) + ' 1');
    const longB = local('日本'.repeat(49) + ' 2');
    expect(longA.sortKey).toHaveLength(MAX_SORT_KEY_LENGTH);
    expect(local('1 '.repeat(50).trim()).sortKey.length).toBeLessThanOrEqual(MAX_SORT_KEY_LENGTH);
    expect(longA.sortKey <= longB.sortKey).toBe(true);
    expect(CallNumber.compare(longA, longB)).toBeLessThan(0);
  });

  it('prints one spine-label line per word', () => {
    expect(local('MICROFILM REEL 12').labelLines()).toEqual(['MICROFILM', 'REEL', '12']);
  });

  it('has no parts beyond the text itself', () => {
    expect(local('FIC KING').parts).toEqual({ prefix: null, classPart: 'FIC KING', cutters: [], suffix: [] });
  });

  it('accepts up to 100 characters and rejects longer text', () => {
    expect(local('x'.repeat(100)).value).toHaveLength(100);
    expect(() => local('x'.repeat(101))).toThrow('local call number is longer than 100 characters');
  });

  it('rejects empty and unprintable text', () => {
    expect(() => local(' ')).toThrow(InvalidIdentifierError);
    expect(() => local(' ')).toThrow('local call number is empty');
    expect(() => local('FIC\u0007KING')).toThrow('local call number contains unprintable characters');
    expect(() => local('FIC\u200bKING')).toThrow('local call number contains unprintable characters');
  });
});
