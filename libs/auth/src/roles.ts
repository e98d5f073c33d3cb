/**
 * The roles a token may carry and what each one implies (SPEC §6).
 *
 * The hierarchy is data plus pure functions so guards, services and tests share one answer to
 * "may someone holding X do what Y may do?".
 */
export const Role = {
  Technician: 'technician',
  SeniorTechnician: 'senior-technician',
  Cataloger: 'cataloger',
  Librarian: 'librarian',
  Admin: 'admin',
  BinderyVendor: 'bindery-vendor',
  SalesPlatform: 'sales-platform',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ROLES: readonly Role[] = Object.freeze(Object.values(Role));

/** Library staff: scoped by branch. */
export const STAFF_ROLES: readonly Role[] = Object.freeze([
  Role.Technician,
  Role.SeniorTechnician,
  Role.Cataloger,
  Role.Librarian,
  Role.Admin,
]);

/** External partners: scoped by partner id, never by branch. */
export const PARTNER_ROLES: readonly Role[] = Object.freeze([Role.BinderyVendor, Role.SalesPlatform]);
export type PartnerRole = typeof Role.BinderyVendor | typeof Role.SalesPlatform;

/**
 * Direct grants; the closure below makes them transitive. Admin implies every staff role but no
 * partner role: partner routes are scoped by the caller's partner id, which an admin does not have.
 */
const DIRECTLY_IMPLIES: Readonly<Record<Role, readonly Role[]>> = {
  [Role.Technician]: [],
  [Role.SeniorTechnician]: [Role.Technician],
  [Role.Librarian]: [Role.SeniorTechnician],
  [Role.Cataloger]: [],
  [Role.Admin]: [Role.Librarian, Role.Cataloger],
  [Role.BinderyVendor]: [],
  [Role.SalesPlatform]: [],
};

function closure(role: Role): ReadonlySet<Role> {
  const seen = new Set<Role>([role]);
  const pending = [role];
  while (pending.length > 0) {
    for (const implied of DIRECTLY_IMPLIES[pending.pop()!]) {
      if (!seen.has(implied)) {
        seen.add(implied);
        pending.push(implied);
      }
    }
  }
  return seen;
}

const IMPLIED: ReadonlyMap<Role, ReadonlySet<Role>> = new Map(ROLES.map((role) => [role, closure(role)]));

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isStaffRole(role: Role): boolean {
  return STAFF_ROLES.includes(role);
}

export function isPartnerRole(role: Role): role is PartnerRole {
  return PARTNER_ROLES.includes(role);
}

/** Every role whose permissions `role` includes, itself among them. */
export function impliedRoles(role: Role): ReadonlySet<Role> {
  return IMPLIED.get(role)!;
}

/** True when someone holding `held` may do what `required` may. */
export function roleSatisfies(held: Role, required: Role): boolean {
  return impliedRoles(held).has(required);
}

/** The roles admitted by `@Roles(required)`, e.g. technician → technician, senior-technician, librarian, admin. */
export function rolesSatisfying(required: Role): Role[] {
  return ROLES.filter((held) => roleSatisfies(held, required));
}
