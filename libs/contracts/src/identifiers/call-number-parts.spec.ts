import { sortableNumber, sortableText } from './call-number-parts';

describe('sortableNumber', () => {
  it('zero-pads to the width and drops leading zeros', () => {
    expect(sortableNumber('2', 4)).toBe('0002');
    expect(sortableNumber('0002', 4)).toBe('0002');
    expect(sortableNumber('0', 4)).toBe('0000');
    expect(sortableNumber('1990', 4)).toBe('1990');
  });

  it('keeps numbers longer than the width in numeric order', () => {
    const numbers = [0, 7, 99, 1000, 9999, 10000, 99999, 123456, 1234567, 99999999, 100000000];
    const keys = numbers.map((n) => sortableNumber(String(n), 4));
    expect([...keys].sort()).toEqual(keys);
  });
});

describe('sortableText', () => {
  it('uppercases and pads every digit run', () => {
    expect(sortableText('v.2 pt.10', 4)).toBe('V.0002 PT.0010');
  });
});
