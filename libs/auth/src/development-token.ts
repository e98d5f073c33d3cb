import { SignJWT } from 'jose';
import { DEV_JWT_SECRET } from './auth-options';
import { Role } from './roles';

export interface DevelopmentTokenClaims {
  sub: string;
  roles: readonly (Role | string)[];
  /** Branch codes or `['*']`; leave out for partners. */
  branches?: readonly string[];
  /** Required with a partner role. */
  partnerId?: string;
  name?: string;
  /** Anything else to put in the payload (tests use it for odd shapes). */
  [claim: string]: unknown;
}

export interface DevelopmentTokenOptions {
  issuer?: string;
  audience?: string;
}

/**
 * Signs an HS256 token that services in `hs256` mode accept. For local runs and tests only:
 * production services verify the identity provider's tokens over JWKS.
 *
 * @param ttl seconds, or a duration such as `'8h'`, `'15m'`; negative (`'-1h'`) mints an expired token.
 */
export async function mintDevelopmentToken(
  claims: DevelopmentTokenClaims,
  secret: string = DEV_JWT_SECRET,
  ttl: string | number = '8h',
  options: DevelopmentTokenOptions = {},
): Promise<string> {
  const { sub, ...rest } = claims;
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(typeof ttl === 'number' ? now + ttl : ttl);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
