/** The identifier families this library validates; lets callers tell which field was wrong. */
export type IdentifierKind = 'barcode' | 'isbn' | 'issn' | 'call-number';

/**
 * Thrown by the identifier value objects' `parse` methods. The message is meant for people
 * (cataloguers at a scanner, API clients), so it names what is wrong rather than echoing a regex.
 */
export class InvalidIdentifierError extends Error {
  override readonly name = 'InvalidIdentifierError';

  constructor(
    readonly kind: IdentifierKind,
    message: string,
    /** The input as given, kept for logs; not part of the message so it is never echoed twice. */
    readonly input?: unknown,
  ) {
    super(message);
    // Keeps `instanceof` working when the code is down-levelled to ES5 by a consumer's build.
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
