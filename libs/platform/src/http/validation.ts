import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { conformsAs, instanceAs, validateQuickly } from '@app/contracts';

/** `items[3].isbn: isbn: check digit should be 7` — the path a client can find in its own body. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const key = /^\d+$/.test(error.property) ? `[${error.property}]` : parent ? `.${error.property}` : error.property;
    const path = `${parent}${key}`;
    const own = Object.values(error.constraints ?? {}).map((message) => {
      // class-validator starts messages with the bare property name; replace it with the full path.
      const bare = message.startsWith(`${error.property}: `)
        ? message.slice(error.property.length + 2)
        : message.startsWith(`${error.property} `)
          ? message.slice(error.property.length + 1)
          : message;
      if (error.constraints?.whitelistValidation === message) return `${path}: unknown field`;
      return `${path}: ${bare}`;
    });
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

/** JSON keys class-transformer drops without a word, so the whitelist never sees them. */
const DROPPED_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * What no DTO rule catches, anywhere in a body, query or path parameter: keys class-transformer would
 * drop unseen (`items[0].__proto__: unknown field`), and the NUL character, which PostgreSQL cannot
 * store in text (it would fail the statement: a 500 for the client's mistake).
 */
export function uncheckableInput(value: unknown, parent = ''): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [`${parent || 'value'}: must not contain the NUL character (\\u0000)`] : [];
  if (Array.isArray(value)) return value.flatMap((element, i) => uncheckableInput(element, `${parent}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => {
    const path = parent ? `${parent}.${key}` : key;
    if (DROPPED_KEYS.includes(key)) return [`${path}: unknown field`];
    return uncheckableInput((value as Record<string, unknown>)[key], path);
  });
}

class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      // A path or query parameter taken alone (`@Param('barcode')`) is named by its own name.
      const problems = uncheckableInput(value, typeof value === 'string' ? (metadata.data ?? metadata.type) : '');
      if (problems.length) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: problems.slice(0, 50) });
    }
    return this.conformingInstance(value, metadata) ?? super.transform(value, metadata);
  }

  /**
   * A body or query that conforms, built into its DTO without class-transformer's general walk: what
   * `super.transform` would answer for it (see `instanceAs`). Undefined for anything else — including
   * every invalid input, whose errors class-validator words as always.
   */
  private conformingInstance(value: unknown, metadata: ArgumentMetadata): object | undefined {
    const metatype = metadata.metatype as (new () => object) | undefined;
    if (!metatype || !this.toValidate(metadata) || metadata.type === 'custom') return undefined;
    if (!conformsAs(metatype, value, this.validatorOptions)) return undefined;
    return instanceAs(metatype, value);
  }

  /** Each class's rules, looked up once for the pipe's life rather than once per request. */
  private readonly rulesByClass = new Map<unknown, unknown[]>();

  protected override findNestedBinaryValues(object: unknown, metadataCache: Map<unknown, unknown[]> = this.rulesByClass): ValidationError[] {
    return super.findNestedBinaryValues(object, metadataCache as Parameters<ValidationPipe['findNestedBinaryValues']>[1]);
  }

  /** Same rules and messages as class-validator's `validate`; a conforming body skips its bookkeeping. */
  protected override validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    return validateQuickly(object, validatorOptions);
  }
}

/**
 * Bodies are validated against their DTO classes; unknown fields are refused, not silently dropped,
 * and every problem is named by its path.
 */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const messages = flattenValidationErrors(errors);
      return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: messages.slice(0, 50) });
    },
  });
}
