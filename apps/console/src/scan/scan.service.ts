import { Injectable, NotFoundException } from '@nestjs/common';
import { isPhysical, ItemStatus, MaterialType } from '@app/contracts';
import { BranchRegistry } from '@app/platform/config/branches';
import { statusLabel, stepLabel } from '../pages/vocabulary';
import { ConsoleSession } from '../session/console-session';
import { ServiceClient, ServiceError } from '../upstream/service-client';
import { BinderyAddition } from './bindery-addition.dto';
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

/** A bindery lot as conservation lists it. */
interface LotSummary {
  id: string;
  lotNumber: string;
  vendor: { id: string; name: string };
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
      title: catalog?.record.title ?? intake!.title,
      callNumber: callNumber?.value,
    };
    await this.openWork(facts, branch, barcode, token, warnings, session.user.hasRole('admin'));
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
  private async openWork(facts: ItemFacts, branch: string, barcode: string | null, token: string, warnings: string[], admin: boolean): Promise<void> {
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
    if (facts.status === ItemStatus.AWAITING_BINDERY) {
      await attempt('bindery lots being prepared', async () => {
        const open = await this.services.all<LotSummary>('conservation', `/bindery/shipments?${query}&status=open`, token);
        const details = await Promise.all(open.map((lot) => this.services.get<{ lines: Array<{ lineNo: number; barcode: string }> }>('conservation', `/bindery/shipments/${lot.id}`, token)));
        const index = details.findIndex((detail) => detail.lines.some((line) => line.barcode === barcode));
        if (index >= 0) {
          const line = details[index].lines.find((l) => l.barcode === barcode)!;
          facts.preparingLot = { id: open[index].id, lotNumber: open[index].lotNumber, lineNo: line.lineNo, lineCount: details[index].lines.length };
          return;
        }
        facts.binderyChoices = {
          openLots: open.map((lot, i) => ({ id: lot.id, lotNumber: lot.lotNumber, vendorName: lot.vendor.name, lineCount: details[i].lines.length })),
          vendors: await this.binderyVendors(query, token, admin),
        };
      });
    }
  }

  /**
   * Vendors a new lot can go to. Conservation lists its vendors to administrators only; anyone else
   * learns them from the lots their branch has sent before.
   */
  private async binderyVendors(query: string, token: string, admin: boolean): Promise<Array<{ id: string; name: string }>> {
    const vendors = admin
      ? await this.services.all<{ id: string; name: string }>('conservation', '/vendors', token, 200)
      : (await this.services.all<LotSummary>('conservation', `/bindery/shipments?${query}`, token, 500)).map((lot) => lot.vendor);
    const byId = new Map(vendors.map((vendor) => [vendor.id, { id: vendor.id, name: vendor.name }]));
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * An item in hand into a bindery lot with its binding slip: into the open lot chosen, or into a
   * new lot with the vendor chosen (opened first, for the item's own branch). Should adding then be
   * refused, the new lot stays open and empty, and is offered at the next scan.
   */
  async addToBinderyLot(ref: string, body: BinderyAddition, session: ConsoleSession): Promise<unknown> {
    const { token } = session;
    const barcode = ref.trim();
    const [kind, id] = body.lot.split(':');
    let lotId = id;
    if (kind === 'vendor') {
      const item = await this.services.get<{ branch: string }>('cataloging', `/items/${encodeURIComponent(barcode)}`, token);
      lotId = (await this.services.call<{ id: string }>('conservation', 'POST', '/bindery/shipments', token, { vendorId: id, branch: item.branch })).id;
    }
    const slip = {
      barcode,
      bindingStyle: body.bindingStyle,
      leafAttachment: body.leafAttachment,
      clothColor: body.clothColor.trim(),
      foilColor: body.foilColor.trim(),
      spineLettering: body.spineLettering.split('/').map((line) => line.trim()).filter(Boolean),
      ...(body.instructions?.trim() ? { instructions: body.instructions.trim() } : {}),
    };
    return this.services.call('conservation', 'POST', `/bindery/shipments/${encodeURIComponent(lotId)}/items`, token, { items: [slip] });
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
