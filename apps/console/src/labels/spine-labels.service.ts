import { Injectable } from '@nestjs/common';
import { CallNumber, CallNumberScheme } from '@app/contracts';
import { ConsoleSession } from '../session/console-session';
import { ServiceClient, ServiceError } from '../upstream/service-client';
import { CODABAR_DATA } from './codabar';

export interface SpineLabel {
  barcode: string;
  title: string;
  callNumber: string;
  /** Printed one per line, the way libraries print them (LC `QA` / `76.73` / `.J38` / `S55` / `2010`). */
  lines: string[];
  /** False for a barcode Codabar cannot draw (a legacy one); the digits are printed instead. */
  codabar: boolean;
}

export interface LabelSheet {
  labels: SpineLabel[];
  skipped: Array<{ barcode: string; reason: string }>;
}

interface CatalogItem {
  barcode: string | null;
  callNumber: { value: string; scheme: CallNumberScheme } | null;
  record: { title: string };
}

interface IntakeItem {
  barcode: string | null;
  title: string;
  callNumber: string | null;
  callNumberScheme: CallNumberScheme | null;
  pendingSteps: string[];
}

/** Call-number lines of a spine label, split by the scheme's own rules. */
export function labelLines(value: string, scheme: CallNumberScheme): string[] {
  try {
    return CallNumber.parse(value, scheme).labelLines();
  } catch {
    return value.split(/\s+/);
  }
}

@Injectable()
export class SpineLabelsService {
  constructor(private readonly services: ServiceClient) {}

  /** Labels for the barcodes given (from cataloging), skipping those without a call number. */
  async forBarcodes(barcodes: string[], session: ConsoleSession): Promise<LabelSheet> {
    const sheet: LabelSheet = { labels: [], skipped: [] };
    const results = await Promise.all(
      barcodes.map(async (barcode) => {
        try {
          return { barcode, item: await this.services.get<CatalogItem>('cataloging', `/items/${encodeURIComponent(barcode)}`, session.token) };
        } catch (error) {
          if (error instanceof ServiceError && error.status < 500) return { barcode, reason: error.status === 404 ? 'not found in your branches' : error.message };
          throw error;
        }
      }),
    );
    for (const result of results) {
      if ('reason' in result) sheet.skipped.push({ barcode: result.barcode, reason: result.reason! });
      else if (!result.item.callNumber) sheet.skipped.push({ barcode: result.barcode, reason: 'no call number yet: a cataloger assigns one first' });
      else sheet.labels.push(toLabel(result.item.barcode ?? result.barcode, result.item.record.title, result.item.callNumber.value, result.item.callNumber.scheme));
    }
    return sheet;
  }

  /** The branch's items in processing whose spine label is still to do and whose call number is known. */
  async waiting(branch: string, session: ConsoleSession): Promise<LabelSheet> {
    const items = await this.services.all<IntakeItem>('intake', `/items?branch=${encodeURIComponent(branch)}&pending=true`, session.token);
    const labels = items
      .filter((item) => item.barcode && item.callNumber && item.callNumberScheme && item.pendingSteps.includes('spine-label'))
      .map((item) => toLabel(item.barcode!, item.title, item.callNumber!, item.callNumberScheme!));
    return { labels, skipped: [] };
  }
}

function toLabel(barcode: string, title: string, callNumber: string, scheme: CallNumberScheme): SpineLabel {
  return { barcode, title, callNumber, lines: labelLines(callNumber, scheme), codabar: CODABAR_DATA.test(barcode) };
}
