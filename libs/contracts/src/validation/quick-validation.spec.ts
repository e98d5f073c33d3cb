import { randomUUID } from 'node:crypto';
import { ClassConstructor, plainToInstance, Transform, Type } from 'class-transformer';
import {
  Allow, IsDefined, IsInt, IsOptional, IsString, MaxLength, Min, registerDecorator, ValidateIf, ValidateNested, validateSync,
  ValidationArguments,
} from 'class-validator';
import { agreementOver, variantsOf } from '../../test/validation-agreement';
import {
  allEventDefinitions, describeValidationErrors, EventEnvelope, ItemListed, ItemPulled, ItemReceived, ItemStatusChanged, ItemUpdated, makeCodabarBarcode,
  ShipmentDispatched, validateEvent,
} from '..';
import { conforms, conformsAs, validateQuickly, validateSyncQuickly } from './quick-validation';

const barcode = makeCodabarBarcode('4321', 777);
const snapshot = {
  recordId: randomUUID(), title: 'Dune', creators: ['Herbert, Frank'], isbn: '9780441013593', issn: null, publicationYear: 1965,
  materialType: 'book', collection: 'Fiction', callNumber: 'PS3558.E63 D8 1965', callNumberScheme: 'lc', shelfKey: 'PS 43558 E63 D8 1965',
  checkoutCount: 3, lastCirculatedAt: '2026-01-02T03:04:05.000Z', shelvedAt: null, conditions: ['worn'],
};

/** A valid sample of the richest contracts: nested objects, arrays of them, inheritance, conditional rules. */
const SAMPLES: Array<{ definition: { type: string; dataClass: ClassConstructor<object> }; data: object }> = [
  {
    definition: ItemReceived,
    data: {
      itemId: randomUUID(), shipmentId: randomUUID(), branch: 'CEN', materialType: 'book', barcode, title: 'Dune', creators: ['Herbert, Frank'],
      isbn: '9780306406157', issn: null, publisher: 'Chilton', publicationYear: 1965, callNumber: 'QA76.73.J38 S55 2010', callNumberScheme: 'lc',
      collection: null, price: '24.95', currency: 'USD', requiredSteps: ['stamp', 'cover'], pendingSteps: ['stamp'], supplier: 'EBSCO', receivedBy: 'tech-1',
    },
  },
  {
    definition: ItemStatusChanged,
    data: { itemId: randomUUID(), barcode, branch: 'CEN', from: 'SHELF_READY', to: 'AVAILABLE', version: 2, actor: 'cataloger-1', reason: null, item: snapshot },
  },
  { definition: ItemUpdated, data: { itemId: randomUUID(), barcode, branch: 'CEN', status: 'AVAILABLE', version: 4, changed: ['conditions'], item: snapshot } },
  { definition: ItemPulled, data: { itemId: randomUUID(), barcode, branch: 'CEN', pullRequestId: randomUUID(), reason: 'repair', pulledBy: 'tech-1' } },
  {
    definition: ShipmentDispatched,
    data: {
      shipmentId: randomUUID(), lotNumber: 'CEN-20260101-1', vendorId: randomUUID(), partnerId: 'acme-bindery', branch: 'CEN',
      dispatchedAt: '2026-01-01T09:00:00.000Z', expectedReturnAt: '2026-02-01T09:00:00.000Z', dispatchedBy: 'tech-1',
      lines: [
        { lineNo: 1, itemId: randomUUID(), barcode, callNumber: null, title: 'Vol. 1', slip: { bindingStyle: 'buckram', leafAttachment: 'oversew', clothColor: 'red', foilColor: 'gold', spineLettering: ['VOL 1'], instructions: null } },
        { lineNo: 2, itemId: randomUUID(), barcode, callNumber: 'QA76 .B2', title: 'Vol. 2', slip: { bindingStyle: 'buckram', leafAttachment: 'sewn', clothColor: 'blue', foilColor: 'gold', spineLettering: [], instructions: 'careful' } },
      ],
    },
  },
  {
    definition: ItemListed,
    data: {
      itemId: randomUUID(), barcode, branch: 'CEN', listingId: randomUUID(), channel: 'sales-platform', condition: 'good', exLibrary: true,
      price: '4.50', currency: 'USD', isbn: null, title: 'Dune', creators: [], publicationYear: null,
    },
  },
];

describe('quick validation agrees with class-validator', () => {
  it.each(SAMPLES.map((sample) => [sample.definition.type, sample] as const))('%s: the same verdict and errors over hundreds of variants', (_type, sample) => {
    expect(describeValidationErrors(validateSync(plainToInstance(sample.definition.dataClass, sample.data), { forbidUnknownValues: true }))).toEqual([]);
    const result = agreementOver(sample.definition.dataClass, variantsOf(sample.data), { forbidUnknownValues: true });
    expect(result.disagreements).toEqual([]);
    // The sample and its harmless variants take the quick path; else the speed-up would be silently lost.
    expect(result.conforming).toBeGreaterThan(0);
    expect(result.slowPaths).toEqual([]);
    // And the plain-input check, which events off the wire take: never a yes class-validator would refuse.
    expect(result.plainDisagreements).toEqual([]);
    expect(result.plainSlowPaths).toEqual([]);
    expect(result.instanceMismatches).toEqual([]);
    expect(result.instanceSlowPaths).toEqual([]);
    expect(result.variants).toBeGreaterThan(100);
  });

  it('every event contract, given junk, answers as class-validator does', () => {
    for (const definition of allEventDefinitions()) {
      const result = agreementOver(definition.dataClass, [{}, { itemId: 'x' }, { items: [{}] }, { lines: [null] }, { item: 'x' }], { forbidUnknownValues: true });
      expect({ type: definition.type, disagreements: result.disagreements, plain: result.plainDisagreements }).toEqual({
        type: definition.type, disagreements: [], plain: [],
      });
    }
  });

  it('a valid event is accepted through the quick path and a broken one is refused with the same reason as before', () => {
    const envelope = (data: object): EventEnvelope<object> => ({
      id: randomUUID(), type: ItemStatusChanged.type, schemaVersion: 1, occurredAt: new Date().toISOString(), producer: 'cataloging',
      correlationId: randomUUID(), causationId: null, branch: 'CEN', data,
    });
    // Off the wire (JSON), a conforming event comes back as it came: plain, no instance built.
    const wire = JSON.parse(JSON.stringify(envelope(SAMPLES[1].data))) as object;
    const accepted = validateEvent(wire);
    expect(accepted).toMatchObject({ ok: true });
    expect(accepted.ok && accepted.envelope).toBe(wire);
    // Newer schema versions and unknown types are still refused, named.
    expect(validateEvent({ ...wire, schemaVersion: 2 })).toMatchObject({ ok: false, reason: expect.stringContaining('schemaVersion 2 is newer than supported 1') });
    expect(validateEvent({ ...wire, type: 'cataloging.item.teleported' })).toEqual({ ok: false, reason: 'unknown event type cataloging.item.teleported' });
    const broken = validateEvent(envelope({ ...SAMPLES[1].data, version: 0, item: { ...snapshot, checkoutCount: -1 } }));
    expect(broken).toEqual({
      ok: false,
      reason: 'invalid cataloging.item.status-changed: data.version: version must not be less than 1; data.item.checkoutCount: checkoutCount must not be less than 0',
    });
  });
});

// Features the contracts may use one day, each against class-validator itself.
function IsEvenWithArgs(): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isEvenWithArgs',
      target: target.constructor,
      propertyName: property as string,
      validator: { validate: (value: unknown, args: ValidationArguments) => typeof value === 'number' && value % 2 === 0 && args.property === property && args.targetName === target.constructor.name },
    });
}

class Part {
  @IsString() @MaxLength(5) name!: string;
}
class Base {
  @IsInt() @Min(10) size!: number;
  @IsString() label!: string;
}
class Assembly extends Base {
  @IsOptional() @IsString() note?: string | null;
  @ValidateIf((o: Assembly) => o.kind === 'numbered') @IsEvenWithArgs() number?: number;
  @IsString() kind!: string;
  @IsDefined() @Allow() tag?: unknown;
  @ValidateNested({ each: true }) @Type(() => Part) parts!: Part[];
  @IsOptional() @ValidateNested() @Type(() => Part) main?: Part;
  @IsString({ each: true }) aliases!: string[];
}
// Overrides Base's @Min by type on `size` (both are custom rules): class-validator keeps the child's. Applied as the
// decorator would be, without redeclaring the field (which would shadow Base's under class-field semantics).
Min(0)(Assembly.prototype, 'size');

describe('quick validation models class-validator rule by rule', () => {
  const assembly = { size: 4, label: 'a', note: null, kind: 'numbered', number: 2, tag: 0, parts: [{ name: 'p' }], main: { name: 'm' }, aliases: ['x'] };
  const pipeOptions = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

  it.each([
    ['defaults', undefined],
    ['the request pipe', pipeOptions],
    ['unknown values allowed', { forbidUnknownValues: false }],
    ['missing properties skipped', { skipMissingProperties: true }],
    ['null skipped', { skipNullProperties: true }],
    ['undefined skipped', { skipUndefinedProperties: true }],
  ])('inheritance, conditions, each, nested arrays and objects, IsDefined, Allow: %s', (_name, options) => {
    const result = agreementOver(Assembly, [
      ...variantsOf(assembly),
      { ...assembly, kind: 'plain', number: 3 },
      { ...assembly, parts: new Set([{ name: 'p' }]) },
      { ...assembly, aliases: new Set(['a', 1]) },
    ], options);
    expect(result.disagreements).toEqual([]);
    expect(result.plainDisagreements).toEqual([]);
    expect(result.instanceMismatches).toEqual([]);
    expect(result.conforming).toBeGreaterThan(0);
  });

  it('takes the quick path only for what it models', () => {
    const valid = plainToInstance(Assembly, assembly);
    expect(conforms(valid)).toBe(true);
    // A key class-validator's whitelist finds on Object.prototype counts as known, as there.
    expect(conforms(Object.assign(plainToInstance(Assembly, assembly), { constructor: Assembly }), pipeOptions)).toBe(validateSync(Object.assign(plainToInstance(Assembly, assembly), { constructor: Assembly }), pipeOptions).length === 0);
    // Stripping, groups and objects without a class are left to class-validator.
    expect(conforms(valid, { whitelist: true })).toBe(false);
    expect(conforms(valid, { groups: ['x'] })).toBe(false);
    expect(conforms(Object.create(null))).toBe(false);
    expect(conforms({ size: 4 })).toBe(false);
  });

  it('judges plain input as the instances class-transformer would build, and leaves what it would change to class-validator', () => {
    expect(conformsAs(Assembly, structuredClone(assembly))).toBe(true);
    expect(conformsAs(Assembly, { ...assembly, size: -1 })).toBe(false);
    expect(conformsAs(Assembly, { ...assembly, parts: [{ name: 'far too long' }] })).toBe(false); // the nested class's rule (@Type)
    expect(conformsAs(Assembly, { ...assembly, main: { name: 'm', extra: 1 } })).toBe(true); // extra keys are copied, not refused
    // Not plain input: instances, keys class-transformer skips or that reach the prototype, a nested non-plain object.
    expect(conformsAs(Assembly, plainToInstance(Assembly, assembly))).toBe(false);
    expect(conformsAs(Assembly, JSON.parse(`{"constructor": 1, ${JSON.stringify(assembly).slice(1)}`))).toBe(false);
    expect(conformsAs(Assembly, JSON.parse(`{"__proto__": {"size": 4}, ${JSON.stringify(assembly).slice(1)}`))).toBe(false);
    expect(conformsAs(Assembly, { ...assembly, main: new Part() })).toBe(false);
    // A class whose input class-transformer rewrites is never judged as plain.
    class Rewritten {
      @Transform(({ value }) => `${value}-suffixed`) @IsString() @MaxLength(5) code!: string;
    }
    expect(validateSync(plainToInstance(Rewritten, { code: 'ab' }))).not.toEqual([]); // 'ab-suffixed' is too long
    expect(conformsAs(Rewritten, { code: 'ab' })).toBe(false);
    // Nor one that rewrites a property no rule checks: its handler would be given other values.
    class QuietlyRewritten {
      @IsString() code!: string;
      @Transform(({ value }) => String(value).toUpperCase()) note?: string;
    }
    class Inheriting extends QuietlyRewritten {}
    expect(validateSync(plainToInstance(QuietlyRewritten, { code: 'ab', note: 'x' }))).toEqual([]);
    expect(conformsAs(QuietlyRewritten, { code: 'ab', note: 'x' })).toBe(false);
    expect(conformsAs(Inheriting, { code: 'ab', note: 'x' })).toBe(false);
  });

  it('leaves stripping of unknown fields to class-validator, which still strips them', () => {
    const stripped = Object.assign(plainToInstance(Assembly, assembly), { extra: 1 });
    expect(validateSyncQuickly(stripped, { whitelist: true })).toEqual([]);
    expect(stripped).not.toHaveProperty('extra');
  });

  it('an async rule goes to class-validator, which awaits it', async () => {
    class Awaited {
      @IsString() name!: string;
      @(((target: object, property: string | symbol) =>
        registerDecorator({ name: 'later', async: true, target: target.constructor, propertyName: property as string, validator: { validate: async (value: unknown) => value === 'ok' } })) as PropertyDecorator)
      answer!: string;
    }
    const wrong = plainToInstance(Awaited, { name: 'n', answer: 'no' });
    expect(conforms(wrong)).toBe(false);
    expect((await validateQuickly(wrong)).map((error) => error.property)).toEqual(['answer']);
    expect(await validateQuickly(plainToInstance(Awaited, { name: 'n', answer: 'ok' }))).toEqual([]);
  });
});
