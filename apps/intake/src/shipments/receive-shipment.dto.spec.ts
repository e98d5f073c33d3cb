import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import * as classTransformer from 'class-transformer';
import { createValidationPipe } from '@app/platform/http/validation';
import { agreementOver, sameInstance, variantsOf } from '../../../../libs/contracts/test/validation-agreement';
import { ReceiveShipmentDto } from './receive-shipment.dto';

const book = {
  materialType: 'book', title: 'Dune', barcode: '31234000000016', creators: ['Herbert, Frank'], isbn: '978-0-306-40615-7', issn: null,
  publisher: 'Chilton', publicationYear: 1965, callNumber: 'QA76.73.J38 S55 2010', callNumberScheme: 'lc', securityTag: 'strip',
  preApplied: ['cover', 'spine-label'], collection: 'Fiction', price: '24.95', currency: 'USD',
};
const eResource = { materialType: 'e-resource', title: 'Online Journal', barcode: null, creators: [], price: '5.00' };
const shipment = { supplier: 'Midwest Library Service', branch: 'CEN', items: [book, eResource] };
const body: ArgumentMetadata = { type: 'body', metatype: ReceiveShipmentDto };

describe('a shipment body, validated the quick way', () => {
  it('gets the same verdict and messages as class-validator under the request pipe options, variant by variant', () => {
    const result = agreementOver(ReceiveShipmentDto, variantsOf(shipment), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    expect(result.disagreements).toEqual([]);
    expect(result.slowPaths).toEqual([]);
    expect(result.plainDisagreements).toEqual([]);
    // The pipe builds the DTO from accepted plain input itself: the same instances class-transformer builds.
    expect(result.instanceMismatches).toEqual([]);
    expect(result.instanceSlowPaths).toEqual([]);
    expect(result.conforming).toBeGreaterThan(10);
    expect(result.variants).toBeGreaterThan(900);
  });

  it('passes through the pipe as the DTO, and a bad line is named by its path', async () => {
    const pipe = createValidationPipe();
    const transformer = jest.spyOn(classTransformer, 'plainToInstance');
    const dto = await pipe.transform(structuredClone(shipment), body);
    // Built by the pipe itself (class-transformer is not asked), equal to what class-transformer builds.
    expect(transformer).not.toHaveBeenCalled();
    transformer.mockRestore();
    expect(dto).toBeInstanceOf(ReceiveShipmentDto);
    expect(sameInstance(dto, classTransformer.plainToInstance(ReceiveShipmentDto, structuredClone(shipment)))).toBe(true);
    const bad = structuredClone(shipment) as { items: Record<string, unknown>[] };
    bad.items[1].barcode = '31234000000016';
    bad.items[0].surprise = true;
    const refused = await pipe.transform(bad, body).catch((error: BadRequestException) => error.getResponse());
    expect(refused).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['items[0].surprise: unknown field', 'items[1].barcode: must be absent: an e-resource has no barcode'],
    });
  });
});
