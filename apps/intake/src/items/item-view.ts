import { CallNumberScheme, isPhysical, ItemStatus, MaterialType, SecurityTagType } from '@app/contracts';
import { IntakeItem } from './intake-item.entity';
import { ProcessingStepRecord, StepSource } from './processing-step.entity';

export interface DoneStepView {
  step: string;
  source: StepSource;
  recordedBy: string;
  recordedAt: string;
}

/** Intake's view of an item (GET /items/:barcode and every answer that carries an item). */
export interface IntakeItemView {
  id: string;
  barcode: string | null;
  shipmentId: string;
  line: number;
  branch: string;
  materialType: MaterialType;
  title: string;
  creators: string[];
  isbn: string | null;
  issn: string | null;
  publisher: string | null;
  publicationYear: number | null;
  callNumber: string | null;
  callNumberScheme: CallNumberScheme | null;
  securityTag: SecurityTagType | null;
  collection: string | null;
  price: string | null;
  currency: string | null;
  /** The latest status cataloging reported; RECEIVED until it reports one. */
  status: ItemStatus;
  requiredSteps: string[];
  doneSteps: DoneStepView[];
  pendingSteps: string[];
  awaitingCallNumber: boolean;
  receivedAt: string;
  processedAt: string | null;
}

/** A physical item without a call number waits for a cataloger; electronic resources never do. */
export function isAwaitingCallNumber(item: Pick<IntakeItem, 'materialType' | 'callNumber'>): boolean {
  return isPhysical(item.materialType) && item.callNumber == null;
}

/**
 * Done steps in the order they were recorded: the vendor's first (counted done at receipt, in profile
 * order), then the technicians' as they recorded them.
 */
export function doneStepViews(item: Pick<IntakeItem, 'requiredSteps' | 'vendorSteps' | 'receivedBy' | 'createdAt'>, records: readonly ProcessingStepRecord[]): DoneStepView[] {
  const receivedAt = item.createdAt.toISOString();
  const byVendor = [...item.vendorSteps]
    .sort((a, b) => item.requiredSteps.indexOf(a) - item.requiredSteps.indexOf(b))
    .map((step): DoneStepView => ({ step, source: 'vendor', recordedBy: item.receivedBy, recordedAt: receivedAt }));
  const byTechnicians = [...records]
    .sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime() || item.requiredSteps.indexOf(a.step) - item.requiredSteps.indexOf(b.step))
    .map((record): DoneStepView => ({ step: record.step, source: 'technician', recordedBy: record.recordedBy, recordedAt: record.recordedAt.toISOString() }));
  return [...byVendor, ...byTechnicians];
}

export function toItemView(item: IntakeItem, records: readonly ProcessingStepRecord[]): IntakeItemView {
  return {
    id: item.id,
    barcode: item.barcode,
    shipmentId: item.shipmentId,
    line: item.line,
    branch: item.branch,
    materialType: item.materialType,
    title: item.title,
    creators: item.creators,
    isbn: item.isbn,
    issn: item.issn,
    publisher: item.publisher,
    publicationYear: item.publicationYear,
    callNumber: item.callNumber,
    callNumberScheme: item.callNumberScheme,
    securityTag: item.securityTag,
    collection: item.collection,
    price: item.price,
    currency: item.currency,
    status: item.status,
    requiredSteps: item.requiredSteps,
    doneSteps: doneStepViews(item, records),
    pendingSteps: item.pendingSteps,
    awaitingCallNumber: isAwaitingCallNumber(item),
    receivedAt: item.createdAt.toISOString(),
    processedAt: item.processedAt ? item.processedAt.toISOString() : null,
  };
}

/** How an item is named in messages: by barcode, or by id when it has none. */
export function itemLabel(item: Pick<IntakeItem, 'barcode' | 'id'>): string {
  return item.barcode ?? item.id;
}
