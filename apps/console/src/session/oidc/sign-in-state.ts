import { createHash } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';

/** The sign-in in flight, kept by the browser between `/sign-in` and `/auth/callback`. */
export interface SignInState {
  state: string;
  nonce: string;
  /** The PKCE code verifier: only its hash went to the identity provider. */
  verifier: string;
  /** Where to go once signed in (a path on this console). */
  next: string;
}

/** Long enough to type a password and answer a second factor; short enough that a stale one is useless. */
export const SIGN_IN_STATE_TTL_SECONDS = 600;

export type OpenStateFailure = 'expired' | 'invalid';

export class SignInStateError extends Error {
  constructor(readonly reason: OpenStateFailure) {
    super(reason === 'expired' ? 'the sign-in cookie has expired' : 'the sign-in cookie is not one this console made');
  }
}

const ISSUER = 'console/sign-in';

function keyOf(secret: string, purpose = 'console sign-in state'): Uint8Array {
  // A 256-bit key for A256GCM whatever the length of the configured secret, one per purpose.
  return createHash('sha256').update(`${purpose}\0${secret}`).digest();
}

/**
 * Seals the state into the cookie value: encrypted and authenticated (JWE, dir + A256GCM), so the
 * browser can neither read the verifier nor change any of it, with its own expiry.
 */
export async function sealSignInState(state: SignInState, secret: string, now = new Date()): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new EncryptJWT({ ...state })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuer(ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + SIGN_IN_STATE_TTL_SECONDS)
    .encrypt(keyOf(secret));
}

/** Opens a sealed state; throws {@link SignInStateError} saying whether it expired or is not ours. */
export async function openSignInState(sealed: string, secret: string, now = new Date()): Promise<SignInState> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtDecrypt(sealed, keyOf(secret), { issuer: ISSUER, currentDate: now, requiredClaims: ['exp'], keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] }));
  } catch (error) {
    throw new SignInStateError((error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid');
  }
  const { state, nonce, verifier, next } = payload;
  if ([state, nonce, verifier, next].some((value) => typeof value !== 'string' || value.length === 0)) throw new SignInStateError('invalid');
  return { state, nonce, verifier, next } as SignInState;
}

/**
 * What keeps a signed-in person signed in once the access token expires: the provider's refresh
 * token, for whom it was issued, sealed into an HttpOnly cookie (under a key of its own) that ends
 * with the session — `until` never moves, however often the token is refreshed.
 */
export interface SessionGrant {
  refreshToken: string;
  /** The person the refresh token was issued to: a refreshed access token must name them too. */
  subject: string;
  until: Date;
}

const GRANT_ISSUER = 'console/session-grant';
const GRANT_KEY = 'console session grant';

export async function sealSessionGrant(grant: SessionGrant, secret: string, now = new Date()): Promise<string> {
  return new EncryptJWT({ refreshToken: grant.refreshToken, subject: grant.subject })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuer(GRANT_ISSUER)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(grant.until.getTime() / 1000))
    .encrypt(keyOf(secret, GRANT_KEY));
}

/** Opens a sealed grant; throws {@link SignInStateError} saying whether it expired or is not ours. */
export async function openSessionGrant(sealed: string, secret: string, now = new Date()): Promise<SessionGrant> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtDecrypt(sealed, keyOf(secret, GRANT_KEY), {
      issuer: GRANT_ISSUER, currentDate: now, requiredClaims: ['exp'], keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'],
    }));
  } catch (error) {
    throw new SignInStateError((error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid');
  }
  const { refreshToken, subject, exp } = payload;
  if (typeof refreshToken !== 'string' || !refreshToken || typeof subject !== 'string' || !subject) throw new SignInStateError('invalid');
  return { refreshToken, subject, until: new Date((exp as number) * 1000) };
}
