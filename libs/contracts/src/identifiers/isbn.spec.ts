import { InvalidIdentifierError } from './invalid-identifier.error';
import { Isbn, isbn10CheckDigit, isbn13CheckDigit } from './isbn';

function messageFor(raw: string): string {
  try {
    Isbn.parse(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidIdentifierError);
    expect((error as InvalidIdentifierError).kind).toBe('isbn');
    return (error as Error).message;
  }
  throw new Error(`expected "${raw}" to be rejected`);
}

describe('Isbn', () => {
  it.each([
    ['0-306-40615-2', '9780306406157', '0306406152'],
    ['0306406152', '9780306406157', '0306406152'],
    ['0 306 40615 2', '9780306406157', '0306406152'],
    ['978-0-306-40615-7', '9780306406157', '0306406152'],
    ['0-8044-2957-X', '9780804429573', '080442957X'],
    ['0-8044-2957-x', '9780804429573', '080442957X'],
    ['978-0-8389-8484-0', '9780838984840', '0838984843'],
    ['979-10-90636-07-1', '9791090636071', null],
  ])('accepts %s and normalises it to ISBN-13 %s', (raw, isbn13, isbn10) => {
    const isbn = Isbn.parse(raw);
    expect(isbn.isbn13).toBe(isbn13);
    expect(isbn.value).toBe(isbn13);
    expect(isbn.toString()).toBe(isbn13);
    expect(isbn.isbn10).toBe(isbn10);
  });

  it('treats the ISBN-10 and ISBN-13 spellings of one book as equal', () => {
    expect(Isbn.parse('0-306-40615-2').equals(Isbn.parse('9780306406157'))).toBe(true);
  });

  it('has no ISBN-10 form for a 979 ISBN', () => {
    expect(Isbn.parse('9791090636071').isbn10).toBeNull();
  });

  it('serialises to the 13-digit string', () => {
    expect(JSON.stringify([Isbn.parse('0-306-40615-2')])).toBe('["9780306406157"]');
  });

  it('rejects a wrong ISBN-10 check digit, naming the expected one', () => {
    expect(messageFor('0-306-40615-3')).toBe('ISBN-10 check digit should be 2, not 3');
    expect(messageFor('0-8044-2957-5')).toBe('ISBN-10 check digit should be X, not 5');
  });

  it('rejects a wrong ISBN-13 check digit, naming the expected one', () => {
    expect(messageFor('978-0-306-40615-8')).toBe('ISBN-13 check digit should be 7, not 8');
    expect(messageFor('979-10-90636-07-2')).toBe('ISBN-13 check digit should be 1, not 2');
  });

  it('rejects a 13-digit number outside the 978/979 Bookland prefixes', () => {
    expect(messageFor('977-0-306-40615-7')).toBe('ISBN-13 must start with 978 or 979, not 977');
  });

  it('rejects the wrong number of digits', () => {
    expect(messageFor('0-306-40615')).toBe('ISBN must have 10 or 13 digits, got 9');
    expect(messageFor('978-0-306-40615-77')).toBe('ISBN must have 10 or 13 digits, got 14');
  });

  it('allows X only as the last character of an ISBN-10', () => {
    expect(messageFor('0-306-4X615-2')).toBe('X is only allowed as the last character of an ISBN-10');
    expect(messageFor('978030640615X')).toBe('X is only allowed as the last character of an ISBN-10');
  });

  it('rejects other characters and empty input', () => {
    expect(messageFor('0-306-40615-2a')).toBe('ISBN may contain only digits, hyphens, spaces and a final X');
    expect(messageFor('ISBN 0306406152')).toBe('ISBN may contain only digits, hyphens, spaces and a final X');
    expect(messageFor(' - ')).toBe('ISBN is empty');
  });

  it('reports isValid without throwing, including for non-strings', () => {
    expect(Isbn.isValid('978-0-306-40615-7')).toBe(true);
    expect(Isbn.isValid('978-0-306-40615-8')).toBe(false);
    expect(Isbn.isValid(9780306406157)).toBe(false);
    expect(Isbn.isValid(null)).toBe(false);
  });
});

describe('ISBN check digit helpers', () => {
  it('compute the ISBN-10 check character, with X for ten', () => {
    expect(isbn10CheckDigit('030640615')).toBe('2');
    expect(isbn10CheckDigit('080442957')).toBe('X');
  });

  it('compute the ISBN-13 check digit', () => {
    expect(isbn13CheckDigit('978030640615')).toBe(7);
    expect(isbn13CheckDigit('979109063607')).toBe(1);
  });

  it('refuse input of the wrong length', () => {
    expect(() => isbn10CheckDigit('03064061')).toThrow(RangeError);
    expect(() => isbn13CheckDigit('97803064061')).toThrow(RangeError);
  });
});
