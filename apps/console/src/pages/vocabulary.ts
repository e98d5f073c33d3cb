import { ItemStatus } from '@app/contracts';

/** Item statuses in words a technician uses at the desk. */
export const STATUS_LABELS: Readonly<Record<ItemStatus, string>> = {
  RECEIVED: 'Received',
  AWAITING_CALL_NUMBER: 'Waiting for a call number',
  IN_PROCESS: 'In processing',
  SHELF_READY: 'Ready to shelve',
  AVAILABLE: 'On the shelf',
  IN_REPAIR: 'In repair',
  AWAITING_BINDERY: 'Waiting for the bindery',
  AT_BINDERY: 'At the bindery',
  MISSING: 'Missing',
  WITHDRAWN: 'Withdrawn',
  LISTED_FOR_SALE: 'Listed for sale',
  SOLD: 'Sold',
  DISPOSED: 'Disposed',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status as ItemStatus] ?? status;
}

/** `spine-label` → `spine label`. */
export function stepLabel(step: string): string {
  return step.replace(/-/g, ' ');
}

export const DAMAGE_OPTIONS = [
  ['torn-pages', 'Torn pages'],
  ['loose-pages', 'Loose pages'],
  ['broken-spine', 'Broken spine'],
  ['detached-cover', 'Detached cover'],
  ['water-damage', 'Water damage'],
  ['broken-case', 'Broken case'],
  ['other', 'Other'],
] as const;

/** Major treatments need a senior technician (conservation refuses them to a technician). */
export const TREATMENT_OPTIONS = [
  ['tear-mend', 'Tear mend'],
  ['tip-in', 'Tip-in'],
  ['hinge-repair', 'Hinge repair'],
  ['spine-repair', 'Spine repair'],
  ['clean', 'Clean'],
  ['resew-section', 'Resew section (senior technician)'],
  ['recase', 'Recase (senior technician)'],
  ['rebind', 'Rebind (senior technician)'],
  ['other', 'Other'],
] as const;

export const OUTCOME_OPTIONS = [
  ['repaired', 'Repaired — back to the shelf'],
  ['bindery', 'Needs the bindery'],
  ['condemned', 'Condemned — withdraw it'],
] as const;

export const SCHEME_OPTIONS = [
  ['lc', 'Library of Congress'],
  ['ddc', 'Dewey'],
  ['local', 'Local'],
] as const;

/** Conservation's binding styles (Z39.78 products); it refuses any other. */
export const BINDING_STYLE_OPTIONS = [
  ['buckram', 'Buckram'],
  ['c-cloth', 'C-cloth'],
  ['imitation-leather', 'Imitation leather'],
  ['leather', 'Leather'],
  ['pamphlet', 'Pamphlet'],
  ['economy', 'Economy'],
] as const;

export const LEAF_ATTACHMENT_OPTIONS = [
  ['recase', 'Recase'],
  ['sew-through-fold', 'Sew through the fold'],
  ['double-fan-adhesive', 'Double-fan adhesive'],
  ['oversew', 'Oversew'],
] as const;

/** Disposal's condition grades for a sale; a poor copy is not listed (it is donated or recycled). */
export const SALE_CONDITION_OPTIONS = [
  ['like-new', 'Like new'],
  ['very-good', 'Very good'],
  ['good', 'Good'],
  ['acceptable', 'Acceptable'],
] as const;
