export { AuthModule } from './auth.module';
export type { AuthModuleAsyncOptions } from './auth.module';
export { AUTH_OPTIONS, DEV_JWT_SECRET } from './auth-options';
export type { AuthModuleOptions } from './auth-options';
export { ALL_BRANCHES, AuthenticatedUser, InvalidClaimsError } from './authenticated-user';
export type { AuthenticatedUserInit } from './authenticated-user';
export { CurrentUser } from './current-user.decorator';
export { mintDevelopmentToken } from './development-token';
export type { DevelopmentTokenClaims, DevelopmentTokenOptions } from './development-token';
export { JwtAuthGuard } from './jwt-auth.guard';
export { IS_PUBLIC_KEY, Public } from './public.decorator';
export { PartnerRoute, Roles, ROLES_KEY } from './roles.decorator';
export {
  impliedRoles,
  isPartnerRole,
  isRole,
  isStaffRole,
  PARTNER_ROLES,
  Role,
  ROLES,
  rolesSatisfying,
  roleSatisfies,
  STAFF_ROLES,
} from './roles';
export type { PartnerRole } from './roles';
export { TokenVerifier } from './token-verifier';
