import { Injectable, NotFoundException } from '@nestjs/common';
import { isPhysical, ItemStatus, MaterialType } from '@app/contracts';
import { BranchRegistry } from '@app/platform/config/branches';
import { statusLabel, stepLabel } from '../pages/vocabulary';
import { ConsoleSession } from '../session/console-session';
import { ServiceClient, ServiceError } from '../upstream/service-client';
import { ItemFacts, nextActions, ScanAction } from './next-actions';

/** Cataloging's item (the status of record). */
interface CatalogItem {
  id: string;
  barcode: string | null;
  branch: string;
  materialType: MaterialType;
  status: ItemStatus;
  callNumber: { value: string; scheme: string } | null;
  location: string | null;
  record: { title: string; creators: string[]; publicationYear: number | null };
}

/** Intake's item: the processing steps. */
interface IntakeItem {
  id: string;
  barcode: string | null;
  branch: string;
  materialType: MaterialType;
  title: string;
  creators: string[];
  status: ItemStatus;
  callNumber: string | null;
  callNumberScheme: string | null;
  collection: string | null;
  requiredSteps: string[];
  pendingSteps: string[];
}

interface HistoryEntry {
  from: ItemStatus | null;
  to: ItemStatus;
  at: string;
  actor: string;
  reason: string | null;
}

export interface ScanView {
  ref: string;
  id: string;
  barcode: string | null;
  title: string;
  creators: string[];
  branch: string;
  branchName: string;
  materialType: string;
  status: ItemStatus;
  statusLabel: string;
  callNumber: { value: string; scheme: string } | null;
  location: string | null;
  /** False while cataloging has not yet recorded an item intake just received. */
  inCatalog: boolean;
  requiredSteps: string[];
  pendingSteps: string[];
  history: Array<HistoryEntry & { fromLabel: string | null; toLabel: string }>;
  actions: ScanAction[];
  notes: string[];
  /** Lookups that failed; the rest of the view still stands. */
  warnings: string[];
}

/**
 * The scan station's answer for one barcode: the item as cataloging (status of record) and intake
 * (processing steps) know it, its history, its open work in conservation and disposal, and the next
 * actions — all read with the person's own token.
 */
@Injectable()
export class ScanService {
  constructor(
    private readonly services: ServiceClient,
    private readonly branches: BranchRegistry,
  ) {}

  async view(ref: string, session: ConsoleSession): Promise<ScanView> {
    const path = encodeURIComponent(ref.trim());
    const { token } = session;
    const [catalog, intake, history] = await Promise.all([
      this.optional(this.services.get<CatalogItem>('cataloging', `/items/${path}`, token)),
      this.optional(this.services.get<IntakeItem>('intake', `/items/${path}`, token)),
      this.optional(this.services.get<HistoryEntry[]>('cataloging', `/items/${path}/history`, token)),
    ]);
    if (!catalog && !intake) {
      throw new NotFoundException(`item ${ref.trim()} not found: check the barcode (scan it again), or receive it first on the Receive page`);
    }
    const warnings: string[] = [];
    const status = catalog?.status ?? intake!.status;
    const branch = catalog?.branch ?? intake!.branch;
    const barcode = catalog?.barcode ?? intake?.barcode ?? null;
    const callNumber = catalog?.callNumber ?? (intake?.callNumber && intake.callNumberScheme ? { value: intake.callNumber, scheme: intake.callNumberScheme } : null);
    const materialType = catalog?.materialType ?? intake!.materialType;
    const facts: ItemFacts = {
      ref: barcode ?? catalog?.id ?? intake!.id,
      status,
      physical: isPhysical(materialType),
      hasCallNumber: callNumber !== null,
      pendingSteps: intake?.pendingSteps ?? [],
    };
    await this.openWork(facts, branch, barcode, token, warnings);
    const { actions, notes } = nextActions(facts, { technician: session.user.hasRole('technician'), cataloger: session.user.hasRole('cataloger') });
    if (!catalog) notes.unshift('Just received: the catalog records it in a moment.');
    return {
      ref: facts.ref,
      id: catalog?.id ?? intake!.id,
      barcode,
      title: catalog?.record.title ?? intake!.title,
      creators: catalog?.record.creators ?? intake!.creators,
      branch,
      branchName: this.branches.branches.find((b) => b.code === branch)?.name ?? branch,
      materialType,
      status,
      statusLabel: statusLabel(status),
      callNumber,
      location: catalog?.location ?? intake?.collection ?? null,
      inCatalog: !!catalog,
      requiredSteps: (intake?.requiredSteps ?? []).map(stepLabel),
      pendingSteps: intake?.pendingSteps ?? [],
      history: (history ?? []).map((h) => ({ from: h.from, to: h.to, at: h.at, actor: h.actor, reason: h.reason, fromLabel: h.from ? statusLabel(h.from) : null, toLabel: statusLabel(h.to) })),
      actions,
      notes,
      warnings,
    };
  }

  /** Pull requests, weeding approvals, repairs and bindery lots that concern the item. */
  private async openWork(facts: ItemFacts, branch: string, barcode: string | null, token: string, warnings: string[]): Promise<void> {
    if (!barcode) return;
    const query = `branch=${encodeURIComponent(branch)}`;
    const attempt = async (what: string, lookup: () => Promise<void>) => {
      try {
        await lookup();
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        warnings.push(`Could not look up ${what}: ${error.message}. ${error.whatToDo}`);
      }
    };
    if (facts.status === ItemStatus.AVAILABLE || facts.status === ItemStatus.SHELF_READY) {
      await Promise.all([
        attempt('open pull requests', async () => {
          const pulls = await this.services.all<{ id: string; barcode: string; reason: string }>('conservation', `/pull-list?${query}`, token);
          const pull = pulls.find((p) => p.barcode === barcode);
          if (pull) facts.openPull = { id: pull.id, reason: pull.reason };
        }),
        attempt('weeding approvals', async () => {
          const weeding = await this.services.all<{ candidateId: string; barcode: string }>('disposal', `/pull-list?${query}`, token);
          const candidate = weeding.find((c) => c.barcode === barcode);
          if (candidate) facts.approvedWeeding = { id: candidate.candidateId };
        }),
      ]);
    }
    if (facts.status === ItemStatus.IN_REPAIR) {
      await attempt('open repairs', async () => {
        const repairs = await this.services.all<{ id: string; barcode: string }>('conservation', `/repairs?${query}&status=open`, token);
        const repair = repairs.find((r) => r.barcode === barcode);
        if (repair) facts.openRepair = { id: repair.id };
      });
    }
    if (facts.status === ItemStatus.AT_BINDERY) {
      await attempt('bindery lots', async () => {
        const lots = await this.services.all<{ id: string; lotNumber: string }>('conservation', `/bindery/shipments?${query}&status=dispatched`, token);
        for (const lot of lots) {
          const detail = await this.services.get<{ lines: Array<{ barcode: string; returnedAt: string | null }> }>('conservation', `/bindery/shipments/${lot.id}`, token);
          if (detail.lines.some((line) => line.barcode === barcode && !line.returnedAt)) {
            facts.binderyLot = { id: lot.id, lotNumber: lot.lotNumber };
            return;
          }
        }
      });
    }
  }

  /** A 404 means "this service does not know the item"; anything else is a real failure. */
  private async optional<T>(call: Promise<T>): Promise<T | null> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof ServiceError && error.status === 404) return null;
      throw error;
    }
  }

  /** Pulling with the item in hand: the pull request and the pull, one after the other. */
  async pull(ref: string, body: { reason: string; damage?: string; note?: string }, session: ConsoleSession): Promise<unknown> {
    const request = await this.services.call<{ id: string }>('conservation', 'POST', '/pull-requests', session.token, {
      barcode: ref.trim(),
      reason: body.reason,
      ...(body.damage ? { damage: body.damage } : {}),
      ...(body.note ? { note: body.note } : {}),
    });
    return this.services.call('conservation', 'POST', `/pull-requests/${request.id}/pulled`, session.token);
  }
}
