import { InvalidIdentifierError } from './invalid-identifier.error';

/**
 * Library item barcodes.
 *
 * The default rule is the 14-digit Codabar layout used by most ILS vendors:
 * `3 IIII NNNNNNNN C` — type digit 3 (item; 2 is a patron card), 4-digit institution code,
 * 8-digit sequence and a mod-10 check digit over the first 13 digits.
 * Deployments that inherited other barcodes can allow them with a legacy pattern.
 */

const ITEM_TYPE_DIGIT = '3';
const PATRON_TYPE_DIGIT = '2';
const MAX_SEQUENCE = 99_999_999;

/** Which rule accepted a barcode: Codabar ones carry an institution code, legacy ones carry nothing. */
export type BarcodeFormat = 'codabar' | 'legacy';

export interface BarcodePolicyOptions {
  /**
   * Barcodes that fail the Codabar rule are still accepted when they match this pattern.
   * The pattern must match the whole (trimmed) barcode: it is anchored for you, so `\d{10}` means
   * exactly ten digits. Flags other than `i`, `u` and `s` are dropped (a `g`/`y` regex is stateful).
   */
  legacyPattern?: RegExp | string;
}

/** A resolved policy; build one with `barcodePolicy()` to pass per-tenant rules to `Barcode.parse`. */
export interface BarcodePolicy {
  readonly legacyPattern: RegExp | null;
}

const DEFAULT_POLICY: BarcodePolicy = Object.freeze({ legacyPattern: null });
let configuredPolicy: BarcodePolicy = DEFAULT_POLICY;

/** Resolves options into a policy without installing it (for per-tenant rules). */
export function barcodePolicy(options: BarcodePolicyOptions = {}): BarcodePolicy {
  const { legacyPattern } = options;
  if (legacyPattern === undefined || legacyPattern === '') return DEFAULT_POLICY;
  const source = typeof legacyPattern === 'string' ? legacyPattern : legacyPattern.source;
  const flags = typeof legacyPattern === 'string' ? '' : legacyPattern.flags.replace(/[^ius]/g, '');
  // Anchored so a loose pattern such as /\d+/ cannot accept "abc123" by matching a substring.
  return Object.freeze({ legacyPattern: new RegExp(`^(?:${source})$`, flags) });
}

/** Installs the deployment-wide barcode policy that `Barcode.parse` uses by default. */
export function configureBarcodePolicy(options: BarcodePolicyOptions): void {
  configuredPolicy = barcodePolicy(options);
}

/** Back to Codabar only; for tests. */
export function resetBarcodePolicy(): void {
  configuredPolicy = DEFAULT_POLICY;
}

export function currentBarcodePolicy(): BarcodePolicy {
  return configuredPolicy;
}

/**
 * The Codabar mod-10 check digit ("Mod 10 L-to-R 2-1-2"): double the digits in odd positions
 * (1st, 3rd, …), subtract 9 from products over 9, add the digits in even positions;
 * check = (10 − sum mod 10) mod 10. It is Luhn computed left to right over 13 digits.
 */
export function codabarCheckDigit(first13: string): number {
  if (!/^\d{13}$/.test(first13)) {
    throw new RangeError(`codabarCheckDigit needs exactly 13 digits, got "${first13}"`);
  }
  let sum = 0;
  for (let i = 0; i < 13; i++) {
    const digit = first13.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      const doubled = digit * 2;
      sum += doubled > 9 ? doubled - 9 : doubled;
    } else {
      sum += digit;
    }
  }
  return (10 - (sum % 10)) % 10;
}

/** Builds a valid item barcode, e.g. for fixtures: `makeCodabarBarcode('0234', 51786)`. */
export function makeCodabarBarcode(institution: string, sequence: number): string {
  if (!/^\d{4}$/.test(institution)) {
    throw new RangeError(`institution code must be 4 digits, got "${institution}"`);
  }
  if (!Number.isSafeInteger(sequence) || sequence < 0 || sequence > MAX_SEQUENCE) {
    throw new RangeError(`sequence must be an integer from 0 to ${MAX_SEQUENCE}, got ${sequence}`);
  }
  const first13 = ITEM_TYPE_DIGIT + institution + String(sequence).padStart(8, '0');
  return first13 + codabarCheckDigit(first13);
}

/** Why a trimmed string is not a Codabar item barcode, or null when it is one. */
function codabarProblem(value: string): string | null {
  if (value === '') return 'barcode is empty';
  if (!/^\d+$/.test(value)) return 'barcode must contain digits only';
  if (value.length !== 14) return `barcode must have 14 digits, got ${value.length}`;
  if (value[0] !== ITEM_TYPE_DIGIT) {
    const hint = value[0] === PATRON_TYPE_DIGIT ? ' (2 is a patron card)' : '';
    return `first digit should be 3 for an item barcode, got ${value[0]}${hint}`;
  }
  const expected = codabarCheckDigit(value.slice(0, 13));
  if (Number(value[13]) !== expected) return `check digit should be ${expected}, not ${value[13]}`;
  return null;
}

export class Barcode {
  private constructor(
    /** The barcode exactly as scanned, minus surrounding whitespace. */
    readonly value: string,
    readonly format: BarcodeFormat,
  ) {}

  /**
   * Accepts a Codabar item barcode, or (when the policy has one) a barcode matching the legacy
   * pattern. Uses the configured deployment policy unless a per-tenant policy is passed.
   */
  static parse(raw: string, policy: BarcodePolicy = configuredPolicy): Barcode {
    if (typeof raw !== 'string') {
      throw new InvalidIdentifierError('barcode', 'barcode must be a string', raw);
    }
    const value = raw.trim();
    const problem = codabarProblem(value);
    if (problem === null) return new Barcode(value, 'codabar');
    if (value !== '' && policy.legacyPattern?.test(value)) return new Barcode(value, 'legacy');
    const suffix = policy.legacyPattern ? ' and it does not match the legacy barcode pattern' : '';
    throw new InvalidIdentifierError('barcode', problem + suffix, raw);
  }

  static isValid(raw: unknown, policy: BarcodePolicy = configuredPolicy): boolean {
    if (typeof raw !== 'string') return false;
    try {
      Barcode.parse(raw, policy);
      return true;
    } catch {
      return false;
    }
  }

  /** The 4-digit institution code of a Codabar barcode; undefined for legacy ones. */
  get institution(): string | undefined {
    return this.format === 'codabar' ? this.value.slice(1, 5) : undefined;
  }

  /** The 8-digit item sequence of a Codabar barcode as a number; undefined for legacy ones. */
  get sequence(): number | undefined {
    return this.format === 'codabar' ? Number(this.value.slice(5, 13)) : undefined;
  }

  equals(other: Barcode): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }

  /** Serialises as the plain string so DTOs and events carry the barcode, not the object. */
  toJSON(): string {
    return this.value;
  }
}
