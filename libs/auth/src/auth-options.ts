/**
 * The development signing secret. Services, the `npm run token` command and tests default to the
 * same value so a freshly minted token works everywhere locally; production uses JWKS instead.
 */
export const DEV_JWT_SECRET = 'dev-only-secret-change-me';

export interface AuthModuleOptions {
  /** `hs256`: shared secret (development, tests). `jwks`: the identity provider's published keys (production). */
  mode: 'hs256' | 'jwks';
  /** Required in `hs256` mode. */
  secret?: string;
  /** Required in `jwks` mode, e.g. https://idp.example.org/.well-known/jwks.json */
  jwksUrl?: string;
  /** When set, tokens must carry exactly this `iss`. */
  issuer?: string;
  /** When set, tokens must list this `aud`. */
  audience?: string;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
