import { isPhysical, MaterialType } from '@app/contracts';

/**
 * What each material type needs when a branch has not said otherwise (issue 3): a book gets all
 * four steps, a newspaper only a stamp, an electronic resource nothing physical.
 */
export const DEFAULT_PROCESSING_PROFILES: Readonly<Record<MaterialType, readonly string[]>> = Object.freeze({
  book: ['spine-label', 'cover', 'security-tag', 'stamp'],
  magazine: ['cover', 'security-tag', 'stamp'],
  newspaper: ['stamp'],
  'e-resource': [],
  audiovisual: ['spine-label', 'security-tag', 'stamp'],
  other: ['spine-label', 'stamp'],
});

export const SPINE_LABEL = 'spine-label';
export const SECURITY_TAG = 'security-tag';

/** What the vendor already did to an item before it arrived. */
export interface ArrivalState {
  /** A vendor-applied call number comes with its spine label (the item is pre-labelled). */
  hasCallNumber: boolean;
  /** The vendor applied a security strip or RFID tag. */
  securityTagged: boolean;
  /** Other steps the vendor reports as done (e.g. `cover`). */
  preApplied: readonly string[];
}

export interface StepSplit {
  done: string[];
  pending: string[];
}

/**
 * Splits a profile's steps into those the vendor already did and those left for technicians, both
 * in profile order. Vendor work outside the profile is not a step of the item and is not counted.
 */
export function stepsAtReceipt(requiredSteps: readonly string[], arrival: ArrivalState): StepSplit {
  const vendorDid = (step: string) =>
    (step === SPINE_LABEL && arrival.hasCallNumber) || (step === SECURITY_TAG && arrival.securityTagged) || arrival.preApplied.includes(step);
  return {
    done: requiredSteps.filter(vendorDid),
    pending: requiredSteps.filter((step) => !vendorDid(step)),
  };
}

/** Why a profile's steps cannot be stored for a material type, or null when they can. */
export function profileProblem(materialType: MaterialType, steps: readonly string[]): string | null {
  if (!isPhysical(materialType) && steps.length > 0) {
    return `steps: an ${materialType} profile must be empty; electronic resources have no physical processing steps`;
  }
  const repeated = steps.find((step, i) => steps.indexOf(step) !== i);
  if (repeated) return `steps: ${repeated} appears more than once`;
  return null;
}

/** The facts about an item that decide whether a step may be recorded on it now. */
export interface StepTarget {
  label: string;
  materialType: MaterialType;
  requiredSteps: readonly string[];
  pendingSteps: readonly string[];
  callNumber: string | null;
}

export interface StepRefusal {
  status: 400 | 409;
  message: string;
}

/**
 * The rules for recording `step` on an item: it must be one of the item's steps (400), not yet done
 * (409), and a spine label needs a call number to print (409). Null when the step may be recorded.
 */
export function stepRefusal(item: StepTarget, step: string): StepRefusal | null {
  if (!isPhysical(item.materialType)) {
    return { status: 400, message: `item ${item.label} is an ${item.materialType}: it has no processing steps` };
  }
  if (!item.requiredSteps.includes(step)) {
    const steps = item.requiredSteps.length ? item.requiredSteps.join(', ') : 'none';
    return { status: 400, message: `${step} is not a processing step of item ${item.label} (its steps: ${steps})` };
  }
  if (!item.pendingSteps.includes(step)) {
    return { status: 409, message: `${step} is already recorded on item ${item.label}` };
  }
  if (step === SPINE_LABEL && !item.callNumber) {
    return { status: 409, message: `item ${item.label} has no call number yet; a cataloger must assign one before the spine label` };
  }
  return null;
}
