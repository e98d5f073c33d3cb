import { makeCodabarBarcode } from '@app/contracts';
import { SchemaObject } from '../access/openapi';

/** One malformed request derived from a route's well-formed one. */
export interface Variant {
  /** What is wrong, as a report line would say it: `items[0].isbn: bad check digit`. */
  name: string;
  path: string;
  /** A JSON body, or raw bytes sent as they are. */
  body?: unknown;
  raw?: string | Buffer;
  contentType?: string;
  /** The expected status when it is exactly known (413); otherwise any 4xx. */
  status?: number;
  /** The answer's message must name one of these (a field path, a parameter)… */
  names: string[];
  /** …or, for a value that is well-formed after all (free text), the refusal of the well-formed request. */
  mayBeRefusal?: boolean;
}

export const SQL_FRAGMENTS = [`'; DROP TABLE item; --`, `Robert'); DROP TABLE catalog_item;--`, `' OR '1'='1`];
export const SCRIPT_FRAGMENTS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];
/** PostgreSQL text cannot hold a NUL byte: a classic way to turn a client's mistake into a 500. */
export const NUL_TEXT = 'nul\u0000byte';
export const LONG_TEXT = 'x'.repeat(100_000);
/** More than the 20mb BODY_LIMIT. */
export const OVERSIZED = Buffer.alloc(21 * 1024 * 1024, ' ');
OVERSIZED.write('{"padding": "', 0);
OVERSIZED.write('"}', OVERSIZED.length - 2);

const VALID_BARCODE = makeCodabarBarcode('3030', 999_001);
/** Same digits, wrong check digit. */
const BAD_CHECK_BARCODE = VALID_BARCODE.slice(0, -1) + String((Number(VALID_BARCODE.at(-1)) + 1) % 10);
export const UNKNOWN_UUID = '0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f';

/** Values that break a field by what it identifies (check digits, formats, references). */
const IDENTIFIER_VALUES: Record<string, unknown[]> = {
  barcode: [BAD_CHECK_BARCODE, '1234', '3123400000001X'],
  barcodes: [[BAD_CHECK_BARCODE], ['1234']],
  isbn: ['978-0-306-40615-8', '0-306-40615-3', '12345'],
  issn: ['0317-8472', '12345678'],
  callNumber: ['!!!', '123 not lc'],
  callNumberFrom: ['!!!'],
  callNumberTo: ['123 not lc'],
  vendorId: ['not-a-uuid', '1; DROP TABLE vendor'],
  branch: ['MARS', 'cen', `CEN'; DROP TABLE shipment; --`],
  channel: ['Not A Partner!', '../etc'],
  partnerId: ['UPPER-CASE', 'a', 'acme bindery'],
  webhookUrl: ['javascript:alert(1)', 'ftp://example.com'],
  url: ['javascript:alert(1)', 'not a url', 'ftp://example.com/hooks'],
  soldAt: ['yesterday', '2026-13-45T25:61:00Z'],
  price: ['-1.00', '4.999', 'free', '1e3'],
  currency: ['usd', 'DOLLARS'],
  step: ['Not A Step', ''],
  steps: [['Cover'], ['cover', 'cover']],
  conditions: [['mouldy'], ['worn', 'worn']],
  materialType: ['spaceship'],
  publicationYear: [999, 3001, 2001.5],
  turnaroundDays: [0, 366, 2.5],
  minutes: [-1, 100_001],
};

/** A JSON value of the wrong type for what the well-formed body holds (or the schema declares). */
function wrongTypeFor(value: unknown, schema?: SchemaObject): unknown[] {
  const type = value === undefined ? schema?.type : Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  switch (type) {
    case 'string': return [12345, { $ne: null }, ['a', 'list']];
    case 'number':
    case 'integer': return ['twelve', { $gt: 0 }, true];
    case 'boolean': return ['yes', 1];
    case 'array': return ['not-a-list', { 0: 'x' }];
    case 'object': return ['not-an-object', [1, 2]];
    default: return [{ $ne: null }, 12345];
  }
}

interface Field {
  /** Path as the API names it: `items[0].isbn`. */
  path: string;
  key: string;
  value: unknown;
  schema?: SchemaObject;
  required: boolean;
  set: (body: Record<string, unknown>, value: unknown) => Record<string, unknown>;
  remove: (body: Record<string, unknown>) => Record<string, unknown>;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The fields of a well-formed body, nested objects and the first element of arrays of objects
 * included, together with the documented properties the body leaves out.
 */
function fieldsOf(body: Record<string, unknown>, schema: SchemaObject | undefined, prefix = '', at: (root: Record<string, unknown>) => Record<string, unknown> = (r) => r): Field[] {
  const keys = [...new Set([...Object.keys(body), ...Object.keys(schema?.properties ?? {})])];
  return keys.flatMap((key): Field[] => {
    const value = body[key];
    const propertySchema = schema?.properties?.[key];
    const path = `${prefix}${key}`;
    const field: Field = {
      path,
      key,
      value,
      schema: propertySchema,
      required: (schema?.required ?? []).includes(key),
      set: (root, v) => {
        const copy = clone(root);
        at(copy)[key] = v;
        return copy;
      },
      remove: (root) => {
        const copy = clone(root);
        delete at(copy)[key];
        return copy;
      },
    };
    const nested: Field[] = [];
    if (Array.isArray(value) && value.length && value[0] && typeof value[0] === 'object') {
      nested.push(...fieldsOf(value[0] as Record<string, unknown>, propertySchema?.items, `${path}[0].`, (r) => (at(r)[key] as Record<string, unknown>[])[0]));
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      nested.push(...fieldsOf(value as Record<string, unknown>, propertySchema, `${path}.`, (r) => at(r)[key] as Record<string, unknown>));
    }
    return [field, ...nested];
  });
}

/**
 * Every way to break a request that the issue lists: malformed JSON and bodies that are no object,
 * a body too large to read, then field by field — missing, null, of the wrong type, unknown, very
 * long, SQL and script fragments, a NUL byte, invalid identifiers, arrays far past their cap.
 */
export function bodyVariants(path: string, valid: Record<string, unknown> | undefined, schema: SchemaObject | undefined): Variant[] {
  const variants: Variant[] = [
    { name: 'malformed JSON (truncated)', path, raw: '{"broken": ', names: ['malformed JSON'] },
    { name: 'malformed JSON (single quotes)', path, raw: "{'single': 'quotes'}", names: ['malformed JSON'] },
    { name: 'malformed JSON (trailing comma)', path, raw: '{"a": 1,}', names: ['malformed JSON'] },
    { name: 'a JSON string instead of an object', path, raw: '"just a string"', names: ['body', 'malformed JSON'] },
    { name: 'a JSON number instead of an object', path, raw: '42', names: ['body', 'malformed JSON'] },
    { name: 'JSON null instead of an object', path, raw: 'null', names: ['body', 'malformed JSON'] },
    { name: 'an oversized body (21 MB > 20mb)', path, raw: OVERSIZED, status: 413, names: ['larger than'] },
  ];
  if (!valid) return variants;

  variants.push(
    { name: 'a JSON array instead of an object', path, body: [valid], names: ['body', ...(schema?.required ?? [])] },
    { name: 'an empty object', path, body: {}, names: schema?.required?.length ? schema.required : ['body'] },
    { name: 'JSON sent as text/plain', path, raw: JSON.stringify(valid), contentType: 'text/plain', names: ['body', 'JSON', ...(schema?.required ?? [])] },
    { name: 'an unknown field', path, body: { ...valid, isAdmin: true }, names: ['isAdmin: unknown field'] },
    { name: 'a prototype-pollution field', path, raw: JSON.stringify(valid).replace(/^\{/, '{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}},'), names: ['__proto__: unknown field'] },
  );
  for (const field of fieldsOf(valid, schema)) {
    const names = [field.path];
    const add = (what: string, value: unknown, mayBeRefusal = false) =>
      variants.push({ name: `${field.path}: ${what}`, path, body: field.set(valid, value), names, mayBeRefusal });

    if (field.value !== undefined && field.required) {
      variants.push({ name: `${field.path}: missing`, path, body: field.remove(valid), names });
      add('null', null, true); // nullable fields take null; the refusal then stands
    }
    for (const wrong of wrongTypeFor(field.value, field.schema)) add(`wrong type ${JSON.stringify(wrong)}`, wrong);
    for (const bad of IDENTIFIER_VALUES[field.key] ?? []) add(`invalid ${JSON.stringify(bad)}`, bad);

    const isText = typeof field.value === 'string' || (field.value === undefined && field.schema?.type === 'string');
    if (isText) {
      add('100k characters', LONG_TEXT, true);
      for (const fragment of [...SQL_FRAGMENTS, ...SCRIPT_FRAGMENTS]) add(`fragment ${fragment}`, fragment, true);
      add('a NUL byte', NUL_TEXT); // refused at the edge, naming the field, whatever the field
      add('empty', '', true);
    }
    if (Array.isArray(field.value)) {
      const element = field.value[0] ?? 'x';
      add('5,000 elements', Array.from({ length: 5_000 }, () => clone(element)));
      add('elements of the wrong type', [12345, null]);
      if (typeof element === 'string') {
        add('an element of 100k characters', [LONG_TEXT], true);
        add('an SQL fragment as element', [SQL_FRAGMENTS[0]], true);
        add('a NUL byte in an element', [NUL_TEXT]);
      }
    }
    if (field.value && typeof field.value === 'object' && !Array.isArray(field.value)) {
      add('an unknown nested field', { ...(field.value as object), isAdmin: true }, false);
    }
    if (Array.isArray(field.value) && field.value[0] && typeof field.value[0] === 'object') {
      variants.push({ name: `${field.path}[0]: an unknown nested field`, path, body: field.set(valid, [{ ...(field.value[0] as object), isAdmin: true }]), names: [`${field.path}[0].isAdmin`] });
    }
  }
  return variants;
}

/**
 * Broken path parameters: malformed identifiers (400 naming the parameter) and unknown ones (404).
 * `template` is the OpenAPI path (`/repairs/{id}/complete`), `path` the concrete one it was filled into.
 */
export function pathVariants(template: string, path: string, params: string[], valid: Record<string, unknown> | undefined): Variant[] {
  const variants: Variant[] = [];
  const segments = path.split('/');
  const bodyOf = valid ? { body: valid } : {};
  for (const param of params) {
    const index = template.split('/').indexOf(`{${param}}`);
    if (index < 0) continue;
    const withValue = (value: string) => segments.map((s, i) => (i === index ? encodeURIComponent(value) : s)).join('/');
    const bad: Array<[string, string, string[]]> =
      param === 'id'
        ? [['not a uuid', 'not-a-uuid', ['id']], ['an SQL fragment', `1' OR '1'='1`, ['id']], ['a uuid nobody has', UNKNOWN_UUID, ['not found']]]
        : param === 'barcode'
          ? [
              ['a bad check digit', BAD_CHECK_BARCODE, ['barcode']],
              ['not a barcode', 'hello', ['barcode']],
              ['an SQL fragment', `'; DROP TABLE item; --`, ['barcode']],
              ['a barcode nobody has', VALID_BARCODE, ['not found']],
              ['a uuid nobody has', UNKNOWN_UUID, ['not found']],
            ]
          : param === 'branch'
            ? [['an unknown branch', 'MARS', ['branch']], ['an SQL fragment', `CEN'; DROP TABLE x; --`, ['branch']]]
            : param === 'partnerId'
              ? [['not a partner id', 'Not_A_Partner!', ['partnerId']], ['an SQL fragment', `x'; DROP TABLE partner_webhook; --`, ['partnerId']]]
              : [[`an unknown ${param}`, 'spaceship', [param]]];
    for (const [what, value, names] of bad) variants.push({ name: `path ${param}: ${what}`, path: withValue(value), ...bodyOf, names });
  }
  return variants;
}
