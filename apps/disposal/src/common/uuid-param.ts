import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

/** `:id` path parameters: a malformed id is the client's mistake (400 naming it), never a 500. */
export function uuidParam(what: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(`id: must be a ${what} id (uuid)`) });
}
