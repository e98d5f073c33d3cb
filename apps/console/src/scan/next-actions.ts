import { ItemStatus } from '@app/contracts';
import {
  BINDING_STYLE_OPTIONS, DAMAGE_OPTIONS, LEAF_ATTACHMENT_OPTIONS, OUTCOME_OPTIONS, SALE_CONDITION_OPTIONS, SCHEME_OPTIONS, stepLabel, TREATMENT_OPTIONS,
} from '../pages/vocabulary';

export interface FieldSpec {
  name: string;
  label: string;
  type: 'text' | 'select' | 'number';
  options?: ReadonlyArray<readonly [string, string]>;
  required?: boolean;
  help?: string;
  /** Filled in already; the person changes it if need be. */
  value?: string;
}

/**
 * One thing the person can do next with the scanned item: the request to send (through the console's
 * proxy, so with their own token), and the fields to ask for first when it needs any.
 */
export interface ScanAction {
  id: string;
  label: string;
  method: 'POST' | 'PUT';
  path: string;
  body?: Record<string, unknown>;
  fields?: FieldSpec[];
  primary?: boolean;
  /** Said once it worked. */
  done: string;
}

/** What the console learnt about the item from the four services. */
export interface ItemFacts {
  ref: string;
  status: ItemStatus;
  physical: boolean;
  hasCallNumber: boolean;
  /** Steps intake still expects, in profile order; empty once processed. */
  pendingSteps: string[];
  openPull?: { id: string; reason: string };
  approvedWeeding?: { id: string };
  openRepair?: { id: string };
  binderyLot?: { id: string; lotNumber: string };
  /** For an item waiting for the bindery: the lot it is a line of while that lot is being prepared. */
  preparingLot?: { id: string; lotNumber: string; lineNo: number; lineCount: number };
  /** For an item waiting for the bindery and in no lot yet: the branch's open lots, and the vendors a new lot could go to. */
  binderyChoices?: { openLots: Array<{ id: string; lotNumber: string; vendorName: string; lineCount: number }>; vendors: Array<{ id: string; name: string }> };
  /** For the spine lettering of a binding slip. */
  title?: string;
  callNumber?: string;
}

export interface Abilities {
  technician: boolean;
  cataloger: boolean;
}

const PROCESSING: readonly ItemStatus[] = [ItemStatus.RECEIVED, ItemStatus.AWAITING_CALL_NUMBER, ItemStatus.IN_PROCESS];
const ON_SHELF: readonly ItemStatus[] = [ItemStatus.AVAILABLE, ItemStatus.SHELF_READY];

/**
 * The next things to do with an item, by its status of record and its open work, limited to what the
 * person's roles allow (the services check again; this only keeps buttons that cannot work off the
 * screen). Also says, in words, what is waiting on someone else.
 */
export function nextActions(item: ItemFacts, can: Abilities): { actions: ScanAction[]; notes: string[] } {
  const actions: ScanAction[] = [];
  const notes: string[] = [];
  const ref = encodeURIComponent(item.ref);

  if (PROCESSING.includes(item.status) && item.pendingSteps.length > 0) {
    const doable = item.pendingSteps.filter((step) => step !== 'spine-label' || item.hasCallNumber);
    if (can.technician) {
      doable.forEach((step, i) =>
        actions.push({
          id: `step:${step}`,
          label: `Record ${stepLabel(step)}`,
          method: 'POST',
          path: `/api/intake/items/${ref}/steps`,
          body: { step },
          primary: i === 0,
          done: `${stepLabel(step)} recorded`,
        }),
      );
    }
    if (doable.length < item.pendingSteps.length) notes.push('The spine label waits for a call number from a cataloger.');
  } else if (PROCESSING.includes(item.status) && item.hasCallNumber) {
    notes.push('Every processing step is recorded; the catalog shows it ready to shelve in a moment. Scan it again.');
  }

  if (item.physical && !item.hasCallNumber && PROCESSING.includes(item.status)) {
    if (can.cataloger) {
      actions.push({
        id: 'assign-call-number',
        label: 'Assign call number',
        method: 'PUT',
        path: `/api/cataloging/items/${ref}/call-number`,
        fields: [
          { name: 'callNumber', label: 'Call number', type: 'text', required: true, help: 'For example QA76.73 .J38 S55 2010' },
          { name: 'scheme', label: 'Scheme', type: 'select', options: SCHEME_OPTIONS, required: true },
        ],
        primary: actions.length === 0,
        done: 'call number assigned',
      });
    } else {
      notes.push('Waiting for a cataloger to assign a call number (it is on their queue).');
    }
  }

  if (item.status === ItemStatus.SHELF_READY && can.technician && !item.openPull) {
    actions.push({ id: 'shelve', label: 'Shelve', method: 'POST', path: `/api/cataloging/items/${ref}/shelve`, primary: true, done: 'shelved' });
  }

  if (ON_SHELF.includes(item.status) && can.technician) {
    if (item.openPull) {
      const id = encodeURIComponent(item.openPull.id);
      notes.push(`On the pull list for ${item.openPull.reason}.`);
      actions.push(
        { id: 'pulled', label: `Pulled for ${item.openPull.reason}`, method: 'POST', path: `/api/conservation/pull-requests/${id}/pulled`, primary: true, done: `pulled for ${item.openPull.reason}` },
        { id: 'pull-not-found', label: 'Not on the shelf', method: 'POST', path: `/api/conservation/pull-requests/${id}/not-found`, done: 'marked missing' },
      );
    } else if (item.approvedWeeding) {
      const id = encodeURIComponent(item.approvedWeeding.id);
      notes.push('Approved for weeding.');
      actions.push(
        { id: 'weed', label: 'Withdraw (weeded)', method: 'POST', path: `/api/disposal/weeding-candidates/${id}/pulled`, primary: true, done: 'withdrawn as weeded' },
        { id: 'weed-not-found', label: 'Not on the shelf', method: 'POST', path: `/api/disposal/weeding-candidates/${id}/not-found`, done: 'marked missing' },
      );
    } else if (item.physical) {
      actions.push(
        {
          id: 'pull-repair',
          label: 'Pull for repair',
          method: 'POST',
          path: `/console-api/items/${ref}/pull`,
          body: { reason: 'repair' },
          fields: [
            { name: 'damage', label: 'Damage', type: 'select', options: DAMAGE_OPTIONS },
            { name: 'note', label: 'Note', type: 'text' },
          ],
          done: 'pulled for repair',
        },
        { id: 'pull-binding', label: 'Pull for binding', method: 'POST', path: `/console-api/items/${ref}/pull`, body: { reason: 'binding' }, done: 'pulled for binding' },
      );
    }
  }

  if (item.status === ItemStatus.IN_REPAIR) {
    if (item.openRepair && can.technician) {
      actions.push({
        id: 'complete-repair',
        label: 'Complete repair',
        method: 'POST',
        path: `/api/conservation/repairs/${encodeURIComponent(item.openRepair.id)}/complete`,
        fields: [
          { name: 'treatment', label: 'Treatment', type: 'select', options: TREATMENT_OPTIONS, required: true },
          { name: 'outcome', label: 'Outcome', type: 'select', options: OUTCOME_OPTIONS, required: true },
          { name: 'minutes', label: 'Minutes spent', type: 'number' },
          { name: 'note', label: 'Note', type: 'text' },
        ],
        primary: true,
        done: 'repair completed',
      });
    } else if (!item.openRepair) {
      notes.push('No open repair work order was found for it yet; scan it again in a moment.');
    }
  }

  if (item.status === ItemStatus.AT_BINDERY) {
    if (item.binderyLot && can.technician) {
      actions.push({
        id: 'bindery-return',
        label: `Returned from the bindery (lot ${item.binderyLot.lotNumber})`,
        method: 'POST',
        path: `/api/conservation/bindery/shipments/${encodeURIComponent(item.binderyLot.id)}/returns`,
        body: { barcodes: [item.ref] },
        primary: true,
        done: 'checked in from the bindery',
      });
    } else if (!item.binderyLot) {
      notes.push('No dispatched bindery lot lists it; check the lot on Queues → Bindery lots.');
    }
  }

  if (item.status === ItemStatus.AWAITING_BINDERY) binderyPreparation(item, can, actions, notes);

  if (item.status === ItemStatus.WITHDRAWN && can.technician) {
    notes.push('Withdrawn from the collection: list it for sale if its condition is acceptable or better.');
    actions.push({
      id: 'list-for-sale',
      label: 'List for sale',
      method: 'POST',
      path: '/api/disposal/listings',
      body: { barcode: item.ref },
      fields: [
        { name: 'condition', label: 'Condition', type: 'select', options: SALE_CONDITION_OPTIONS, required: true, help: 'A poor copy is not listed: donate or recycle it.' },
        { name: 'price', label: 'Price', type: 'text', help: "Leave empty for the branch's price for the condition, or give one such as 4.50." },
      ],
      primary: true,
      done: 'listed for sale',
    });
  }
  if (item.status === ItemStatus.LISTED_FOR_SALE) notes.push('On sale (Queues → Listings).');
  if (item.status === ItemStatus.MISSING) notes.push('Marked missing. If it turns up, ask a librarian to bring it back through reshelving.');
  if (actions.length === 0 && notes.length === 0) notes.push('Nothing to do with this item at the scan station.');
  if (actions.length > 0 && !actions.some((a) => a.primary)) actions[0].primary = true;
  return { actions, notes };
}

/**
 * An item pulled for binding: into a lot being prepared (an open one of its branch, or a new one
 * with a vendor), with its binding slip; once it is a line of a lot, that lot can be dispatched.
 * Adding goes through the console (`/console-api/items/…/bindery`), which opens the new lot first
 * when asked and shapes the slip as conservation expects it.
 */
function binderyPreparation(item: ItemFacts, can: Abilities, actions: ScanAction[], notes: string[]): void {
  const lot = item.preparingLot;
  if (lot) {
    const items = `${lot.lineCount} item${lot.lineCount === 1 ? '' : 's'}`;
    notes.push(`Line ${lot.lineNo} of bindery lot ${lot.lotNumber} (${items}), being prepared. Binding slips: Queues → Bindery lots.`);
    if (can.technician) {
      actions.push({
        id: 'bindery-dispatch',
        label: `Dispatch lot ${lot.lotNumber} (${items})`,
        method: 'POST',
        path: `/api/conservation/bindery/shipments/${encodeURIComponent(lot.id)}/dispatch`,
        primary: true,
        done: `lot ${lot.lotNumber} dispatched to the bindery`,
      });
    }
    return;
  }
  const choices = item.binderyChoices;
  if (!can.technician) {
    notes.push('Waiting to go into a bindery lot (Queues → Bindery lots).');
    return;
  }
  const options: Array<readonly [string, string]> = [
    ...(choices?.openLots ?? []).map((open) => [`lot:${open.id}`, `Lot ${open.lotNumber} — ${open.vendorName}, ${open.lineCount} item${open.lineCount === 1 ? '' : 's'}`] as const),
    ...(choices?.vendors ?? []).map((vendor) => [`vendor:${vendor.id}`, `New lot with ${vendor.name}`] as const),
  ];
  if (options.length === 0) {
    notes.push(
      choices
        ? 'No bindery lot is being prepared for this branch and no bindery vendor is known to you: ask an administrator to register the vendor, or to open the first lot with it.'
        : 'Waiting to go into a bindery lot; the lots could not be looked up (see below).',
    );
    return;
  }
  const lettering = [item.title?.toUpperCase().slice(0, 60), item.callNumber].filter(Boolean).join(' / ');
  actions.push({
    id: 'bindery-add',
    label: 'Add to a bindery lot',
    method: 'POST',
    path: `/console-api/items/${encodeURIComponent(item.ref)}/bindery`,
    fields: [
      { name: 'lot', label: 'Lot', type: 'select', options, required: true },
      { name: 'bindingStyle', label: 'Binding style', type: 'select', options: BINDING_STYLE_OPTIONS, required: true },
      { name: 'leafAttachment', label: 'Leaf attachment', type: 'select', options: LEAF_ATTACHMENT_OPTIONS, required: true },
      { name: 'clothColor', label: 'Cloth colour', type: 'text', required: true, help: 'For example dark blue' },
      { name: 'foilColor', label: 'Foil colour', type: 'text', required: true, help: 'For example gold' },
      { name: 'spineLettering', label: 'Spine lettering', type: 'text', required: true, help: 'Lines from the top of the spine down, separated by /', ...(lettering ? { value: lettering } : {}) },
      { name: 'instructions', label: 'Instructions to the bindery', type: 'text' },
    ],
    primary: true,
    done: 'added to the bindery lot',
  });
}
