import { Logger, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import {
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type JWTVerifyOptions,
} from 'jose';
import { AuthModuleOptions, DEV_JWT_SECRET } from './auth-options';
import { AuthenticatedUser, InvalidClaimsError } from './authenticated-user';

// Asymmetric algorithms only in JWKS mode: accepting HS* there would let anyone who can read the
// public JWKS forge tokens by using a public key as an HMAC secret.
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
// Identity provider and service clocks drift a little; a few seconds avoids spurious "expired".
const CLOCK_TOLERANCE_SECONDS = 5;

// Verified tokens are remembered briefly: a client sends the same token with every request, and
// checking its signature again each time was a measurable share of a busy service's CPU.
const VERIFIED_CACHE_SIZE = 1_000;
const VERIFIED_CACHE_MS = 60_000;

/** The key source failed (JWKS unreachable or unreadable): not the caller's fault, so 503 rather than 401. */
class KeySourceUnavailable extends Error {}

/**
 * Verifies bearer tokens and turns them into an {@link AuthenticatedUser}. Every failure becomes an
 * `UnauthorizedException` whose message says why, so a client (or a person with curl) can fix it.
 */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly verifyOptions: JWTVerifyOptions;
  /** Token → caller, until the token expires or a minute passes (so a key withdrawn from the JWKS stops working soon). */
  private readonly verified = new Map<string, { user: AuthenticatedUser; until: number }>();

  constructor(options: AuthModuleOptions) {
    const common = {
      issuer: options.issuer || undefined,
      audience: options.audience || undefined,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      // A token without an expiry would be valid forever once leaked.
      requiredClaims: ['sub', 'exp'],
    };
    if (options.mode === 'hs256') {
      if (!options.secret) throw new Error('AuthModule: mode "hs256" needs a secret (JWT_SECRET)');
      if (options.secret === DEV_JWT_SECRET && process.env.NODE_ENV === 'production') {
        new Logger('Auth').warn('verifying tokens with the development secret in production; use JWKS mode');
      }
      this.key = new TextEncoder().encode(options.secret);
      this.verifyOptions = { ...common, algorithms: ['HS256'] };
    } else if (options.mode === 'jwks') {
      if (!options.jwksUrl) throw new Error('AuthModule: mode "jwks" needs a jwksUrl (JWKS_URL)');
      const remote = createRemoteJWKSet(new URL(options.jwksUrl));
      this.key = async (header, token) => {
        try {
          return await remote(header, token);
        } catch (error) {
          if (isTokenProblem(error)) throw error;
          throw new KeySourceUnavailable(String((error as Error)?.message ?? error), { cause: error });
        }
      };
      this.verifyOptions = { ...common, algorithms: JWKS_ALGORITHMS };
    } else {
      throw new Error(`AuthModule: unknown mode ${JSON.stringify((options as { mode: unknown }).mode)}`);
    }
  }

  /** Resolves to the caller, or rejects with 401 (bad token) or 503 (identity provider keys unavailable). */
  async verify(token: string): Promise<AuthenticatedUser> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && known.until > now) return known.user;
    if (known) this.verified.delete(token);
    const { user, expiresAt } = await this.verifyAfresh(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    // exp is required; the clock tolerance is not extended to remembered tokens.
    this.verified.set(token, { user, until: Math.min(now + VERIFIED_CACHE_MS, expiresAt) });
    return user;
  }

  private async verifyAfresh(token: string): Promise<{ user: AuthenticatedUser; expiresAt: number }> {
    let payload: JWTPayload;
    try {
      // Two overloads (static key vs key function) that TypeScript cannot pick from a union.
      ({ payload } = await jwtVerify(token, this.key as Uint8Array, this.verifyOptions));
    } catch (error) {
      if (error instanceof KeySourceUnavailable) {
        throw new ServiceUnavailableException('cannot fetch the identity provider signing keys', { cause: error });
      }
      throw new UnauthorizedException(describeJoseError(error), { cause: error });
    }
    try {
      return { user: AuthenticatedUser.fromClaims(payload), expiresAt: (payload.exp ?? 0) * 1000 };
    } catch (error) {
      if (error instanceof InvalidClaimsError) throw new UnauthorizedException(`invalid token claims: ${error.message}`);
      throw error;
    }
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Errors from the JWKS lookup that mean "this token", not "the key source", is at fault. */
function isTokenProblem(error: unknown): boolean {
  return ['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED', 'ERR_JWS_INVALID'].includes(
    codeOf(error) ?? '',
  );
}

// Codes rather than instanceof: jose may be loaded twice (ESM and a transformed copy under jest).
function describeJoseError(error: unknown): string {
  switch (codeOf(error)) {
    case 'ERR_JWT_EXPIRED':
      return 'token expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'invalid token signature';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'invalid token signature: no signing key of the identity provider matches the token';
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'invalid token: its header matches several signing keys; it needs a kid';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'token signing algorithm not accepted';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const { claim, reason } = error as { claim: string; reason: string };
      if (claim === 'nbf') return 'token not yet valid';
      if (claim === 'iss') return 'token issuer not accepted';
      if (claim === 'aud') return 'token audience not accepted';
      if (reason === 'missing') return `invalid token: missing ${claim} claim`;
      return `invalid token: bad ${claim} claim`;
    }
    default:
      // JWSInvalid, JWTInvalid, base64/JSON decoding errors: the string is not a usable JWT.
      return 'malformed token';
  }
}
