import { SetMetadata } from '@nestjs/common';
import { isRole, PARTNER_ROLES, PartnerRole, Role, ROLES } from './roles';

export const ROLES_KEY = 'auth:roles';

/**
 * The caller needs at least one of `roles`, hierarchy expanded: `@Roles('technician')` admits
 * senior technicians, librarians and admins too. On a handler it replaces the controller's
 * `@Roles`, so a controller can say "technicians" and one handler "senior technicians".
 * Without any `@Roles`, a route admits every authenticated staff user and no partner.
 */
export function Roles(...roles: Role[]): MethodDecorator & ClassDecorator {
  // Fail at startup on a typo rather than silently locking everyone out of the route.
  const unknown = roles.filter((role) => !isRole(role));
  if (roles.length === 0) throw new Error('@Roles() needs at least one role');
  if (unknown.length > 0) throw new Error(`@Roles(): unknown role ${unknown.join(', ')}; known: ${ROLES.join(', ')}`);
  return SetMetadata(ROLES_KEY, Object.freeze([...roles]));
}

/** A partner route: `@PartnerRoute()` admits any partner role, `@PartnerRoute('bindery-vendor')` only that one. */
export function PartnerRoute(...roles: PartnerRole[]): MethodDecorator & ClassDecorator {
  return Roles(...(roles.length > 0 ? roles : PARTNER_ROLES));
}
