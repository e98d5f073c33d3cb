/** The session cookie holds the person's bearer token; it is HttpOnly, so page scripts never see it. */
export const SESSION_COOKIE = 'console_session';

/**
 * The sign-in in flight at the identity provider (sealed state, nonce and PKCE verifier). Sent only to
 * the callback, and SameSite=Lax because the provider's redirect back is a cross-site navigation.
 */
export const SIGN_IN_STATE_COOKIE = 'console_sign_in';

/** The sealed refresh token that renews the session cookie when its access token expires (identity-provider sign-in only). */
export const SESSION_GRANT_COOKIE = 'console_grant';
export const CALLBACK_PATH = '/auth/callback';

/** Reads one cookie from a `Cookie` header (no parser dependency for one value). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

/** Only a path on this console: never redirect a person to another site after sign-in. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith('/sign-') ? next : '/scan';
}
