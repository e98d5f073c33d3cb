import { BadRequestException } from '@nestjs/common';
import { Barcode, InvalidIdentifierError } from '@app/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ItemRef = { kind: 'id'; id: string } | { kind: 'barcode'; barcode: string };

/**
 * Items are addressed by barcode in paths, and by their id where they have none (electronic
 * resources): `:barcode` accepts either (SPEC §5). A malformed barcode is a 400 naming the problem.
 */
export function parseItemRef(value: string, field = 'barcode'): ItemRef {
  if (UUID.test(value)) return { kind: 'id', id: value.toLowerCase() };
  try {
    return { kind: 'barcode', barcode: Barcode.parse(value).value };
  } catch (error) {
    if (error instanceof InvalidIdentifierError) throw new BadRequestException(`${field}: ${error.message}`);
    throw error;
  }
}
