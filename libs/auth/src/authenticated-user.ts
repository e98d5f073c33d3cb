import { ForbiddenException } from '@nestjs/common';
import { isPartnerRole, isRole, isStaffRole, Role, roleSatisfies } from './roles';

/** Branch wildcard in the `branches` claim: the user may act for every branch. */
export const ALL_BRANCHES = '*';

export interface AuthenticatedUserInit {
  id: string;
  roles: readonly Role[];
  branches?: readonly string[];
  partnerId?: string;
  name?: string;
}

/** Thrown when a verified token's claims do not describe a usable user; the guard answers 401. */
export class InvalidClaimsError extends Error {
  override readonly name = 'InvalidClaimsError';
}

/**
 * The caller of a request, built from a verified token and attached to `request.user`.
 * Services ask it questions (`hasRole`, `assertBranch`, `branchFilter`) instead of reading raw
 * claims, so the hierarchy and the admin-sees-every-branch rule live in one place.
 */
export class AuthenticatedUser {
  readonly id: string;
  readonly name?: string;
  /** Roles as granted by the token (unknown roles dropped), not expanded by the hierarchy. */
  readonly roles: readonly Role[];
  /** Branch codes, or `['*']` for all. Always empty for partners. */
  readonly branches: readonly string[];
  /** Set for partner roles only; scope partner queries by it. */
  readonly partnerId?: string;
  readonly isPartner: boolean;
  readonly isStaff: boolean;
  readonly allBranches: boolean;

  constructor(init: AuthenticatedUserInit) {
    const roles = [...new Set(init.roles)];
    const partner = roles.some(isPartnerRole);
    const staff = roles.some(isStaffRole);
    // One token, one kind of caller: a mix would let a partner reach branch data or vice versa.
    if (partner && staff) throw new InvalidClaimsError('a token may not carry both staff and partner roles');
    if (partner && !init.partnerId) throw new InvalidClaimsError('partner roles need a partnerId claim');
    if (!partner && init.partnerId) throw new InvalidClaimsError('partnerId is only for partner roles');
    if (partner && (init.branches ?? []).length > 0) throw new InvalidClaimsError('partner tokens carry no branches');

    this.id = init.id;
    this.name = init.name;
    this.roles = Object.freeze(roles);
    this.partnerId = partner ? init.partnerId : undefined;
    this.isPartner = partner;
    this.isStaff = staff;
    // Admins act in every branch whatever their token lists (SPEC §6).
    this.allBranches = roles.includes(Role.Admin) || (init.branches ?? []).includes(ALL_BRANCHES);
    this.branches = Object.freeze(this.allBranches ? [ALL_BRANCHES] : [...new Set(init.branches ?? [])]);
  }

  /** Builds a user from a verified JWT payload, rejecting claims of the wrong shape. */
  static fromClaims(payload: Record<string, unknown>): AuthenticatedUser {
    const { sub, roles, branches, partnerId, name } = payload;
    if (typeof sub !== 'string' || sub.length === 0) throw new InvalidClaimsError('token has no subject (sub)');
    if (!isStringArray(roles)) throw new InvalidClaimsError('roles claim must be an array of strings');
    if (branches !== undefined && !isStringArray(branches)) {
      throw new InvalidClaimsError('branches claim must be an array of strings');
    }
    if (partnerId !== undefined && (typeof partnerId !== 'string' || partnerId.length === 0)) {
      throw new InvalidClaimsError('partnerId claim must be a non-empty string');
    }
    // Identity providers often issue roles for other applications too; those are not ours to judge.
    const known = roles.filter(isRole);
    if (known.length === 0) throw new InvalidClaimsError('token carries no role of this system');
    return new AuthenticatedUser({
      id: sub,
      roles: known,
      branches,
      partnerId: partnerId as string | undefined,
      name: typeof name === 'string' ? name : undefined,
    });
  }

  /** Hierarchy-aware: a librarian has the technician role too; an admin every staff role. */
  hasRole(role: Role): boolean {
    return this.roles.some((held) => roleSatisfies(held, role));
  }

  hasAnyRole(roles: readonly Role[]): boolean {
    return roles.some((role) => this.hasRole(role));
  }

  canActForBranch(code: string): boolean {
    return this.isStaff && (this.allBranches || this.branches.includes(code));
  }

  /** Throws 403 naming the branch; call before touching a branch's data. */
  assertBranch(code: string): void {
    if (!this.canActForBranch(code)) throw new ForbiddenException(`you may not act for branch ${code}`);
  }

  /**
   * Branches to restrict a query to: `null` means no restriction (all branches). Partners get `[]`,
   * which matches nothing, so a forgotten partner check fails closed.
   */
  branchFilter(): string[] | null {
    if (this.isStaff && this.allBranches) return null;
    return this.isStaff ? [...this.branches] : [];
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}
