import { ValidationError } from 'class-validator';
import { flattenValidationErrors, uncheckableInput } from './validation';

const error = (property: string, constraints?: Record<string, string>, children: ValidationError[] = []): ValidationError =>
  Object.assign(new ValidationError(), { property, constraints, children });

describe('validation messages', () => {
  it('names nested fields by the path a client finds in its own body', () => {
    const errors = [error('items', undefined, [error('3', undefined, [error('isbn', { isIsbn: 'isbn: ISBN-13 check digit should be 7, not 8' })])])];
    expect(flattenValidationErrors(errors)).toEqual(['items[3].isbn: ISBN-13 check digit should be 7, not 8']);
  });

  it('strips the bare property name class-validator starts its messages with', () => {
    expect(flattenValidationErrors([error('title', { isString: 'title must be a string' })])).toEqual(['title: must be a string']);
  });

  it('calls a field the DTO does not know an unknown field', () => {
    expect(flattenValidationErrors([error('extra', { whitelistValidation: 'property extra should not exist' })])).toEqual(['extra: unknown field']);
  });

  it('finds what no DTO rule catches: keys class-transformer would drop unseen, and NUL characters', () => {
    const body = JSON.parse('{"title": "x", "__proto__": {"isAdmin": true}, "items": [{"isbn": "1"}, {"constructor": {"prototype": {}}}, {"note": "a\\u0000b"}]}');
    expect(uncheckableInput(body)).toEqual(['__proto__: unknown field', 'items[1].constructor: unknown field', 'items[2].note: must not contain the NUL character (\\u0000)']);
    expect(uncheckableInput('3123\u0000', 'barcode')).toEqual(['barcode: must not contain the NUL character (\\u0000)']);
    expect(uncheckableInput({ items: [{ title: 'x' }], n: 1, s: 'constructor' })).toEqual([]);
  });
});
