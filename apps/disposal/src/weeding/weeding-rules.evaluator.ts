import { CallNumber, CallNumberScheme, InvalidIdentifierError, ItemCondition } from '@app/contracts';
import { Clock, systemClock } from '../common/clock';

/** Call-number ranges are LC or Dewey: local call numbers have no classification to range over. */
export const RANGE_SCHEMES = ['lc', 'ddc'] as const;
export type RangeScheme = (typeof RANGE_SCHEMES)[number];

/**
 * One weeding rule in the spirit of CREW's `X/Y/MUSTIE` (SPEC §5): a scope (collection and/or
 * call-number range; none = the whole branch), the age and use criteria (`null` = not applicable),
 * the MUSTIE conditions, and whether the branch's last copy of a record is protected.
 */
export interface WeedingRule {
  collection: string | null;
  callNumberFrom: string | null;
  callNumberTo: string | null;
  /** The scheme of the range, inferred from its bounds when not given. Null without a range. */
  callNumberScheme: RangeScheme | null;
  maxAgeYears: number | null;
  maxYearsWithoutUse: number | null;
  conditions: ItemCondition[];
  keepLastCopy: boolean;
}

/** What the evaluator needs to know about an item (a row of the read model). */
export interface WeedingItem {
  itemId: string;
  recordId: string | null;
  publicationYear: number | null;
  lastCirculatedAt: Date | null;
  shelvedAt: Date | null;
  collection: string | null;
  callNumberScheme: CallNumberScheme | null;
  shelfKey: string | null;
  conditions: readonly string[];
}

export interface WeedingMatch<T extends WeedingItem> {
  item: T;
  ruleIndex: number;
  rule: WeedingRule;
  reasons: string[];
}

export interface RuleProblem {
  field: string;
  message: string;
}

interface CompiledRule {
  rule: WeedingRule;
  fromKey: string | null;
  toKey: string | null;
  collection: string | null;
}

/**
 * Normalises a rule as a librarian wrote it: range bounds parsed in one scheme (inferred from the
 * bounds when not named: Dewey numbers start with a digit, LC classes with letters) and in order.
 * Returns the problems by field, so the HTTP layer can name `rules[2].callNumberTo`.
 */
export function normaliseRule(input: Omit<WeedingRule, 'callNumberScheme'> & { callNumberScheme?: RangeScheme | null }): { rule?: WeedingRule; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const from = input.callNumberFrom?.trim() || null;
  const to = input.callNumberTo?.trim() || null;
  let scheme: RangeScheme | null = input.callNumberScheme ?? null;
  if (!from && !to) {
    if (scheme) problems.push({ field: 'callNumberScheme', message: 'is given without callNumberFrom or callNumberTo' });
    scheme = null;
  } else if (!scheme) {
    scheme = /^\d/.test((from ?? to)!) ? 'ddc' : 'lc';
  }
  const parse = (raw: string | null, field: string): CallNumber | null => {
    if (!raw || !scheme) return null;
    try {
      return CallNumber.parse(raw, scheme);
    } catch (error) {
      if (!(error instanceof InvalidIdentifierError)) throw error;
      problems.push({ field, message: `${error.message} (a range bound must be an ${scheme === 'lc' ? 'LC' : 'Dewey'} call number, like the other bound)` });
      return null;
    }
  };
  const fromNumber = parse(from, 'callNumberFrom');
  const toNumber = parse(to, 'callNumberTo');
  if (fromNumber && toNumber && fromNumber.sortKey > toNumber.sortKey) {
    problems.push({ field: 'callNumberTo', message: `${toNumber.value} shelves before callNumberFrom ${fromNumber.value}; give the range in shelf order` });
  }
  if (input.maxAgeYears === null && input.maxYearsWithoutUse === null && input.conditions.length === 0) {
    problems.push({ field: 'conditions', message: 'the rule has no criterion (maxAgeYears and maxYearsWithoutUse are null and conditions is empty), so it would never name an item' });
  }
  if (problems.length) return { problems };
  return {
    problems,
    rule: {
      collection: input.collection?.trim() || null,
      callNumberFrom: fromNumber?.value ?? null,
      callNumberTo: toNumber?.value ?? null,
      callNumberScheme: scheme,
      maxAgeYears: input.maxAgeYears,
      maxYearsWithoutUse: input.maxYearsWithoutUse,
      conditions: [...new Set(input.conditions)],
      keepLastCopy: input.keepLastCopy,
    },
  };
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Decides which items are weeding candidates (SPEC §5). An item is a candidate of a rule when it is
 * in the rule's scope and either every non-null age and use criterion holds, or it carries any of the
 * rule's conditions. A rule that protects the last copy does not name an item whose record has no
 * other copy staying in the branch. The first rule (in order) that names an item is its rule.
 * Pure: the clock is injected, the data passed in.
 */
export class WeedingRulesEvaluator {
  constructor(private readonly clock: Clock = systemClock) {}

  /** Why the rule names the item (age/use reasons, then conditions), or null when it does not. */
  reasonsFor(rule: WeedingRule, item: WeedingItem): string[] | null {
    return this.match(this.compile(rule), item);
  }

  /**
   * Evaluates `rules` over `items` (the branch's available items, in shelf order; the result keeps
   * that order). `stayingCopies` maps a record to the ids of its copies that stay in the branch
   * (not withdrawn, sold, disposed or missing, and not already on their way out in an open run);
   * a copy proposed earlier in this evaluation no longer counts as staying.
   */
  evaluate<T extends WeedingItem>(rules: readonly WeedingRule[], items: readonly T[], stayingCopies: ReadonlyMap<string, ReadonlySet<string>>): WeedingMatch<T>[] {
    const compiled = rules.map((rule) => this.compile(rule));
    const proposed = new Set<string>();
    const matches: WeedingMatch<T>[] = [];
    for (const item of items) {
      for (const [ruleIndex, rule] of compiled.entries()) {
        const reasons = this.match(rule, item);
        if (!reasons) continue;
        if (rule.rule.keepLastCopy && !this.hasOtherStayingCopy(item, stayingCopies, proposed)) continue;
        proposed.add(item.itemId);
        matches.push({ item, ruleIndex, rule: rule.rule, reasons });
        break;
      }
    }
    return matches;
  }

  private hasOtherStayingCopy(item: WeedingItem, stayingCopies: ReadonlyMap<string, ReadonlySet<string>>, proposed: ReadonlySet<string>): boolean {
    if (!item.recordId) return false;
    for (const copy of stayingCopies.get(item.recordId) ?? []) {
      if (copy !== item.itemId && !proposed.has(copy)) return true;
    }
    return false;
  }

  private compile(rule: WeedingRule): CompiledRule {
    const key = (raw: string | null) => (raw && rule.callNumberScheme ? CallNumber.parse(raw, rule.callNumberScheme).sortKey : null);
    return { rule, fromKey: key(rule.callNumberFrom), toKey: key(rule.callNumberTo), collection: rule.collection?.trim().toLowerCase() || null };
  }

  private inScope(rule: CompiledRule, item: WeedingItem): boolean {
    if (rule.collection !== null && item.collection?.trim().toLowerCase() !== rule.collection) return false;
    if (rule.fromKey === null && rule.toKey === null) return true;
    if (item.callNumberScheme !== rule.rule.callNumberScheme || item.shelfKey === null) return false;
    if (rule.fromKey !== null && item.shelfKey < rule.fromKey) return false;
    // The upper bound takes in everything shelved under it: QA77 includes QA77.5 .B3.
    if (rule.toKey !== null && item.shelfKey > rule.toKey && !item.shelfKey.startsWith(rule.toKey)) return false;
    return true;
  }

  private match(compiled: CompiledRule, item: WeedingItem): string[] | null {
    if (!this.inScope(compiled, item)) return null;
    const { rule } = compiled;
    const conditionReasons = rule.conditions.filter((condition) => item.conditions.includes(condition)).map((condition) => `condition ${condition}`);
    const ageUse = this.ageAndUse(rule, item);
    if (ageUse === null && conditionReasons.length === 0) return null;
    return [...(ageUse ?? []), ...conditionReasons];
  }

  /** Reasons when the rule has age/use criteria and all of them hold; null otherwise. */
  private ageAndUse(rule: WeedingRule, item: WeedingItem): string[] | null {
    if (rule.maxAgeYears === null && rule.maxYearsWithoutUse === null) return null;
    const now = this.clock.now();
    const reasons: string[] = [];
    if (rule.maxAgeYears !== null) {
      if (item.publicationYear === null || now.getUTCFullYear() - item.publicationYear <= rule.maxAgeYears) return null;
      reasons.push(`published ${item.publicationYear}: older than ${plural(rule.maxAgeYears, 'year')}`);
    }
    if (rule.maxYearsWithoutUse !== null) {
      // Never circulated: the clock starts when it reached the shelf.
      const lastUse = item.lastCirculatedAt ?? item.shelvedAt;
      if (lastUse === null) return null;
      const threshold = new Date(now);
      threshold.setUTCFullYear(now.getUTCFullYear() - rule.maxYearsWithoutUse);
      if (lastUse.getTime() >= threshold.getTime()) return null;
      const span = `more than ${plural(rule.maxYearsWithoutUse, 'year')}`;
      reasons.push(item.lastCirculatedAt ? `not used since ${isoDate(lastUse)}: ${span}` : `never circulated, shelved ${isoDate(lastUse)}: ${span}`);
    }
    return reasons;
  }
}
