import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: state, nonce and the PKCE verifier (43 characters, RFC 7636 §4.1). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The S256 code challenge the identity provider keeps until the verifier comes back (RFC 7636 §4.2). */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

const HASH_OF_ALGORITHM: Record<string, string> = {
  RS256: 'sha256', PS256: 'sha256', ES256: 'sha256',
  RS384: 'sha384', PS384: 'sha384', ES384: 'sha384',
  RS512: 'sha512', PS512: 'sha512', ES512: 'sha512',
  // Ed25519, the curve providers use with EdDSA, hashes with SHA-512.
  EdDSA: 'sha512',
};

/**
 * The ID token's `at_hash` for an access token: the left half of its hash under the ID token's
 * signing algorithm (OpenID Connect Core §3.1.3.6). Binds the access token to the verified ID token.
 */
export function accessTokenHash(accessToken: string, algorithm: string): string {
  const hash = HASH_OF_ALGORITHM[algorithm];
  if (!hash) throw new Error(`no at_hash rule for algorithm ${algorithm}`);
  const digest = createHash(hash).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
