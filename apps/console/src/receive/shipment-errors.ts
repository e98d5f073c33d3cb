import { COLUMN_KEYS } from './shipment-columns';

export interface LineProblem {
  /** 0-based, as in intake's `items[N]`. */
  index: number;
  /** The column the problem is in, or null for the line as a whole. */
  field: string | null;
  message: string;
}

export interface ShipmentProblems {
  lines: LineProblem[];
  /** Problems with the shipment's own fields (supplier, branch). */
  form: Array<{ field: string; message: string }>;
  general: string[];
}

const ITEM_REF = /items\[(\d+)\](?:\.([A-Za-z]+))?/g;

/**
 * Intake names every problem by its path (`items[3].isbn: check digit should be 7`; conflicts joined
 * with `; `, e.g. `items[0].barcode and items[2].barcode: … appears twice`). This puts each one next
 * to its line and field, so the person fixes the cell the message is about.
 */
export function mapShipmentErrors(messages: readonly string[]): ShipmentProblems {
  const result: ShipmentProblems = { lines: [], form: [], general: [] };
  const parts = messages.flatMap((message) => message.split(/;\s+(?=items\[\d+\])/));
  for (const part of parts) {
    let text = part.replace(/;\s*nothing of the shipment was stored\.?$/, '').trim();
    if (text === '') continue;
    const colon = text.indexOf(': ');
    const prefix = colon >= 0 ? text.slice(0, colon) : '';
    if (/^items\[\d+\]/.test(prefix)) {
      const message = text.slice(colon + 2);
      for (const match of prefix.matchAll(ITEM_REF)) {
        const field = match[2] && COLUMN_KEYS.includes(match[2]) ? match[2] : null;
        const unknown = match[2] && !field ? `${match[2]}: ` : '';
        result.lines.push({ index: Number(match[1]), field, message: unknown + stripField(message, field) });
      }
      continue;
    }
    const field = /^(supplier|branch)$/.test(prefix) ? prefix : null;
    if (field) {
      result.form.push({ field, message: text.slice(colon + 2) });
      continue;
    }
    if (/^items(:|\s)/.test(text)) text = text.replace(/^items:\s*/, 'lines: ');
    result.general.push(text);
  }
  return result;
}

function stripField(message: string, field: string | null): string {
  return field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}
