import 'reflect-metadata';
import { CallNumber, CallNumberScheme } from '@app/contracts';
import { normaliseRule, WeedingItem, WeedingRule, WeedingRulesEvaluator } from './weeding-rules.evaluator';

const NOW = new Date('2025-06-15T12:00:00Z');
const evaluator = new WeedingRulesEvaluator({ now: () => NOW });

let sequence = 0;
function item(over: Partial<WeedingItem> & { callNumber?: [string, CallNumberScheme] } = {}): WeedingItem {
  const { callNumber, ...rest } = over;
  sequence += 1;
  const parsed = callNumber ? CallNumber.parse(callNumber[0], callNumber[1]) : null;
  return {
    itemId: `item-${sequence}`,
    recordId: `record-${sequence}`,
    publicationYear: 2020,
    lastCirculatedAt: new Date('2025-01-10T00:00:00Z'),
    shelvedAt: new Date('2021-03-01T00:00:00Z'),
    collection: 'Adult Nonfiction',
    callNumberScheme: parsed?.scheme ?? null,
    shelfKey: parsed?.sortKey ?? null,
    conditions: [],
    ...rest,
  };
}

function rule(over: Partial<WeedingRule> = {}): WeedingRule {
  return {
    collection: null,
    callNumberFrom: null,
    callNumberTo: null,
    callNumberScheme: null,
    maxAgeYears: null,
    maxYearsWithoutUse: null,
    conditions: [],
    keepLastCopy: false,
    ...over,
  };
}

describe('weeding rules evaluator', () => {
  describe('age since publication', () => {
    const olderThan20 = rule({ maxAgeYears: 20 });

    it('names an item published more than maxAgeYears ago, with the year in the reason', () => {
      expect(evaluator.reasonsFor(olderThan20, item({ publicationYear: 1987 }))).toEqual(['published 1987: older than 20 years']);
    });

    it('does not name an item exactly maxAgeYears old or younger', () => {
      expect(evaluator.reasonsFor(olderThan20, item({ publicationYear: 2005 }))).toBeNull();
      expect(evaluator.reasonsFor(olderThan20, item({ publicationYear: 2004 }))).not.toBeNull();
    });

    it('cannot judge the age of an item without a publication year', () => {
      expect(evaluator.reasonsFor(olderThan20, item({ publicationYear: null }))).toBeNull();
    });
  });

  describe('years without use', () => {
    const unused5 = rule({ maxYearsWithoutUse: 5 });

    it('counts from the last circulation', () => {
      const stale = item({ lastCirculatedAt: new Date('2015-03-01T10:00:00Z'), shelvedAt: new Date('2010-01-01T00:00:00Z') });
      expect(evaluator.reasonsFor(unused5, stale)).toEqual(['not used since 2015-03-01: more than 5 years']);
      expect(evaluator.reasonsFor(unused5, item({ lastCirculatedAt: new Date('2021-01-01T00:00:00Z'), shelvedAt: new Date('2010-01-01T00:00:00Z') }))).toBeNull();
    });

    it('counts from shelving when the item never circulated', () => {
      const neverUsed = item({ lastCirculatedAt: null, shelvedAt: new Date('2019-02-01T00:00:00Z') });
      expect(evaluator.reasonsFor(unused5, neverUsed)).toEqual(['never circulated, shelved 2019-02-01: more than 5 years']);
      expect(evaluator.reasonsFor(unused5, item({ lastCirculatedAt: null, shelvedAt: new Date('2021-02-01T00:00:00Z') }))).toBeNull();
    });

    it('needs strictly more than the limit', () => {
      expect(evaluator.reasonsFor(unused5, item({ lastCirculatedAt: new Date('2020-06-15T12:00:00Z') }))).toBeNull();
      expect(evaluator.reasonsFor(unused5, item({ lastCirculatedAt: new Date('2020-06-15T11:59:59Z') }))).not.toBeNull();
    });

    it('cannot judge use when the item was neither circulated nor shelved', () => {
      expect(evaluator.reasonsFor(unused5, item({ lastCirculatedAt: null, shelvedAt: null }))).toBeNull();
    });
  });

  describe('criteria combined', () => {
    const crew = rule({ maxAgeYears: 20, maxYearsWithoutUse: 5, conditions: ['worn', 'superseded'] });
    const old = 1987;
    const stale = new Date('2015-03-01T00:00:00Z');

    it('needs every non-null age and use criterion to hold', () => {
      expect(evaluator.reasonsFor(crew, item({ publicationYear: old, lastCirculatedAt: stale }))).toEqual([
        'published 1987: older than 20 years',
        'not used since 2015-03-01: more than 5 years',
      ]);
      expect(evaluator.reasonsFor(crew, item({ publicationYear: old }))).toBeNull();
      expect(evaluator.reasonsFor(crew, item({ lastCirculatedAt: stale }))).toBeNull();
    });

    it('names an item carrying any of the conditions whatever its age and use (or)', () => {
      expect(evaluator.reasonsFor(crew, item({ conditions: ['worn'] }))).toEqual(['condition worn']);
      expect(evaluator.reasonsFor(crew, item({ conditions: ['trivial'] }))).toBeNull();
    });

    it('gives every reason that holds', () => {
      expect(evaluator.reasonsFor(crew, item({ publicationYear: old, lastCirculatedAt: stale, conditions: ['superseded', 'worn'] }))).toEqual([
        'published 1987: older than 20 years',
        'not used since 2015-03-01: more than 5 years',
        'condition worn',
        'condition superseded',
      ]);
    });

    it('matches on conditions only when both age and use are not applicable', () => {
      const mustieOnly = rule({ conditions: ['misleading'] });
      expect(evaluator.reasonsFor(mustieOnly, item({ publicationYear: 1900, lastCirculatedAt: stale }))).toBeNull();
      expect(evaluator.reasonsFor(mustieOnly, item({ conditions: ['misleading'] }))).toEqual(['condition misleading']);
    });
  });

  describe('scope', () => {
    const old = { publicationYear: 1980 };

    it('limits a rule to its collection (case and spacing aside)', () => {
      const fiction = rule({ collection: 'Adult Fiction', maxAgeYears: 10 });
      expect(evaluator.reasonsFor(fiction, item({ ...old, collection: ' adult fiction ' }))).not.toBeNull();
      expect(evaluator.reasonsFor(fiction, item({ ...old, collection: 'Adult Nonfiction' }))).toBeNull();
      expect(evaluator.reasonsFor(fiction, item({ ...old, collection: null }))).toBeNull();
    });

    it('limits a rule to an LC call-number range in shelf order, the upper bound taking in what shelves under it', () => {
      const { rule: computers } = normaliseRule({ ...rule(), callNumberFrom: 'QA76', callNumberTo: 'QA77', maxAgeYears: 3 });
      expect(computers!.callNumberScheme).toBe('lc');
      const at = (callNumber: string) => evaluator.reasonsFor(computers!, item({ ...old, callNumber: [callNumber, 'lc'] }));
      expect(at('QA76.73 .J38 S55 2010')).not.toBeNull();
      expect(at('QA77.5 .B3')).not.toBeNull();
      expect(at('QA9 .A1')).toBeNull(); // string order would put QA9 after QA76; shelf order does not
      expect(at('QA100 .C1')).toBeNull();
      expect(at('QA75.5 .Z9')).toBeNull();
      // Items of another scheme, or with no call number, are outside any range.
      expect(evaluator.reasonsFor(computers!, item({ ...old, callNumber: ['005.133 JAV', 'ddc'] }))).toBeNull();
      expect(evaluator.reasonsFor(computers!, item({ ...old }))).toBeNull();
    });

    it('limits a rule to a Dewey range, open at one end when only one bound is given', () => {
      const { rule: homeEconomics } = normaliseRule({ ...rule(), callNumberFrom: '640', maxAgeYears: 5 });
      expect(homeEconomics!.callNumberScheme).toBe('ddc');
      expect(evaluator.reasonsFor(homeEconomics!, item({ ...old, callNumber: ['641.5 SMI', 'ddc'] }))).not.toBeNull();
      expect(evaluator.reasonsFor(homeEconomics!, item({ ...old, callNumber: ['639.2 FIS', 'ddc'] }))).toBeNull();
      const { rule: upTo699 } = normaliseRule({ ...rule(), callNumberTo: '699', maxAgeYears: 5 });
      expect(evaluator.reasonsFor(upTo699!, item({ ...old, callNumber: ['699.99 ZED', 'ddc'] }))).not.toBeNull();
      expect(evaluator.reasonsFor(upTo699!, item({ ...old, callNumber: ['700.1 ART', 'ddc'] }))).toBeNull();
    });

    it('combines a collection and a range', () => {
      const { rule: both } = normaliseRule({ ...rule(), collection: 'Reference', callNumberFrom: '600', callNumberTo: '699', maxAgeYears: 5 });
      expect(evaluator.reasonsFor(both!, item({ ...old, collection: 'Reference', callNumber: ['610 MED', 'ddc'] }))).not.toBeNull();
      expect(evaluator.reasonsFor(both!, item({ ...old, collection: 'Adult Nonfiction', callNumber: ['610 MED', 'ddc'] }))).toBeNull();
    });

    it('applies a rule without scope to every item', () => {
      expect(evaluator.reasonsFor(rule({ maxAgeYears: 10 }), item({ ...old, collection: null }))).not.toBeNull();
    });
  });

  describe('keeping the last copy', () => {
    const worn = { conditions: ['worn'] };

    it('keeps out the branch last copy of its record when the rule protects it', () => {
      const only = item({ ...worn, recordId: 'r-only' });
      const staying = new Map([['r-only', new Set([only.itemId])]]);
      expect(evaluator.evaluate([rule({ conditions: ['worn'], keepLastCopy: true })], [only], staying)).toEqual([]);
      expect(evaluator.evaluate([rule({ conditions: ['worn'], keepLastCopy: false })], [only], staying)).toHaveLength(1);
    });

    it('proposes a copy when another copy of the record stays', () => {
      const worn1 = item({ ...worn, recordId: 'r-two' });
      const good = item({ recordId: 'r-two' });
      const staying = new Map([['r-two', new Set([worn1.itemId, good.itemId])]]);
      const matches = evaluator.evaluate([rule({ conditions: ['worn'], keepLastCopy: true })], [worn1, good], staying);
      expect(matches.map((m) => m.item.itemId)).toEqual([worn1.itemId]);
    });

    it('never proposes every copy: a copy proposed earlier in the run no longer counts as staying', () => {
      const a = item({ ...worn, recordId: 'r-pair' });
      const b = item({ ...worn, recordId: 'r-pair' });
      const staying = new Map([['r-pair', new Set([a.itemId, b.itemId])]]);
      const matches = evaluator.evaluate([rule({ conditions: ['worn'], keepLastCopy: true })], [a, b], staying);
      expect(matches.map((m) => m.item.itemId)).toEqual([a.itemId]);
    });

    it('does not count copies that are gone or on their way out (absent from the staying copies)', () => {
      const last = item({ ...worn, recordId: 'r-gone' });
      const staying = new Map([['r-gone', new Set([last.itemId])]]); // the withdrawn copy is not listed
      expect(evaluator.evaluate([rule({ conditions: ['worn'], keepLastCopy: true })], [last], staying)).toEqual([]);
    });

    it('lets a later rule that does not protect the last copy name it', () => {
      const only = item({ ...worn, publicationYear: 1970, recordId: 'r-later' });
      const staying = new Map([['r-later', new Set([only.itemId])]]);
      const matches = evaluator.evaluate(
        [rule({ conditions: ['worn'], keepLastCopy: true }), rule({ maxAgeYears: 50, keepLastCopy: false })],
        [only],
        staying,
      );
      expect(matches).toEqual([expect.objectContaining({ ruleIndex: 1, reasons: ['published 1970: older than 50 years'] })]);
    });
  });

  it('reports the first rule that names an item, and keeps the order of the items', () => {
    const a = item({ publicationYear: 1970, conditions: ['worn'] });
    const b = item({ publicationYear: 2024 });
    const c = item({ conditions: ['worn'] });
    const rules = [rule({ maxAgeYears: 30 }), rule({ conditions: ['worn'] })];
    const matches = evaluator.evaluate(rules, [a, b, c], new Map());
    expect(matches.map((m) => [m.item.itemId, m.ruleIndex])).toEqual([[a.itemId, 0], [c.itemId, 1]]);
  });
});

describe('normalising a weeding rule', () => {
  const base = { collection: null, callNumberFrom: null, callNumberTo: null, maxAgeYears: 10, maxYearsWithoutUse: null, conditions: [], keepLastCopy: false };

  it('normalises the bounds and infers the scheme', () => {
    expect(normaliseRule({ ...base, callNumberFrom: 'qa76', callNumberTo: ' QA77 ' }).rule).toMatchObject({ callNumberFrom: 'QA76', callNumberTo: 'QA77', callNumberScheme: 'lc' });
    expect(normaliseRule({ ...base, callNumberFrom: '600', callNumberTo: '699' }).rule).toMatchObject({ callNumberScheme: 'ddc' });
  });

  it('refuses bounds of different schemes, naming the field', () => {
    const { problems } = normaliseRule({ ...base, callNumberFrom: 'QA76', callNumberTo: '699' });
    expect(problems).toEqual([expect.objectContaining({ field: 'callNumberTo' })]);
  });

  it('refuses a bound that is not a call number of the named scheme', () => {
    expect(normaliseRule({ ...base, callNumberFrom: 'QA76', callNumberScheme: 'ddc' }).problems).toEqual([expect.objectContaining({ field: 'callNumberFrom' })]);
  });

  it('refuses a range whose upper bound shelves before its lower bound', () => {
    expect(normaliseRule({ ...base, callNumberFrom: 'QA100', callNumberTo: 'QA76' }).problems).toEqual([expect.objectContaining({ field: 'callNumberTo' })]);
  });

  it('refuses a rule without any criterion', () => {
    expect(normaliseRule({ ...base, maxAgeYears: null }).problems).toEqual([expect.objectContaining({ field: 'conditions' })]);
  });
});
