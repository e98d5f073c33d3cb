import { plainToInstance, ClassConstructor } from 'class-transformer';
import { validateSync, ValidatorOptions } from 'class-validator';
import { describeValidationErrors } from '../src/events/event-catalog';
import { conforms, conformsAs, instanceAs, validateSyncQuickly } from '../src/validation/quick-validation';

/** Values that break some rule somewhere: wrong types, empties, extremes, look-alikes. */
export const ODD_VALUES: unknown[] = [
  undefined, null, '', ' ', 'x', 'x'.repeat(600), '\u00e9', 0, -1, 1.5, 2026, 1e12, Number.NaN, true, false,
  [], ['x'], [1], [null], [{}], {}, { a: 1 }, new Date(0), '2026-01-01T00:00:00.000Z', '00000000-0000-4000-8000-000000000000',
  'CEN', 'book', 'QA76.73 .J38 2010', '31234000000017', '9780306406157', 'USD', '4.50',
];

/** Every path of a JSON-like value: `a`, `a.b`, `list.0`, `list.0.c`. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys = Array.isArray(value) ? value.map((_, i) => String(i)) : Object.keys(value);
  return keys.flatMap((key) => [[...prefix, key], ...paths((value as Record<string, unknown>)[key], [...prefix, key])]);
}

function withChange(sample: object, path: string[], change: (parent: Record<string, unknown>, key: string) => void): object {
  const copy = structuredClone(sample) as Record<string, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  change(parent, path[path.length - 1]);
  return copy;
}

/**
 * The valid sample, then the sample with every path (nested ones too) set to each odd value, deleted,
 * or joined by an unknown sibling: hundreds of variants, most of them invalid in one way.
 */
export function variantsOf(sample: object): object[] {
  const variants: object[] = [sample, {}, withChange(sample, ['unexpected'], (parent, key) => (parent[key] = 1))];
  for (const path of paths(sample)) {
    variants.push(withChange(sample, path, (parent, key) => delete parent[key]));
    variants.push(withChange(sample, path, (parent, key) => (parent[`${key}Extra`] = 'x')));
    for (const odd of ODD_VALUES) variants.push(withChange(sample, path, (parent, key) => (parent[key] = odd)));
  }
  return variants;
}

export interface Agreement {
  variants: number;
  conforming: number;
  /** Variants where the quick check answered differently from class-validator (must be empty). */
  disagreements: { variant: object; quick: unknown; classValidator: unknown }[];
  /** Variants class-validator accepts but the quick check sent to it anyway (a lost speed-up, not a wrong answer). */
  slowPaths: object[];
  /** The same two lists for the check of plain input (`conformsAs`), which builds no instances; its slow paths over JSON input. */
  plainDisagreements: { variant: object; classValidator: unknown }[];
  plainSlowPaths: object[];
  /** Accepted plain input where `instanceAs` built something other than `plainToInstance` does (must be empty). */
  instanceMismatches: { variant: object; built: unknown; classTransformer: unknown }[];
  /** Accepted plain input `instanceAs` left to class-transformer (a lost speed-up, not a wrong answer). */
  instanceSlowPaths: object[];
}

/** Runs each variant through both validations, as the pipe or the event catalog would build it. */
export function agreementOver<T extends object>(dataClass: ClassConstructor<T>, variants: object[], options?: ValidatorOptions): Agreement {
  const result: Agreement = {
    variants: variants.length, conforming: 0, disagreements: [], slowPaths: [], plainDisagreements: [], plainSlowPaths: [], instanceMismatches: [], instanceSlowPaths: [],
  };
  for (const variant of variants) {
    // Compared as the paths and messages a client or a dead-letter queue is shown.
    const expected = describeValidationErrors(validateSync(plainToInstance(dataClass, structuredClone(variant)), options));
    const quick = describeValidationErrors(validateSyncQuickly(plainToInstance(dataClass, structuredClone(variant)), options));
    if (JSON.stringify(quick) !== JSON.stringify(expected)) result.disagreements.push({ variant, quick, classValidator: expected });
    // The plain check must never say yes where class-validator finds something, whatever the input; and
    // on input as it comes off the wire (JSON), it should say yes wherever class-validator does.
    if (conformsAs(dataClass, structuredClone(variant), options) && expected.length > 0) result.plainDisagreements.push({ variant, classValidator: expected });
    const wire = JSON.parse(JSON.stringify(variant)) as object;
    const wireExpected = describeValidationErrors(validateSync(plainToInstance(dataClass, structuredClone(wire)), options));
    const wireYes = conformsAs(dataClass, structuredClone(wire), options);
    if (wireYes && wireExpected.length > 0) result.plainDisagreements.push({ variant: wire, classValidator: wireExpected });
    if (!wireYes && wireExpected.length === 0) result.plainSlowPaths.push(wire);
    if (wireYes) {
      const built = instanceAs(dataClass, structuredClone(wire));
      const transformed = plainToInstance(dataClass, structuredClone(wire));
      if (built === undefined) result.instanceSlowPaths.push(wire);
      else if (!sameInstance(built, transformed)) result.instanceMismatches.push({ variant: wire, built, classTransformer: transformed });
    }
    if (expected.length === 0) {
      result.conforming++;
      if (!conforms(plainToInstance(dataClass, structuredClone(variant)), options)) result.slowPaths.push(variant);
    }
  }
  return result;
}

/** Equal values with equal prototypes at every level, own keys in the same order (a response shows that order). */
export function sameInstance(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Reflect.ownKeys(a);
  const otherKeys = Reflect.ownKeys(b);
  if (keys.length !== otherKeys.length || keys.some((key, i) => key !== otherKeys[i])) return false;
  return keys.every((key) => sameInstance((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key]));
}
