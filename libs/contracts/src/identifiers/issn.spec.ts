import { InvalidIdentifierError } from './invalid-identifier.error';
import { Issn, issnCheckDigit } from './issn';

function messageFor(raw: string): string {
  try {
    Issn.parse(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidIdentifierError);
    expect((error as InvalidIdentifierError).kind).toBe('issn');
    return (error as Error).message;
  }
  throw new Error(`expected "${raw}" to be rejected`);
}

describe('Issn', () => {
  it.each(['0317-8471', '2049-3630', '0378-5955', '1050-124X'])('accepts the real ISSN %s', (raw) => {
    expect(Issn.parse(raw).value).toBe(raw);
  });

  it('accepts an ISSN without its hyphen and prints it with one', () => {
    expect(Issn.parse('03178471').value).toBe('0317-8471');
    expect(Issn.parse(' 20493630 ').toString()).toBe('2049-3630');
  });

  it('accepts a lowercase x check character and prints it uppercase', () => {
    expect(Issn.parse('1050-124x').value).toBe('1050-124X');
    expect(Issn.parse('1050124x').value).toBe('1050-124X');
  });

  it('treats the hyphenated and compact forms as equal', () => {
    expect(Issn.parse('0378-5955').equals(Issn.parse('03785955'))).toBe(true);
  });

  it('rejects a wrong check character, naming the expected one', () => {
    expect(messageFor('0317-8472')).toBe('check digit should be 1, not 2');
    expect(messageFor('1050-1240')).toBe('check digit should be X, not 0');
  });

  it('rejects the wrong shape', () => {
    const shape = 'ISSN must be 8 characters as NNNN-NNNC (digits, last may be X)';
    expect(messageFor('0317-847')).toBe(shape);
    expect(messageFor('0317-84711')).toBe(shape);
    expect(messageFor('031-78471')).toBe(shape);
    expect(messageFor('X317-8471')).toBe(shape);
    expect(messageFor('')).toBe('ISSN is empty');
  });

  it('reports isValid without throwing, including for non-strings', () => {
    expect(Issn.isValid('0378-5955')).toBe(true);
    expect(Issn.isValid('0378-5956')).toBe(false);
    expect(Issn.isValid(3785955)).toBe(false);
  });

  it('computes the check character with weights 8 to 2, mod 11', () => {
    expect(issnCheckDigit('0317847')).toBe('1');
    expect(issnCheckDigit('1050124')).toBe('X');
    expect(() => issnCheckDigit('031784')).toThrow(RangeError);
  });
});
