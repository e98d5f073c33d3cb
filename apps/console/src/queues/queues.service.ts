import { Injectable } from '@nestjs/common';
import { CallNumber, CallNumberScheme, isCallNumberScheme } from '@app/contracts';
import { ConsoleSession } from '../session/console-session';
import { ServiceClient } from '../upstream/service-client';

export interface CallNumberQueueRow {
  id: string;
  barcode: string | null;
  title: string;
  creators: string[];
  materialType: string;
  receivedAt: string;
}

export interface ShelvingRow {
  barcode: string | null;
  callNumber: { value: string; scheme: string } | null;
  location: string | null;
  title: string;
  shelfReadyAt: string;
}

export interface PullRow {
  kind: 'repair' | 'binding' | 'weeding';
  id: string;
  barcode: string;
  callNumber: string | null;
  scheme: string | null;
  location: string | null;
  title: string;
  why: string;
}

export interface RepairRow {
  id: string;
  barcode: string;
  damage: string | null;
  note: string | null;
  openedAt: string;
  item: { title: string; callNumber: { value: string } | null };
}

export interface LotRow {
  id: string;
  lotNumber: string;
  status: string;
  vendor: { name: string };
  dispatchedAt: string | null;
  expectedReturnAt: string | null;
  lineCount: number;
  returnedCount: number;
  overdue: boolean;
}

export interface CandidateRow {
  id: string;
  barcode: string;
  title: string;
  callNumber: string | null;
  collection: string | null;
  reasons: string[];
  status: string;
}

export interface ListingRow {
  id: string;
  barcode: string;
  title: string;
  condition: string;
  price: string;
  currency: string;
  listedAt: string;
}

/** Work lists per branch, read with the person's token, each in the order the work is done. */
@Injectable()
export class QueuesService {
  constructor(private readonly services: ServiceClient) {}

  callNumbers(branch: string, session: ConsoleSession): Promise<CallNumberQueueRow[]> {
    return this.services
      .all<{ id: string; barcode: string | null; materialType: string; receivedAt: string; record: { title: string; creators: string[] } }>(
        'cataloging',
        `/call-number-queue?branch=${q(branch)}`,
        session.token,
      )
      .then((items) => items.map((i) => ({ id: i.id, barcode: i.barcode, title: i.record.title, creators: i.record.creators, materialType: i.materialType, receivedAt: i.receivedAt })));
  }

  shelving(branch: string, session: ConsoleSession): Promise<ShelvingRow[]> {
    return this.services.all<ShelvingRow>('cataloging', `/shelving-list?branch=${q(branch)}`, session.token);
  }

  /**
   * One walk through the stacks: repair and binding pulls (conservation) and approved weeding
   * (disposal), merged in shelf order by the call numbers' own sort keys. With a barcode, only the
   * pulls of that item: neither service's pull list filters by barcode, so the console does.
   */
  async pulls(branch: string, session: ConsoleSession, barcode?: string): Promise<PullRow[]> {
    const [conservation, weeding] = await Promise.all([
      this.services.all<{ id: string; barcode: string; callNumber: { value: string; scheme: string } | null; location: string | null; title: string; reason: 'repair' | 'binding'; damage: string | null; note: string | null }>(
        'conservation',
        `/pull-list?branch=${q(branch)}`,
        session.token,
      ),
      this.services.all<{ candidateId: string; barcode: string; title: string; location: string | null; callNumber: string | null; callNumberScheme: string | null; reasons: string[] }>(
        'disposal',
        `/pull-list?branch=${q(branch)}`,
        session.token,
      ),
    ]);
    const rows: PullRow[] = [
      ...conservation.map((p) => ({
        kind: p.reason,
        id: p.id,
        barcode: p.barcode,
        callNumber: p.callNumber?.value ?? null,
        scheme: p.callNumber?.scheme ?? null,
        location: p.location,
        title: p.title,
        why: [p.reason, p.damage?.replace(/-/g, ' '), p.note].filter(Boolean).join(' — '),
      })),
      ...weeding.map((c) => ({
        kind: 'weeding' as const,
        id: c.candidateId,
        barcode: c.barcode,
        callNumber: c.callNumber,
        scheme: c.callNumberScheme,
        location: c.location,
        title: c.title,
        why: `weeding — ${c.reasons.join(', ')}`,
      })),
    ];
    const wanted = barcode?.toUpperCase();
    return shelfOrder(wanted ? rows.filter((row) => row.barcode.toUpperCase() === wanted) : rows);
  }

  repairs(branch: string, session: ConsoleSession): Promise<RepairRow[]> {
    return this.services.all<RepairRow>('conservation', `/repairs?branch=${q(branch)}&status=open`, session.token);
  }

  /** Lots not yet back, overdue first, then by the day they are due; open lots (not sent) last. */
  async binderyLots(branch: string, session: ConsoleSession): Promise<{ lots: LotRow[]; waiting: ShelvingRow[] }> {
    const [lots, waiting] = await Promise.all([
      this.services.all<LotRow>('conservation', `/bindery/shipments?branch=${q(branch)}`, session.token),
      this.services.all<{ barcode: string | null; callNumber: { value: string; scheme: string } | null; location: string | null; record: { title: string }; statusChangedAt: string }>(
        'cataloging',
        `/items?branch=${q(branch)}&status=AWAITING_BINDERY`,
        session.token,
      ),
    ]);
    const out = lots.filter((lot) => lot.status !== 'returned');
    const rank = (lot: LotRow) => (lot.overdue ? 0 : lot.status === 'dispatched' ? 1 : 2);
    out.sort((a, b) => rank(a) - rank(b) || (a.expectedReturnAt ?? '').localeCompare(b.expectedReturnAt ?? ''));
    return {
      lots: out,
      waiting: waiting.map((w) => ({ barcode: w.barcode, callNumber: w.callNumber, location: w.location, title: w.record.title, shelfReadyAt: w.statusChangedAt })),
    };
  }

  /** Candidates still waiting for a librarian's decision, run by run (each run lists them in shelf order). */
  async weeding(branch: string, session: ConsoleSession): Promise<CandidateRow[]> {
    const runs = await this.services.all<{ id: string; open: boolean }>('disposal', `/weeding-runs?branch=${q(branch)}`, session.token, 200);
    const open = runs.filter((run) => run.open);
    const details = await Promise.all(open.map((run) => this.services.get<{ candidates: CandidateRow[] }>('disposal', `/weeding-runs/${run.id}`, session.token)));
    return details.flatMap((run) => run.candidates.filter((c) => c.status === 'proposed'));
  }

  /** Active listings, longest listed first (the first to consider for disposal). */
  async listings(branch: string, session: ConsoleSession): Promise<ListingRow[]> {
    const rows = await this.services.all<ListingRow>('disposal', `/listings?branch=${q(branch)}&status=active`, session.token);
    return rows.sort((a, b) => a.listedAt.localeCompare(b.listedAt));
  }

  assignCallNumber(barcode: string, callNumber: string, scheme: string, session: ConsoleSession): Promise<unknown> {
    return this.services.call('cataloging', 'PUT', `/items/${encodeURIComponent(barcode)}/call-number`, session.token, { callNumber, scheme });
  }

  decideCandidate(id: string, decision: 'approve' | 'keep', session: ConsoleSession): Promise<unknown> {
    return this.services.call('disposal', 'POST', `/weeding-candidates/${encodeURIComponent(id)}/${decision}`, session.token);
  }
}

/** Shelf order across schemes (LC, then Dewey, then local), items without a call number last. */
export function shelfOrder<T extends { callNumber: string | null; scheme: string | null }>(rows: T[]): T[] {
  const parsed = rows.map((row) => ({ row, key: parse(row.callNumber, row.scheme) }));
  parsed.sort((a, b) => (a.key && b.key ? CallNumber.compare(a.key, b.key) : a.key ? -1 : b.key ? 1 : 0));
  return parsed.map((p) => p.row);
}

function parse(value: string | null, scheme: string | null): CallNumber | null {
  if (!value || !isCallNumberScheme(scheme)) return null;
  try {
    return CallNumber.parse(value, scheme as CallNumberScheme);
  } catch {
    return null;
  }
}

const q = encodeURIComponent;
