import {
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { Barcode } from './barcode';
import { CALL_NUMBER_SCHEMES, CallNumber, CallNumberScheme } from './call-number';
import { Isbn } from './isbn';
import { Issn } from './issn';

/**
 * class-validator decorators for DTOs. They reuse the value objects' `parse`, so a DTO accepts
 * exactly what the domain accepts, and the default message carries the parser's reason:
 * `isbn: ISBN-13 check digit should be 7, not 8`.
 */

/** Runs `parse` and returns its error message, or null when the value is valid. */
function problemWith(value: unknown, parse: (raw: string) => unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  try {
    parse(value);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * With `{ each: true }` class-validator passes the whole array to `defaultMessage`, so report the
 * first element that fails, with its index.
 */
function describe(args: ValidationArguments, parse: (raw: string) => unknown): string {
  const { value } = args;
  const isCollection = Array.isArray(value) || value instanceof Set || value instanceof Map;
  const values: unknown[] = !isCollection ? [value] : value instanceof Map ? [...value.values()] : [...value];
  for (let i = 0; i < values.length; i++) {
    const problem = problemWith(values[i], parse);
    if (problem !== null) return `${args.property}${isCollection ? `[${i}]` : ''}: ${problem}`;
  }
  return `${args.property}: is not valid`;
}

@ValidatorConstraint({ name: 'isLibraryBarcode', async: false })
export class IsLibraryBarcodeConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return Barcode.isValid(value);
  }
  defaultMessage(args: ValidationArguments): string {
    return describe(args, (raw) => Barcode.parse(raw));
  }
}

@ValidatorConstraint({ name: 'isIsbn', async: false })
export class IsIsbnConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return Isbn.isValid(value);
  }
  defaultMessage(args: ValidationArguments): string {
    return describe(args, (raw) => Isbn.parse(raw));
  }
}

@ValidatorConstraint({ name: 'isIssn', async: false })
export class IsIssnConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return Issn.isValid(value);
  }
  defaultMessage(args: ValidationArguments): string {
    return describe(args, (raw) => Issn.parse(raw));
  }
}

/**
 * Reads the scheme from the sibling property named in constraints[0]. Case-insensitive, because
 * records elsewhere spell schemes `LC`/`DDC`; anything unknown (NLM, SuDoc, missing) yields
 * undefined and the call number is not checked here — the scheme property's own validator owns that.
 */
function siblingScheme(args: ValidationArguments): CallNumberScheme | undefined {
  const [schemeProperty] = args.constraints as [string];
  const scheme = (args.object as Record<string, unknown>)[schemeProperty];
  if (typeof scheme !== 'string') return undefined;
  const lower = scheme.toLowerCase();
  return CALL_NUMBER_SCHEMES.find((s) => s === lower);
}

@ValidatorConstraint({ name: 'isCallNumber', async: false })
export class IsCallNumberConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args?: ValidationArguments): boolean {
    const scheme = args && siblingScheme(args);
    return scheme === undefined || CallNumber.isValid(value, scheme);
  }
  defaultMessage(args: ValidationArguments): string {
    const scheme = siblingScheme(args);
    return scheme === undefined ? `${args.property}: is not valid` : describe(args, (raw) => CallNumber.parse(raw, scheme));
  }
}

function register(constraint: Function, name: string, options?: ValidationOptions, constraints: unknown[] = []): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      constraints,
      validator: constraint,
    });
  };
}

/** A library item barcode under the configured barcode policy (Codabar, plus legacy if configured). */
export function IsLibraryBarcode(validationOptions?: ValidationOptions): PropertyDecorator {
  return register(IsLibraryBarcodeConstraint, 'isLibraryBarcode', validationOptions);
}

/** An ISBN-10 or ISBN-13, hyphens and spaces allowed. */
export function IsIsbn(validationOptions?: ValidationOptions): PropertyDecorator {
  return register(IsIsbnConstraint, 'isIsbn', validationOptions);
}

/** An ISSN, with or without its hyphen. */
export function IsIssn(validationOptions?: ValidationOptions): PropertyDecorator {
  return register(IsIssnConstraint, 'isIssn', validationOptions);
}

/**
 * A call number valid in the scheme held by the sibling property `schemeProperty`. Passes when the
 * scheme is missing or unknown; pair it with e.g. `@IsIn(CALL_NUMBER_SCHEMES)` on that property.
 */
export function IsCallNumber(schemeProperty = 'callNumberScheme', validationOptions?: ValidationOptions): PropertyDecorator {
  return register(IsCallNumberConstraint, 'isCallNumber', validationOptions, [schemeProperty]);
}
