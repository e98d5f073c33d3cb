import 'reflect-metadata';
import { ItemStatus } from '@app/contracts';
import { bearer, RunningService } from '../../../test/support/service-app';
import { TestRun } from '../../../test/support/test-run';
import { CatalogSimulator, Probe, startDisposal, yearsAgo } from './disposal-test-kit';

describe('disposal: weeding rules, runs, approvals and pulls (real PostgreSQL and RabbitMQ)', () => {
  const run = new TestRun();
  let disposal: RunningService;
  let catalog: CatalogSimulator;
  let events: Probe;
  let librarian: string;
  let technician: string;
  const thisYear = new Date().getUTCFullYear();

  beforeAll(async () => {
    disposal = await startDisposal(run);
    catalog = new CatalogSimulator(run);
    events = await Probe.events(run, 'disposal.#');
    librarian = await bearer('librarian', ['*'], { sub: 'librarian-lena' });
    technician = await bearer('technician', ['*'], { sub: 'tech-tom' });
  });

  afterAll(async () => {
    await events?.close();
    await disposal?.app.close();
    await run.cleanup();
  });

  const http = () => disposal.http();
  const putRules = (branch: string, rules: unknown[], auth = librarian) => http().put(`/weeding-rules/${branch}`).set('Authorization', auth).send({ rules });
  const startRun = (branch: string, auth = librarian) => http().post('/weeding-runs').set('Authorization', auth).send({ branch });
  const decide = (id: string, action: 'approve' | 'keep' | 'pulled' | 'not-found', auth: string) => http().post(`/weeding-candidates/${id}/${action}`).set('Authorization', auth);
  const rule = (over: Record<string, unknown> = {}) => ({ maxAgeYears: null, maxYearsWithoutUse: null, conditions: [], keepLastCopy: false, ...over });

  describe('rules', () => {
    it('replaces a branch rules, normalising call-number ranges, and shows them', async () => {
      const rules = [
        rule({ collection: 'Adult Nonfiction', maxAgeYears: 20, maxYearsWithoutUse: 5, conditions: ['worn'], keepLastCopy: true }),
        rule({ callNumberFrom: 'qa76', callNumberTo: 'QA77', maxAgeYears: 3, conditions: ['superseded'] }),
      ];
      const { body } = await putRules('WR4', rules).expect(200);
      expect(body).toMatchObject({ branch: 'WR4', updatedBy: 'librarian-lena' });
      expect(body.rules[1]).toEqual({
        collection: null, callNumberFrom: 'QA76', callNumberTo: 'QA77', callNumberScheme: 'lc', maxAgeYears: 3, maxYearsWithoutUse: null, conditions: ['superseded'], keepLastCopy: false,
      });
      const { body: shown } = await http().get('/weeding-rules/WR4').set('Authorization', technician).expect(200);
      expect(shown.rules).toEqual(body.rules);
      // Replacing means replacing: the old rules are gone.
      await putRules('WR4', [rule({ maxAgeYears: 50 })]).expect(200);
      expect((await http().get('/weeding-rules/WR4').set('Authorization', librarian).expect(200)).body.rules).toHaveLength(1);
    });

    it('refuses bad rules naming the field, and keeps the old ones', async () => {
      await putRules('WR4', [rule({ maxAgeYears: 50 })]).expect(200);
      const bounds = await putRules('WR4', [rule({ maxAgeYears: 1 }), rule({ callNumberFrom: 'QA76', callNumberTo: '641.5', maxAgeYears: 1 })]).expect(400);
      expect(JSON.stringify(bounds.body.message)).toContain('rules[1].callNumberTo');
      const order = await putRules('WR4', [rule({ callNumberFrom: '700', callNumberTo: '600', maxAgeYears: 1 })]).expect(400);
      expect(JSON.stringify(order.body.message)).toContain('rules[0].callNumberTo');
      const missing = await putRules('WR4', [{ maxYearsWithoutUse: 3, conditions: [], keepLastCopy: false }]).expect(400);
      expect(JSON.stringify(missing.body.message)).toContain('rules[0].maxAgeYears');
      const poorCondition = await putRules('WR4', [rule({ conditions: ['ugly'] })]).expect(400);
      expect(JSON.stringify(poorCondition.body.message)).toContain('rules[0].conditions');
      const empty = await putRules('WR4', [rule()]).expect(400);
      expect(JSON.stringify(empty.body.message)).toContain('no criterion');
      expect((await http().get('/weeding-rules/WR4').set('Authorization', librarian).expect(200)).body.rules).toEqual([expect.objectContaining({ maxAgeYears: 50 })]);
    });

    it('lets only librarians of the branch set rules', async () => {
      await putRules('WR4', [rule({ maxAgeYears: 5 })], technician).expect(403);
      await putRules('WR4', [rule({ maxAgeYears: 5 })], await bearer('librarian', ['NOR'])).expect(403);
      await putRules('XXX', [rule({ maxAgeYears: 5 })]).expect(400);
    });

    it('refuses a run for a branch without rules', async () => {
      const { body } = await startRun('WR3').expect(409);
      expect(body.message).toContain('no weeding rules');
    });
  });

  describe('a run', () => {
    it('proposes exactly the AVAILABLE items the rules name, in shelf order, with rule and reasons; never the protected last copy', async () => {
      await putRules('WR1', [
        rule({ collection: 'Adult Nonfiction', maxAgeYears: 20, maxYearsWithoutUse: 5, conditions: ['worn'], keepLastCopy: true }),
        rule({ callNumberFrom: '600', callNumberTo: '699', maxYearsWithoutUse: 3 }),
      ]).expect(200);
      const stale = yearsAgo(8);
      const nonfiction = { branch: 'WR1', collection: 'Adult Nonfiction' };
      // Old and unused, and another copy of its record stays: a candidate of rule 0.
      const oldUnused = await catalog.shelve({ ...nonfiction, title: 'Old and unused', callNumber: ['QA100 .B2', 'lc'], publicationYear: 1987, lastCirculatedAt: stale });
      await catalog.shelve({ ...nonfiction, recordId: oldUnused.snapshot.recordId, title: 'Old and unused (copy 2)', publicationYear: 1987, lastCirculatedAt: yearsAgo(1) });
      // Old but used lately: the use criterion fails.
      await catalog.shelve({ ...nonfiction, title: 'Old but popular', publicationYear: 1980, lastCirculatedAt: yearsAgo(1) });
      // Worn, whatever its age; its other copy is in repair, which still counts as a copy staying.
      const worn = await catalog.shelve({ ...nonfiction, title: 'Worn', callNumber: ['QA9 .A1', 'lc'], conditions: ['worn'], lastCirculatedAt: yearsAgo(1) });
      await catalog.shelve({ ...nonfiction, recordId: worn.snapshot.recordId, title: 'Worn (copy in repair)' }, ItemStatus.IN_REPAIR);
      // Old, unused, worn, but the last copy: protected.
      await catalog.shelve({ ...nonfiction, title: 'Last copy', publicationYear: 1970, lastCirculatedAt: stale, conditions: ['worn'] });
      // Its record has a missing copy elsewhere on the shelf: missing copies do not count.
      const lonely = await catalog.shelve({ ...nonfiction, title: 'Last copy with a missing twin', conditions: ['worn'] });
      await catalog.shelve({ ...nonfiction, recordId: lonely.snapshot.recordId, title: 'The missing twin' }, ItemStatus.MISSING);
      // Another collection, LC: neither rule's scope.
      await catalog.shelve({ branch: 'WR1', collection: 'Adult Fiction', title: 'Fiction', publicationYear: 1950, lastCirculatedAt: stale });
      // Dewey 641.5, never circulated, shelved four years ago: rule 1, counted since shelving.
      const cookery = await catalog.shelve({ branch: 'WR1', collection: 'Cookery', title: 'Cookery', callNumber: ['641.5 SMI', 'ddc'], shelvedAt: yearsAgo(4) });
      // Dewey 700: outside rule 1's range.
      await catalog.shelve({ branch: 'WR1', collection: 'Arts', title: 'Arts', callNumber: ['700.1 ART', 'ddc'], shelvedAt: yearsAgo(10) });
      // Not AVAILABLE: never a candidate.
      await catalog.shelve({ ...nonfiction, title: 'At the bindery', publicationYear: 1960, lastCirculatedAt: stale }, ItemStatus.AT_BINDERY);
      // Another branch.
      await catalog.shelve({ ...nonfiction, branch: 'WR2', title: 'Elsewhere', publicationYear: 1960, lastCirculatedAt: stale });

      const { body: weedingRun } = await startRun('WR1').expect(201);
      expect(weedingRun).toMatchObject({ branch: 'WR1', ranBy: 'librarian-lena', open: true });
      expect(weedingRun.candidates.map((c: { title: string }) => c.title)).toEqual(['Worn', 'Old and unused', 'Cookery']);
      const [wornCandidate, oldCandidate, cookeryCandidate] = weedingRun.candidates;
      expect(oldCandidate).toMatchObject({
        itemId: oldUnused.itemId,
        barcode: oldUnused.barcode,
        callNumber: 'QA100 .B2',
        status: 'proposed',
        rule: { index: 0, collection: 'Adult Nonfiction', maxAgeYears: 20, maxYearsWithoutUse: 5, conditions: ['worn'], keepLastCopy: true },
        reasons: ['published 1987: older than 20 years', `not used since ${stale.slice(0, 10)}: more than 5 years`],
      });
      expect(wornCandidate).toMatchObject({ itemId: worn.itemId, rule: { index: 0 }, reasons: ['condition worn'] });
      expect(cookeryCandidate).toMatchObject({
        itemId: cookery.itemId,
        rule: { index: 1, callNumberFrom: '600', callNumberTo: '699', callNumberScheme: 'ddc' },
        reasons: [`never circulated, shelved ${cookery.snapshot.shelvedAt!.slice(0, 10)}: more than 3 years`],
      });

      const { body: again } = await http().get(`/weeding-runs/${weedingRun.id}`).set('Authorization', technician).expect(200);
      expect(again.candidates).toEqual(weedingRun.candidates);
      const { body: runs } = await http().get('/weeding-runs?branch=WR1').set('Authorization', librarian).expect(200);
      expect(runs.data[0]).toMatchObject({ id: weedingRun.id, open: true, counts: { proposed: 3 } });
      await http().get(`/weeding-runs/${weedingRun.id}`).set('Authorization', await bearer('librarian', ['NOR'])).expect(404);
      await http().get('/weeding-runs?branch=WR1').set('Authorization', await bearer('librarian', ['NOR'])).expect(403);
    });

    it('does not propose an item already proposed or approved in an open run, and proposes what changed since', async () => {
      await putRules('WR2', [rule({ conditions: ['worn', 'superseded'] })]).expect(200);
      const first = await catalog.shelve({ branch: 'WR2', title: 'Worn one', conditions: ['worn'] });
      const second = await catalog.shelve({ branch: 'WR2', title: 'Fine one' });
      const { body: run1 } = await startRun('WR2').expect(201);
      expect(run1.candidates.map((c: { itemId: string }) => c.itemId)).toEqual([first.itemId]);
      await decide(run1.candidates[0].id, 'approve', librarian).expect(200);

      // Cataloging records a MUSTIE factor on the second item (cataloging.item.updated).
      await catalog.update(second.itemId, { conditions: ['superseded'] });
      const { body: run2 } = await startRun('WR2').expect(201);
      expect(run2.candidates.map((c: { itemId: string }) => c.itemId)).toEqual([second.itemId]);
      expect(run2.candidates[0].reasons).toEqual(['condition superseded']);
      const { body: run3 } = await startRun('WR2').expect(201);
      expect(run3).toMatchObject({ candidates: [], open: false });
    });

    it('refuses runs to technicians and to librarians of other branches', async () => {
      await startRun('WR1', technician).expect(403);
      await startRun('WR1', await bearer('librarian', ['NOR'])).expect(403);
      await startRun('NOPE').expect(400);
    });
  });

  describe('approvals', () => {
    it('lets a librarian approve or keep only a proposed candidate (409 naming its state)', async () => {
      await putRules('WR3', [rule({ conditions: ['trivial'] })]).expect(200);
      const a = await catalog.shelve({ branch: 'WR3', title: 'Trivia A', conditions: ['trivial'], callNumber: ['QA1 .A1', 'lc'] });
      const b = await catalog.shelve({ branch: 'WR3', title: 'Trivia B', conditions: ['trivial'], callNumber: ['QA2 .B1', 'lc'] });
      const { body: weedingRun } = await startRun('WR3').expect(201);
      const [candidateA, candidateB] = weedingRun.candidates;
      expect([candidateA.itemId, candidateB.itemId]).toEqual([a.itemId, b.itemId]);

      await decide(candidateA.id, 'approve', technician).expect(403);
      await decide(candidateA.id, 'approve', await bearer('librarian', ['NOR'])).expect(404);
      const { body: approved } = await decide(candidateA.id, 'approve', librarian).expect(200);
      expect(approved).toMatchObject({ status: 'approved', decidedBy: 'librarian-lena' });
      expect((await decide(candidateA.id, 'approve', librarian).expect(409)).body.message).toContain('is approved');
      expect((await decide(candidateA.id, 'keep', librarian).expect(409)).body.message).toContain('is approved');

      await decide(candidateB.id, 'keep', librarian).expect(200);
      expect((await decide(candidateB.id, 'approve', librarian).expect(409)).body.message).toContain('is kept');
      // Only approved candidates are pulled.
      expect((await decide(candidateB.id, 'pulled', technician).expect(409)).body.message).toContain('is kept');
      await decide('00000000-0000-4000-8000-000000000000', 'approve', librarian).expect(404);
      await decide('not-a-uuid', 'approve', librarian).expect(400);

      const { body: after } = await http().get(`/weeding-runs/${weedingRun.id}`).set('Authorization', librarian).expect(200);
      expect(after).toMatchObject({ open: true, counts: { approved: 1, kept: 1, proposed: 0 } });
    });
  });

  describe('the pull list and pulls', () => {
    let candidates: Array<{ id: string; itemId: string; barcode: string; title: string }>;

    beforeAll(async () => {
      await putRules('PUL', [rule({ conditions: ['worn'] })]).expect(200);
      // Shelved in an order that is neither shelf order nor string order.
      for (const [title, callNumber] of [
        ['Dewey 641', ['641.5 SMI', 'ddc']],
        ['LC QA100', ['QA100 .B2', 'lc']],
        ['LC QA9', ['QA9 .A1', 'lc']],
        ['Dewey 005', ['005.133 JAV', 'ddc']],
        ['LC QA76', ['QA76.73 .J38', 'lc']],
      ] as const) {
        await catalog.shelve({ branch: 'PUL', title, callNumber: [...callNumber], conditions: ['worn'], collection: 'Stacks' });
      }
      const { body } = await startRun('PUL').expect(201);
      candidates = body.candidates;
      for (const candidate of candidates) await decide(candidate.id, 'approve', librarian).expect(200);
    });

    it('lists approved candidates in shelf order with location and call number, page after page', async () => {
      const expected = ['LC QA9', 'LC QA76', 'LC QA100', 'Dewey 005', 'Dewey 641'];
      const { body: all } = await http().get('/pull-list?branch=PUL').set('Authorization', technician).expect(200);
      expect(all.page).toEqual({ limit: 50, offset: 0, total: 5 });
      expect(all.data.map((e: { title: string }) => e.title)).toEqual(expected);
      expect(all.data[0]).toMatchObject({ branch: 'PUL', location: 'Stacks', callNumber: 'QA9 .A1', callNumberScheme: 'lc', reasons: ['condition worn'], approvedBy: 'librarian-lena' });
      const pages = [];
      for (let offset = 0; offset < 5; offset += 2) {
        const { body } = await http().get(`/pull-list?branch=PUL&limit=2&offset=${offset}`).set('Authorization', technician).expect(200);
        pages.push(...body.data.map((e: { title: string }) => e.title));
      }
      expect(pages).toEqual(expected);
      await http().get('/pull-list?branch=PUL').set('Authorization', await bearer('technician', ['NOR'])).expect(403);
    });

    it('withdraws a pulled item as weeded and publishes disposal.item.withdrawn', async () => {
      const candidate = candidates.find((c) => c.title === 'LC QA9')!;
      await decide(candidate.id, 'pulled', librarian).expect(200); // librarians may do what technicians do
      const [event] = await events.waitFor('disposal.item.withdrawn', { itemId: candidate.itemId });
      expect(event).toMatchObject({ producer: 'disposal', branch: 'PUL' });
      expect(event.data).toMatchObject({ itemId: candidate.itemId, barcode: candidate.barcode, branch: 'PUL', reason: 'weeded', withdrawnBy: 'librarian-lena' });
      const { body: withdrawals } = await http().get('/withdrawals?branch=PUL').set('Authorization', librarian).expect(200);
      expect(withdrawals.data).toEqual([expect.objectContaining({ id: event.data.withdrawalId, source: 'weeding', candidateId: candidate.id, reason: 'weeded' })]);
      // Pulled once: off the pull list, and not pulled again.
      const { body: list } = await http().get('/pull-list?branch=PUL').set('Authorization', technician).expect(200);
      expect(list.data.map((e: { title: string }) => e.title)).not.toContain('LC QA9');
      expect((await decide(candidate.id, 'pulled', technician).expect(409)).body.message).toContain('is pulled');
    });

    it('publishes disposal.item.not-found for an approved item missing from the shelf', async () => {
      const candidate = candidates.find((c) => c.title === 'Dewey 005')!;
      const { body } = await decide(candidate.id, 'not-found', technician).expect(200);
      expect(body).toMatchObject({ status: 'not-found', pulledBy: 'tech-tom' });
      const [event] = await events.waitFor('disposal.item.not-found', { itemId: candidate.itemId });
      expect(event.data).toEqual({ itemId: candidate.itemId, barcode: candidate.barcode, branch: 'PUL', candidateId: candidate.id, reportedBy: 'tech-tom' });
      expect(events.of('disposal.item.withdrawn', { itemId: candidate.itemId })).toHaveLength(0);
    });

    it('leaves off the list an approved item that is no longer on the shelf', async () => {
      const candidate = candidates.find((c) => c.title === 'LC QA76')!;
      await catalog.setStatus(candidate.itemId, ItemStatus.IN_REPAIR);
      const { body } = await http().get('/pull-list?branch=PUL').set('Authorization', technician).expect(200);
      expect(body.data.map((e: { title: string }) => e.title)).toEqual(['LC QA100', 'Dewey 641']);
    });
  });
});
