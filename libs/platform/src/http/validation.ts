import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

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

/**
 * Bodies are validated against their DTO classes; unknown fields are refused, not silently dropped,
 * and every problem is named by its path.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
