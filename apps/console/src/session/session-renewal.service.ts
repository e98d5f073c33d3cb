import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { decodeJwt } from 'jose';
import { ConsoleEnvironment } from '../config/console-environment';
import { ConsoleSession } from './console-session';
import { readCookie, SESSION_COOKIE, SESSION_GRANT_COOKIE } from './cookies';
import { OidcClient, RefreshedTokens, SignInProblem } from './oidc/oidc-client';
import { openSessionGrant, sealSessionGrant, SessionGrant, SignInStateError } from './oidc/sign-in-state';
import { SessionService, SignInRequired } from './session.service';

/**
 * How long a refresh's answer is reused for the same refresh token. A page's requests arrive together
 * with the same expired cookie, and a browser that has not stored the new cookies yet sends the old
 * grant again; asking the provider twice with a rotated refresh token would look like token theft to it
 * (and Keycloak, for one, then ends the whole session).
 */
const REUSE_MS = 15_000;

/**
 * Keeps a person signed in at the identity provider past the life of one access token. When the
 * session cookie's token has expired (or the browser dropped the cookie with it) and the sealed grant
 * cookie is there, the provider's refresh token buys a new access token: verified as the services
 * verify it, for the same person, within the session's original eight hours. The new token (and the
 * rotated refresh token) go back to the browser; anything wrong ends the session as before.
 */
@Injectable()
export class SessionRenewal {
  private readonly logger = new Logger(SessionRenewal.name);
  /** Refreshes under way or just answered, by the refresh token used; each knows whose it is. */
  private readonly refreshes = new Map<string, { subject: string; tokens: Promise<RefreshedTokens> }>();

  constructor(
    private readonly env: ConsoleEnvironment,
    private readonly oidc: OidcClient,
    private readonly sessions: SessionService,
  ) {}

  /** The grant cookie for a fresh sign-in: the refresh token, for whom, until when. */
  async grantCookie(response: Response, grant: SessionGrant): Promise<void> {
    const sealed = await sealSessionGrant(grant, this.env.OIDC_STATE_SECRET!);
    response.cookie(SESSION_GRANT_COOKIE, sealed, { ...this.cookieOptions(), maxAge: Math.max(0, grant.until.getTime() - Date.now()) });
  }

  /** Sets the session cookie for an access token: as long as the token lasts, never past the session's end. */
  sessionCookie(response: Response, accessToken: string, until: Date): void {
    const expiresAt = (decodeJwt(accessToken).exp ?? 0) * 1000;
    response.cookie(SESSION_COOKIE, accessToken, { ...this.cookieOptions(), maxAge: Math.max(0, Math.min(expiresAt, until.getTime()) - Date.now()) });
  }

  clear(response: Response): void {
    response.clearCookie(SESSION_GRANT_COOKIE, this.cookieOptions());
  }

  /**
   * At sign-out: hands the refresh token back to the provider so it renews nothing any more, then
   * clears the cookie. Sign-out goes on whatever the provider answers (within the usual timeout): a
   * refusal or an outage is logged.
   */
  async endGrant(request: Request, response: Response): Promise<void> {
    this.clear(response);
    const sealed = readCookie(request.headers.cookie, SESSION_GRANT_COOKIE);
    if (!this.oidc.enabled || !sealed) return;
    try {
      const grant = await openSessionGrant(sealed, this.env.OIDC_STATE_SECRET!);
      // A refresh answered moments ago must not outlive the sign-out, even for a copy of an older cookie.
      for (const [key, entry] of this.refreshes) if (entry.subject === grant.subject) this.refreshes.delete(key);
      if (!(await this.oidc.revoke(grant.refreshToken))) this.logger.warn(`refresh token of ${grant.subject} not revoked at sign-out (no revocation endpoint, or refused)`);
    } catch (error) {
      this.logger.warn(`refresh token not revoked at sign-out: ${(error as Error).message}`);
    }
  }

  /**
   * A renewed session for a request whose own token was refused, or null (the person signs in again).
   * A bearer header sent by a script or tool is that caller's to renew, never replaced here.
   */
  async renew(request: Request, response: Response, refused: SignInRequired): Promise<ConsoleSession | null> {
    if (!this.oidc.enabled || request.headers.authorization) return null;
    const sealed = readCookie(request.headers.cookie, SESSION_GRANT_COOKIE);
    if (!sealed) return null;
    let grant: SessionGrant;
    try {
      grant = await openSessionGrant(sealed, this.env.OIDC_STATE_SECRET!);
    } catch (error) {
      if (!(error instanceof SignInStateError)) throw error;
      this.clear(response);
      return null;
    }
    let tokens: RefreshedTokens;
    let session: ConsoleSession;
    try {
      tokens = await this.refreshOnce(grant);
      session = await this.sessions.sessionFor(tokens.accessToken);
    } catch (error) {
      if (!(error instanceof SignInProblem || error instanceof SignInRequired)) throw error;
      this.logger.warn(`session of ${grant.subject} not renewed (${refused.reason ?? refused.message}): ${error.message}`);
      this.clear(response);
      return null;
    }
    if (session.user.id !== grant.subject) {
      this.logger.warn(`refreshed token names ${session.user.id}, but the session was ${grant.subject}'s: not renewed`);
      this.clear(response);
      return null;
    }
    this.sessionCookie(response, tokens.accessToken, grant.until);
    if (tokens.refreshToken && tokens.refreshToken !== grant.refreshToken) await this.grantCookie(response, { ...grant, refreshToken: tokens.refreshToken });
    return session;
  }

  /** One request to the provider per refresh token, its answer shared for a few seconds (see REUSE_MS). */
  private refreshOnce(grant: SessionGrant): Promise<RefreshedTokens> {
    const key = grant.refreshToken;
    let entry = this.refreshes.get(key);
    if (!entry) {
      entry = { subject: grant.subject, tokens: this.oidc.refresh(key) };
      this.refreshes.set(key, entry);
      const current = entry;
      const forget = () => {
        if (this.refreshes.get(key) === current) this.refreshes.delete(key);
      };
      // A refused refresh is forgotten at once: the next request may carry a newer grant.
      current.tokens.then(() => setTimeout(forget, REUSE_MS).unref(), forget);
    }
    return entry.tokens;
  }

  private cookieOptions() {
    return { httpOnly: true, sameSite: 'strict' as const, secure: this.env.secureCookies, path: '/' };
  }
}
