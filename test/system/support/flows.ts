import { randomUUID } from 'node:crypto';
import { EventDefinition, ItemCheckedIn, ItemCheckedOut, makeCodabarBarcode, validateEvent } from '@app/contracts';
import { eventually } from '../../support/test-run';
import { SystemHarness } from './system-harness';

let sequence = 0;
/** A fresh valid item barcode for system tests (each run has its own schemas, so no clashes). */
export function systemBarcode(): string {
  return makeCodabarBarcode('3030', 100_000 + ++sequence);
}

export interface ShelfItem {
  barcode: string;
  title: string;
  callNumber: string;
  isbn?: string;
  publicationYear?: number;
  collection?: string;
}

/**
 * Puts pre-labelled books on the shelf as staff would: receive them at intake, stamp the cart (the
 * only step left), then shelve them in cataloging. Answers the item ids by barcode.
 */
export async function shelveNewBooks(system: SystemHarness, technician: string, items: ShelfItem[], branch = 'CEN'): Promise<Map<string, string>> {
  const shipment = await system
    .http('intake')
    .post('/shipments')
    .set('Authorization', technician)
    .send({
      supplier: 'Baker & Taylor',
      branch,
      items: items.map((item) => ({
        materialType: 'book',
        title: item.title,
        barcode: item.barcode,
        isbn: item.isbn,
        publicationYear: item.publicationYear,
        collection: item.collection ?? 'Adult Nonfiction',
        callNumber: item.callNumber,
        callNumberScheme: 'lc',
        securityTag: 'strip',
        preApplied: ['cover'],
      })),
    })
    .expect(201);
  const ids = new Map<string, string>(shipment.body.items.map((line: { barcode: string; id: string }) => [line.barcode, line.id]));
  const barcodes = items.map((i) => i.barcode);
  for (let i = 0; i < barcodes.length; i += 500) {
    await system.http('intake').post('/steps').set('Authorization', technician).send({ step: 'stamp', barcodes: barcodes.slice(i, i + 500) }).expect(200);
  }
  await untilStatus(system, technician, barcodes, 'SHELF_READY');
  const shelved = await system.http('cataloging').post('/items/shelve').set('Authorization', technician).send({ barcodes }).expect(200);
  const failed = shelved.body.results.filter((r: { ok: boolean }) => !r.ok);
  if (failed.length) throw new Error(`could not shelve: ${JSON.stringify(failed)}`);
  return ids;
}

/** Waits until cataloging reports every item in the given status. */
export async function untilStatus(system: SystemHarness, token: string, barcodes: string[], status: string, timeoutMs = 60_000): Promise<void> {
  await eventually(async () => {
    for (const barcode of barcodes) {
      const res = await system.http('cataloging').get(`/items/${barcode}`).set('Authorization', token);
      if (res.status !== 200 || res.body.status !== status) throw new Error(`${barcode} is ${res.body.status ?? res.status}, waiting for ${status}`);
    }
  }, timeoutMs, 200);
}

/** Publishes an event as an outside system (the circulation system) would: straight onto the exchange. */
export async function publishExternal<T extends object>(system: SystemHarness, definition: EventDefinition<T>, data: T): Promise<string> {
  const envelope = {
    id: randomUUID(),
    type: definition.type,
    schemaVersion: definition.schemaVersion,
    occurredAt: new Date().toISOString(),
    producer: definition.producer,
    correlationId: randomUUID(),
    causationId: null,
    branch: (data as { branch?: string }).branch ?? null,
    data,
  };
  const validation = validateEvent(JSON.parse(JSON.stringify(envelope)));
  if (!validation.ok) throw new Error(validation.reason);
  await system.run.publishRaw(definition.type, JSON.stringify(envelope), { messageId: envelope.id, persistent: true });
  return envelope.id;
}

/** A checkout and its check-in at the given date, as the circulation system reports them. */
export async function circulate(system: SystemHarness, barcode: string, at: string, branch = 'CEN'): Promise<void> {
  await publishExternal(system, ItemCheckedOut, { barcode, occurredAt: at, branch });
  const back = new Date(Date.parse(at) + 14 * 86_400_000).toISOString();
  await publishExternal(system, ItemCheckedIn, { barcode, occurredAt: back, branch });
}
