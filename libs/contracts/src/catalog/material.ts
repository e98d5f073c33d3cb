/** Kinds of material a library receives (issue 3). Electronic resources have no barcode and no physical steps. */
export const MATERIAL_TYPES = ['book', 'magazine', 'newspaper', 'e-resource', 'audiovisual', 'other'] as const;
export type MaterialType = (typeof MATERIAL_TYPES)[number];

export function isPhysical(materialType: MaterialType): boolean {
  return materialType !== 'e-resource';
}

/**
 * Physical processing steps a technician records. Profiles choose an ordered subset per branch and
 * material type; the list is open for libraries that add their own (e.g. `rfid-program`).
 */
export const STANDARD_PROCESSING_STEPS = ['spine-label', 'cover', 'security-tag', 'stamp'] as const;
export type ProcessingStep = string;
export const PROCESSING_STEP_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;

export const SECURITY_TAG_TYPES = ['strip', 'rfid'] as const;
export type SecurityTagType = (typeof SECURITY_TAG_TYPES)[number];
