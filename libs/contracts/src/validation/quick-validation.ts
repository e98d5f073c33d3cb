import {
  getMetadataStorage, validate, ValidationArguments, ValidationError, ValidationTypes, validateSync, ValidatorOptions,
} from 'class-validator';

/**
 * class-validator, minus its per-call bookkeeping, for the input that conforms.
 *
 * `validateSync` looks up a class's rules afresh on every call (a scan over every decorated class, to
 * find inherited rules) and builds a `ValidationError` for every property, failed or not. On the
 * hot paths — 10,000 lines of a shipment, every event published and consumed — that bookkeeping costs
 * more than the rules themselves. Here each class's rules are looked up once, with class-validator's
 * own lookup, and applied by the same constraint objects in the same order under the same conditions,
 * answering only "does it conform?".
 *
 * The answer is trusted only when it is yes. Anything else — a failed rule, or a feature this check
 * does not model (groups, async rules, promises, stripping unknown fields) — goes to class-validator,
 * so every error a client or a dead-letter queue sees is class-validator's own, worded as before.
 * `quick-validation.spec.ts` holds the two to the same verdict over every contract and DTO.
 */
export function validateSyncQuickly(object: object, options?: ValidatorOptions): ValidationError[] {
  return conforms(object, options) ? [] : validateSync(object, options);
}

/** The asynchronous counterpart, for callers (Nest's ValidationPipe) that await class-validator's `validate`. */
export function validateQuickly(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
  return conforms(object, options) ? Promise.resolve([]) : validate(object, options);
}

type Metadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

interface PropertyRules {
  name: string;
  defined: RuleWithConstraints[];
  custom: RuleWithConstraints[];
  nested: Metadata[];
  conditions: Metadata[];
  /** A promise-valued property is validated after it settles: left to class-validator. */
  awaitsPromise: boolean;
  /** For plain input: the class its value becomes under `plainToInstance` (its `@Type`), if any. */
  nestedClass?: Function;
}

interface RuleWithConstraints {
  metadata: Metadata;
  /**
   * Each constraint's `validate`, bound to its instance once: looked up per call, the property read
   * sees a different class at every rule and costs more than most rules themselves.
   */
  validators: Array<(value: unknown, args: ValidationArguments) => unknown>;
}

interface ClassRules {
  target: Function;
  targetName: string | undefined;
  hasRules: boolean;
  properties: PropertyRules[];
  /**
   * Properties by name, looked up as class-validator's whitelist does — on a plain object, so a key
   * such as `constructor` finds `Object.prototype`'s and counts as known there too.
   */
  grouped: Record<string, Metadata[]>;
  /** An async constraint cannot be answered synchronously. */
  modelled: boolean;
  /**
   * For plain input: whether `plainToInstance` would do anything to this class's input but copy it and
   * build the nested instances its `@Type`s name (expose/exclude/transform rules, discriminators: not
   * modelled). The nested classes themselves are on the properties (`nestedClass`).
   */
  copiedAsIs: boolean;
  /** Validated properties by name, for building an instance from plain input (`instanceAs`). */
  byName: Map<string, PropertyRules>;
  /**
   * Whether `instanceAs` may build this class: copied as is, and no `@Type` whose declared type is a
   * Set or Map (class-transformer would build one from an array).
   */
  buildable: boolean;
}

const rulesByClass = new WeakMap<Function, ClassRules>();

function rulesOf(target: Function): ClassRules {
  let rules = rulesByClass.get(target);
  if (!rules) {
    rules = compile(target);
    rulesByClass.set(target, rules);
  }
  return rules;
}

function compile(target: Function): ClassRules {
  const storage = getMetadataStorage();
  // No groups, `always` off, `strictGroups` off: the only options `conforms` accepts.
  const metadatas = storage.getTargetValidationMetadatas(target, '', false, false, undefined);
  const grouped = storage.groupByPropertyName(metadatas);
  let modelled = true;
  const withConstraints = (metadata: Metadata): RuleWithConstraints => {
    const constraints = storage.getTargetValidatorConstraints(metadata.constraintCls);
    if (constraints.some((constraint) => constraint.async)) modelled = false;
    const validators = constraints.map((constraint) => {
      const instance = constraint.instance as { validate: (value: unknown, args: ValidationArguments) => unknown };
      // class-validator reads the instance from its container on every call (a linear search); the
      // services never replace the container, so the instance found now is the one it would find then.
      return instance.validate.bind(instance);
    });
    return { metadata, validators };
  };
  const properties = Object.entries(grouped).map(([name, rules]): PropertyRules => {
    const applied = rules.filter((rule) => rule.type !== ValidationTypes.IS_DEFINED && rule.type !== ValidationTypes.WHITELIST);
    return {
      name,
      defined: rules.filter((rule) => rule.type === ValidationTypes.IS_DEFINED).map(withConstraints),
      custom: applied.filter((rule) => rule.type === ValidationTypes.CUSTOM_VALIDATION).map(withConstraints),
      nested: applied.filter((rule) => rule.type === ValidationTypes.NESTED_VALIDATION),
      conditions: applied.filter((rule) => rule.type === ValidationTypes.CONDITIONAL_VALIDATION),
      awaitsPromise: applied.some((rule) => rule.type === ValidationTypes.PROMISE_VALIDATION),
    };
  });
  const { nestedTypes, copiedAsIs, collectionTyped } = transformationOf(target, properties.map((property) => property.name));
  for (const property of properties) property.nestedClass = nestedTypes.get(property.name);
  return {
    target,
    targetName: target.name,
    hasRules: metadatas.length > 0,
    properties,
    grouped,
    modelled,
    copiedAsIs,
    byName: new Map(properties.map((property) => [property.name, property])),
    buildable: copiedAsIs && !collectionTyped,
  };
}

/** class-transformer's decorator metadata; it keeps it in this module and offers no public accessor. */
interface TransformerStorage {
  findTypeMetadata(
    target: Function,
    property: string,
  ): { typeFunction?: (options?: unknown) => Function; reflectedType?: unknown; options?: { discriminator?: unknown } } | undefined;
  getStrategy(target: Function): string;
  getExposedMetadatas(target: Function): unknown[];
  getExcludedMetadatas(target: Function): unknown[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage?: TransformerStorage }).defaultMetadataStorage;

/** What `plainToInstance` makes of a plain object of this class, as far as validation can tell. */
function transformationOf(target: Function, properties: string[]): { nestedTypes: Map<string, Function>; copiedAsIs: boolean; collectionTyped: boolean } {
  const nestedTypes = new Map<string, Function>();
  let collectionTyped = false;
  const storage = transformerStorage;
  if (!storage || typeof storage.findTypeMetadata !== 'function') return { nestedTypes, copiedAsIs: false, collectionTyped };
  let copiedAsIs =
    storage.getStrategy(target) === 'none' &&
    storage.getExposedMetadatas(target).length === 0 &&
    storage.getExcludedMetadatas(target).length === 0 &&
    !hasTransforms(storage, target);
  for (const property of properties) {
    const type = storage.findTypeMetadata(target, property);
    if (!type) continue;
    const nested = type.typeFunction?.();
    if (type.options?.discriminator || typeof nested !== 'function' || !isClass(nested)) copiedAsIs = false;
    else nestedTypes.set(property, nested);
    if (type.reflectedType === Set || type.reflectedType === Map) collectionTyped = true;
  }
  return { nestedTypes, copiedAsIs, collectionTyped };
}

/**
 * Whether any property of the class or its ancestors — validated or not — has an `@Transform`: the
 * handler would then receive other values than the plain input. class-transformer has no public way
 * to ask for a class as a whole; should its storage ever change shape, every class counts as transformed.
 */
function hasTransforms(storage: TransformerStorage, target: Function): boolean {
  const byClass = (storage as unknown as { _transformMetadatas?: unknown })._transformMetadatas;
  if (!(byClass instanceof Map)) return true;
  for (let type: unknown = target; typeof type === 'function' && type !== Function.prototype; type = Object.getPrototypeOf(type)) {
    if (byClass.has(type)) return true;
  }
  return false;
}

/** A user class, not a built-in value type class-transformer converts to (Date, String, Map…). */
function isClass(type: Function): boolean {
  return ![Object, Array, String, Number, Boolean, Date, Map, Set, Promise, Buffer].includes(type as never);
}

class NotModelled extends Error {}

/**
 * True only when class-validator, given the same object and options, would find no error.
 * Mirrors `ValidationExecutor.execute`/`performValidations`; a false answer means "ask class-validator".
 */
export function conforms(object: object, options: ValidatorOptions = {}): boolean {
  if (options.groups?.length || options.always || options.strictGroups) return false;
  // Stripping unknown fields changes the object: only class-validator may do that.
  if (options.whitelist && !options.forbidNonWhitelisted) return false;
  try {
    return new Check(options).object(object);
  } catch (error) {
    if (error instanceof NotModelled) return false;
    throw error;
  }
}

/**
 * True only when class-validator would find no error in `plainToInstance(dataClass, plain)`, without
 * building the instances: for JSON input (an event off the wire), class-transformer only copies it
 * into instances of the classes its `@Type`s name, and the same rules see the same values. Any input
 * or class where that does not hold (non-JSON values in objects, keys class-transformer treats
 * specially, expose/exclude/transform rules) answers false: ask class-validator.
 */
export function conformsAs(dataClass: Function, plain: unknown, options: ValidatorOptions = {}): boolean {
  if (options.groups?.length || options.always || options.strictGroups) return false;
  if (options.whitelist && !options.forbidNonWhitelisted) return false;
  try {
    return isPlainObject(plain) && new Check(options, true).object(plain, dataClass);
  } catch (error) {
    if (error instanceof NotModelled) return false;
    throw error;
  }
}

/**
 * `plainToInstance(dataClass, plain)`, built directly, for plain input that `conformsAs` accepted
 * (with the same options): new instances of the classes the `@Type`s name, every other value copied
 * as class-transformer copies JSON. class-transformer walks each value through its general machinery
 * (metadata lookups per key, per level); on a 10,000-line shipment that was a third of the request
 * pipe. Answers undefined where the input or a class is outside what is modelled here — then the
 * caller asks class-transformer. `validation-agreement.ts` holds the two to equal results.
 */
export function instanceAs<T extends object>(dataClass: new () => T, plain: unknown): T | undefined {
  try {
    return isPlainObject(plain) ? (build(dataClass, plain) as T) : undefined;
  } catch (error) {
    if (error instanceof NotModelled) return undefined;
    throw error;
  }
}

function build(target: Function, plain: Record<string, unknown>): object {
  const rules = rulesOf(target);
  if (!rules.buildable) throw new NotModelled();
  const instance = new (target as new () => Record<string, unknown>)();
  for (const key of Object.keys(plain)) {
    const property = rules.byName.get(key);
    // Names the class itself defines (methods, accessors) class-transformer leaves alone; a key no rule
    // names is copied like any other, unless a `@Type` of its own says otherwise.
    if (key in Object.prototype || Object.getOwnPropertyDescriptor(target.prototype, key) || typeof instance[key] === 'function') throw new NotModelled();
    if (!property && transformerStorage?.findTypeMetadata(target, key)) throw new NotModelled();
    const value = plain[key];
    instance[key] = property?.nestedClass ? buildNested(property.nestedClass, value) : copyJson(value);
  }
  return instance;
}

function buildNested(nestedClass: Function, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return arrayOf(value, (element) => buildNested(nestedClass, element));
  if (!isPlainObject(value)) throw new NotModelled();
  return build(nestedClass, value);
}

/** A new array, as class-transformer makes one (`map` would make it of the input's kind, from another realm too). */
function arrayOf(values: unknown[], each: (value: unknown) => unknown): unknown[] {
  const array: unknown[] = [];
  for (const value of values) array.push(each(value));
  return array;
}

/** A JSON value as class-transformer copies one that no `@Type` names: arrays and objects anew. */
function copyJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return arrayOf(value, copyJson);
  if (!isPlainObject(value)) throw new NotModelled();
  // class-transformer makes the copy with the value's own constructor when it is not this realm's
  // Object (JSON from another realm: a worker's, jest's); with a literal otherwise.
  const Kind = (value as object).constructor;
  const copy = (typeof Kind === 'function' && Kind !== Object ? new (Kind as ObjectConstructor)() : {}) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    if (key in Object.prototype) throw new NotModelled();
    copy[key] = copyJson(value[key]);
  }
  return copy;
}

/** Keys class-transformer skips or that reach an object's prototype: plain and instance would differ. */
const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** An object as JSON.parse makes them (in any realm: jest's, a worker's), not an instance of a class. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

class Check {
  private readonly forbidUnknownValues: boolean;

  /** `plainInput`: the objects are JSON-like input, judged as class-transformer would build them. */
  constructor(
    private readonly options: ValidatorOptions,
    private readonly plainInput = false,
  ) {
    this.forbidUnknownValues = options.forbidUnknownValues !== false;
  }

  /** `asClass`: the object is plain input, to be judged as `plainToInstance(asClass, object)` would be. */
  object(object: object, asClass?: Function): boolean {
    if (asClass) {
      // JSON.parse makes `"__proto__"` an own key like any other; an own key is all that can be here.
      for (const key of SPECIAL_KEYS) if (Object.prototype.hasOwnProperty.call(object, key)) throw new NotModelled();
    } else if (typeof object.constructor !== 'function') {
      throw new NotModelled();
    }
    const rules = rulesOf(asClass ?? object.constructor);
    if (!rules.modelled || (asClass && !rules.copiedAsIs)) throw new NotModelled();
    if (this.forbidUnknownValues && !rules.hasRules) return false;
    if (this.options.whitelist) {
      for (const key of Object.keys(object)) if (!rules.grouped[key]?.length) return false;
    }
    for (const property of rules.properties) {
      const value = (object as Record<string, unknown>)[property.name];
      if (property.awaitsPromise && value instanceof Promise) throw new NotModelled();
      const nestedClass = asClass && property.nestedClass;
      if (!this.property(object, value, rules.targetName, property.defined, property.custom, property.nested, property.conditions, nestedClass)) return false;
    }
    return true;
  }

  private property(
    object: object, value: unknown, targetName: string | undefined,
    defined: RuleWithConstraints[], custom: RuleWithConstraints[], nested: Metadata[], conditions: Metadata[],
    nestedClass?: Function,
  ): boolean {
    // class-validator evaluates every condition, then skips the property unless all of them hold.
    let applies = true;
    for (const condition of conditions) applies = (condition.constraints[0](object, value) as boolean) && applies;
    if (!applies) return true;
    if (!this.rules(object, value, targetName, defined)) return false;
    if (value === undefined && this.options.skipUndefinedProperties === true) return true;
    if (value === null && this.options.skipNullProperties === true) return true;
    if ((value === null || value === undefined) && this.options.skipMissingProperties === true) return true;
    return this.rules(object, value, targetName, custom) && this.nested(value, nested, nestedClass);
  }

  private rules(object: object, value: unknown, targetName: string | undefined, rules: RuleWithConstraints[]): boolean {
    for (const { metadata, validators } of rules) {
      if (metadata.validateIf && !metadata.validateIf(object, value)) continue;
      const args: ValidationArguments = { targetName: targetName as string, property: metadata.propertyName, object, value, constraints: metadata.constraints };
      const each = metadata.each && (Array.isArray(value) || value instanceof Set || value instanceof Map);
      for (const validate of validators) {
        if (!each) {
          const result = validate(value, args);
          // Nearly every verdict is a boolean: only anything else needs the promise check.
          if (result === true) continue;
          if (result === false || !settled(result)) return false;
          continue;
        }
        const elements = value instanceof Map ? [...value.values()] : Array.isArray(value) ? value : [...(value as Set<unknown>)];
        // Every element is checked (no early exit) so a promise anywhere is noticed, as class-validator would await it.
        let all = true;
        for (const element of elements) all = settled(validate(element, args)) && all;
        if (!all) return false;
      }
    }
    return true;
  }

  /** `nestedClass`: the value is plain input that class-transformer turns into this class (`@Type`). */
  private nested(value: unknown, rules: Metadata[], nestedClass?: Function): boolean {
    // class-validator repeats the same walk once per nested rule; one walk gives the same verdict.
    if (value === undefined || rules.length === 0) return true;
    if (Array.isArray(value) || value instanceof Set || value instanceof Map) {
      const elements = value instanceof Set ? [...value] : value instanceof Map ? [...value.values()] : value;
      // An element is validated with the property's nested rules alone, as class-validator does.
      for (const element of elements) if (!this.property(value, element, undefined, [], [], rules, [], nestedClass)) return false;
      return true;
    }
    if (this.plainInput && typeof value === 'object' && value !== null) {
      // class-transformer builds the nested instance (`@Type`) from a plain object; anything else it
      // would convert or copy in ways not modelled here.
      if (!nestedClass || !isPlainObject(value)) throw new NotModelled();
      return this.object(value, nestedClass);
    }
    return value instanceof Object && this.object(value);
  }
}

function settled(result: unknown): boolean {
  if (result instanceof Promise || (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function')) {
    // Only synchronous verdicts are modelled; a promise here means an async rule not declared as such.
    (result as Promise<unknown>).catch(() => undefined);
    throw new NotModelled();
  }
  return Boolean(result);
}
