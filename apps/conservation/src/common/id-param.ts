import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

/** `:id` path parameters are uuids; anything else is a 400 naming what was expected. */
export function idParam(what: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(`id: must be a ${what} id (uuid)`) });
}
