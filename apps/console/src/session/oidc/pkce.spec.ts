import { createHash } from 'node:crypto';
import { accessTokenHash, codeChallenge, randomToken } from './pkce';

describe('PKCE and token hashes', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', () => {
    expect(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43 unreserved characters, a new one each time', () => {
    const tokens = new Set(Array.from({ length: 50 }, randomToken));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("computes at_hash as the left half of the hash under the ID token's algorithm", () => {
    const token = 'an.access.token';
    expect(accessTokenHash(token, 'RS256')).toBe(createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url'));
    expect(accessTokenHash(token, 'ES384')).toHaveLength(32);
    expect(accessTokenHash(token, 'EdDSA')).toHaveLength(43);
    expect(() => accessTokenHash(token, 'HS256')).toThrow('no at_hash rule');
  });
});
