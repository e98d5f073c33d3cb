import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { CALL_NUMBER_SCHEMES, ItemStatus, ON_SHELF_STATUSES, WeedingPullNotFound } from '@app/contracts';
import { Transaction, UnitOfWork } from '@app/messaging';
import { BranchRegistry, insertEntities, Page, toPage } from '@app/platform';
import { Clock, CLOCK } from '../common/clock';
import { ItemView } from '../item-view/item-view.entity';
import { itemViewFromRow, ItemViewService } from '../item-view/item-view.service';
import { WithdrawalsService } from '../withdrawals/withdrawals.service';
import { BranchListQuery } from './weeding-runs.dto';
import { CandidateStatus, OPEN_CANDIDATE_STATUSES, WeedingCandidate } from './weeding-candidate.entity';
import { WeedingRun } from './weeding-run.entity';
import { WeedingRule, WeedingRulesEvaluator } from './weeding-rules.evaluator';
import { WeedingRulesService } from './weeding-rules.service';

export interface CandidateView {
  id: string;
  runId: string;
  itemId: string;
  barcode: string;
  title: string;
  collection: string | null;
  callNumber: string | null;
  rule: WeedingRule & { index: number };
  reasons: string[];
  status: CandidateStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  pulledBy: string | null;
  pulledAt: string | null;
}

export interface RunSummary {
  id: string;
  branch: string;
  ranAt: string;
  ranBy: string;
  /** Open while a candidate waits for a decision or a pull. */
  open: boolean;
  counts: Record<CandidateStatus, number>;
}

export interface RunView extends RunSummary {
  rules: WeedingRule[];
  candidates: CandidateView[];
}

export interface PullListEntry {
  candidateId: string;
  runId: string;
  itemId: string;
  barcode: string;
  title: string;
  branch: string;
  location: string | null;
  callNumber: string | null;
  callNumberScheme: string | null;
  reasons: string[];
  approvedBy: string | null;
  approvedAt: string | null;
}

/** Gone from the branch for good, or looked for and not found: such a copy does not keep a record on the shelf. */
const NOT_STAYING: readonly ItemStatus[] = [ItemStatus.WITHDRAWN, ItemStatus.LISTED_FOR_SALE, ItemStatus.SOLD, ItemStatus.DISPOSED, ItemStatus.MISSING];

const SCHEME_ORDER = `array_position(ARRAY[${CALL_NUMBER_SCHEMES.map((s) => `'${s}'`).join(', ')}]::text[], %s) NULLS LAST`;

export function toCandidateView(candidate: WeedingCandidate): CandidateView {
  return {
    id: candidate.id,
    runId: candidate.runId,
    itemId: candidate.itemId,
    barcode: candidate.barcode,
    title: candidate.title,
    collection: candidate.collection,
    callNumber: candidate.callNumber,
    rule: { index: candidate.ruleIndex, ...candidate.rule },
    reasons: candidate.reasons,
    status: candidate.status,
    decidedBy: candidate.decidedBy,
    decidedAt: candidate.decidedAt?.toISOString() ?? null,
    pulledBy: candidate.pulledBy,
    pulledAt: candidate.pulledAt?.toISOString() ?? null,
  };
}

function emptyCounts(): Record<CandidateStatus, number> {
  return { proposed: 0, approved: 0, kept: 0, pulled: 0, 'not-found': 0, withdrawn: 0 };
}

/**
 * Weeding runs and their candidates: a run evaluates the branch's rules over its AVAILABLE items; a
 * librarian approves or keeps each candidate; a technician pulls the approved ones in shelf order
 * (withdrawn as `weeded`) or reports them not found (MISSING).
 */
@Injectable()
export class WeedingRunsService {
  private readonly evaluator: WeedingRulesEvaluator;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly branches: BranchRegistry,
    private readonly rules: WeedingRulesService,
    private readonly items: ItemViewService,
    private readonly withdrawals: WithdrawalsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.evaluator = new WeedingRulesEvaluator(clock);
  }

  async start(branch: string, user: AuthenticatedUser): Promise<RunView> {
    this.branches.actingBranch(user, branch);
    const runId = await this.uow.run(async (tx) => {
      // One run per branch at a time, so two runs cannot propose the same item.
      await tx.manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`disposal.weeding-run.${branch}`]);
      const ruleSet = await this.rules.load(tx.manager, branch);
      if (!ruleSet || ruleSet.rules.length === 0) {
        throw new ConflictException(`branch ${branch} has no weeding rules; set them with PUT /weeding-rules/${branch} first`);
      }
      const available = await this.availableItems(tx.manager, branch);
      const staying = await this.stayingCopies(tx.manager, branch, available);
      const matches = this.evaluator.evaluate(ruleSet.rules, available, staying);
      const run = Object.assign(new WeedingRun(), { id: randomUUID(), branch, ranAt: this.clock.now(), ranBy: user.id, rules: ruleSet.rules });
      await tx.manager.insert(WeedingRun, run);
      const candidates = matches.map((match, position) =>
        Object.assign(new WeedingCandidate(), {
          id: randomUUID(),
          runId: run.id,
          position,
          itemId: match.item.itemId,
          barcode: match.item.barcode!,
          branch,
          title: match.item.title ?? '',
          collection: match.item.collection,
          callNumber: match.item.callNumber,
          callNumberScheme: match.item.callNumberScheme,
          shelfKey: match.item.shelfKey,
          ruleIndex: match.ruleIndex,
          rule: match.rule,
          reasons: match.reasons,
          status: 'proposed' as const,
          decidedBy: null,
          decidedAt: null,
          pulledBy: null,
          pulledAt: null,
        }),
      );
      await insertEntities(tx.manager, WeedingCandidate, candidates);
      return run.id;
    });
    return this.get(runId, user);
  }

  /** The branch's physical AVAILABLE items not already on their way out, in shelf order. */
  private async availableItems(manager: EntityManager, branch: string): Promise<ItemView[]> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `SELECT v.* FROM item_view v
        WHERE v.branch = $1 AND v.status = $2 AND v.barcode IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM weeding_candidate c WHERE c.item_id = v.item_id AND c.status = ANY($3::text[]))
        ORDER BY ${SCHEME_ORDER.replace('%s', 'v.call_number_scheme')}, v.shelf_key COLLATE "C" NULLS LAST, v.barcode`,
      [branch, ItemStatus.AVAILABLE, OPEN_CANDIDATE_STATUSES],
    );
    return rows.map(itemViewFromRow);
  }

  /** For each record of the given items: its copies in the branch that stay (not gone, not proposed or approved). */
  private async stayingCopies(manager: EntityManager, branch: string, items: ItemView[]): Promise<Map<string, Set<string>>> {
    const records = [...new Set(items.flatMap((item) => (item.recordId ? [item.recordId] : [])))];
    if (records.length === 0) return new Map();
    const rows: Array<{ record_id: string; item_ids: string[] }> = await manager.query(
      `SELECT v.record_id, array_agg(v.item_id) AS item_ids FROM item_view v
        WHERE v.branch = $1 AND v.record_id = ANY($2::uuid[]) AND v.status <> ALL($3::text[])
          AND NOT EXISTS (SELECT 1 FROM weeding_candidate c WHERE c.item_id = v.item_id AND c.status = ANY($4::text[]))
        GROUP BY v.record_id`,
      [branch, records, NOT_STAYING, OPEN_CANDIDATE_STATUSES],
    );
    return new Map(rows.map((row) => [row.record_id, new Set(row.item_ids)]));
  }

  async get(id: string, user: AuthenticatedUser): Promise<RunView> {
    const run = await this.dataSource.manager.findOne(WeedingRun, { where: { id } });
    if (!run || !user.canActForBranch(run.branch)) throw new NotFoundException(`weeding run ${id} not found`);
    const candidates = await this.dataSource.manager.find(WeedingCandidate, { where: { runId: id }, order: { position: 'ASC' } });
    const counts = emptyCounts();
    for (const candidate of candidates) counts[candidate.status] += 1;
    return {
      ...this.summary(run, counts),
      rules: run.rules,
      candidates: candidates.map(toCandidateView),
    };
  }

  async list(query: BranchListQuery, user: AuthenticatedUser): Promise<Page<RunSummary>> {
    const branches = this.branches.listBranches(user, query.branch);
    const qb = this.dataSource.manager.createQueryBuilder(WeedingRun, 'run');
    if (branches) qb.where('run.branch = ANY(:branches)', { branches });
    const [runs, total] = await qb.orderBy('run.ranAt', 'DESC').addOrderBy('run.id').offset(query.offset).limit(query.limit).getManyAndCount();
    const counts = new Map(runs.map((run) => [run.id, emptyCounts()]));
    if (runs.length) {
      const rows: Array<{ run_id: string; status: CandidateStatus; n: number }> = await this.dataSource.query(
        `SELECT run_id, status, count(*)::int AS n FROM weeding_candidate WHERE run_id = ANY($1::uuid[]) GROUP BY run_id, status`,
        [runs.map((run) => run.id)],
      );
      for (const row of rows) counts.get(row.run_id)![row.status] = row.n;
    }
    return toPage(runs.map((run) => this.summary(run, counts.get(run.id)!)), query, total);
  }

  private summary(run: WeedingRun, counts: Record<CandidateStatus, number>): RunSummary {
    return { id: run.id, branch: run.branch, ranAt: run.ranAt.toISOString(), ranBy: run.ranBy, open: counts.proposed + counts.approved > 0, counts };
  }

  /** A librarian's decision on a proposed candidate: approve it for pulling, or keep the item. */
  async decide(id: string, decision: 'approved' | 'kept', user: AuthenticatedUser): Promise<CandidateView> {
    return this.uow.run(async (tx) => {
      const candidate = await this.lockCandidate(tx, id, user);
      if (candidate.status !== 'proposed') {
        throw new ConflictException(`weeding candidate ${id} (item ${candidate.barcode}) is ${candidate.status}; only a proposed candidate can be ${decision === 'approved' ? 'approved' : 'kept'}`);
      }
      Object.assign(candidate, { status: decision, decidedBy: user.id, decidedAt: new Date() });
      await tx.manager.save(WeedingCandidate, candidate);
      return toCandidateView(candidate);
    });
  }

  /** The technician took the approved item off the shelf: it is withdrawn as `weeded`. */
  async pulled(id: string, user: AuthenticatedUser): Promise<CandidateView> {
    return this.uow.run(async (tx) => {
      const candidate = await this.lockApproved(tx, id, user, 'pulled');
      const item = await this.items.byId(tx.manager, candidate.itemId, true);
      if (!item) throw new NotFoundException(`item ${candidate.barcode} not found`);
      await this.withdrawals.withdrawItem(tx, item, { reason: 'weeded', source: 'weeding', withdrawnBy: user.id, candidateId: candidate.id });
      Object.assign(candidate, { status: 'pulled', pulledBy: user.id, pulledAt: new Date() });
      await tx.manager.save(WeedingCandidate, candidate);
      return toCandidateView(candidate);
    });
  }

  /** The shelf had nothing where the approved item should be: cataloging marks it MISSING. */
  async notFound(id: string, user: AuthenticatedUser): Promise<CandidateView> {
    return this.uow.run(async (tx) => {
      const candidate = await this.lockApproved(tx, id, user, 'reported not found');
      Object.assign(candidate, { status: 'not-found', pulledBy: user.id, pulledAt: new Date() });
      await tx.manager.save(WeedingCandidate, candidate);
      tx.publish(
        WeedingPullNotFound,
        { itemId: candidate.itemId, barcode: candidate.barcode, branch: candidate.branch, candidateId: candidate.id, reportedBy: user.id },
        { branch: candidate.branch },
      );
      return toCandidateView(candidate);
    });
  }

  /** Approved candidates whose items are on the shelf, in shelf order (schemes apart, then shelf key byte by byte). */
  async pullList(query: BranchListQuery, user: AuthenticatedUser): Promise<Page<PullListEntry>> {
    const branches = this.branches.listBranches(user, query.branch);
    const params: unknown[] = [ON_SHELF_STATUSES];
    let scope = '';
    if (branches) {
      params.push(branches);
      scope = `AND c.branch = ANY($${params.length}::text[])`;
    }
    const from = `FROM weeding_candidate c JOIN item_view v ON v.item_id = c.item_id
                  WHERE c.status = 'approved' AND v.status = ANY($1::text[]) ${scope}`;
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total ${from}`, params);
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT c.id, c.run_id, c.item_id, c.barcode, COALESCE(v.title, c.title) AS title, c.branch, v.collection,
              v.call_number, v.call_number_scheme, c.reasons, c.decided_by, c.decided_at
         ${from}
        ORDER BY c.branch, ${SCHEME_ORDER.replace('%s', 'v.call_number_scheme')}, v.shelf_key COLLATE "C" NULLS LAST, c.barcode, c.id
        LIMIT ${query.limit} OFFSET ${query.offset}`,
      params,
    );
    return toPage(
      rows.map((row) => ({
        candidateId: row.id as string,
        runId: row.run_id as string,
        itemId: row.item_id as string,
        barcode: row.barcode as string,
        title: row.title as string,
        branch: row.branch as string,
        location: row.collection as string | null,
        callNumber: row.call_number as string | null,
        callNumberScheme: row.call_number_scheme as string | null,
        reasons: row.reasons as string[],
        approvedBy: row.decided_by as string | null,
        approvedAt: (row.decided_at as Date | null)?.toISOString() ?? null,
      })),
      query,
      total,
    );
  }

  private async lockCandidate(tx: Transaction, id: string, user: AuthenticatedUser): Promise<WeedingCandidate> {
    const candidate = await tx.manager.createQueryBuilder(WeedingCandidate, 'c').where('c.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!candidate || !user.canActForBranch(candidate.branch)) throw new NotFoundException(`weeding candidate ${id} not found`);
    return candidate;
  }

  private async lockApproved(tx: Transaction, id: string, user: AuthenticatedUser, action: string): Promise<WeedingCandidate> {
    const candidate = await this.lockCandidate(tx, id, user);
    if (candidate.status !== 'approved') {
      throw new ConflictException(`weeding candidate ${id} (item ${candidate.barcode}) is ${candidate.status}; only an approved candidate can be ${action}`);
    }
    return candidate;
  }
}
