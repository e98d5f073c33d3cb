import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import { ConsoleEnvironment } from '../../config/console-environment';
import { accessTokenHash, codeChallenge, randomToken } from './pkce';
import { openSignInState, sealSignInState, SignInStateError } from './sign-in-state';

/** What the console uses of the provider's discovery document (OpenID Connect Discovery §3). */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
  /** RFC 7009: where a refresh token is handed back at sign-out. */
  revocation_endpoint?: string;
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
}

/** A sign-in that cannot go on: the page shows the message and what to do, with this status. */
export class SignInProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly whatToDo: string,
  ) {
    super(message);
  }
}

export interface FinishedSignIn {
  /** What the console forwards to the services: the provider's access token. */
  accessToken: string;
  /** The person, as the verified ID token names them; the access token must name the same one. */
  subject: string;
  next: string;
  /** When the provider grants one (`offline_access` is not needed for most): renews the access token. */
  refreshToken?: string;
}

/** A refreshed access token, and the refresh token to use next time when the provider rotates them. */
export interface RefreshedTokens {
  accessToken: string;
  refreshToken?: string;
}

// Asymmetric only, as the services accept: an HS* ID token would be signed with the client secret.
const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 5;
/** jose's codes that mean the token is at fault; anything else (keys unreachable) is not the person's. */
const TOKEN_PROBLEMS = [
  'ERR_JWT_EXPIRED', 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'ERR_JWT_INVALID', 'ERR_JWS_INVALID', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED',
];
const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const SIGN_IN_AGAIN = 'Sign in again.';
const TELL_ADMIN_SETTINGS = "Tell your system administrator: the console's OIDC_ settings and the identity provider's client registration must match. Then sign in again.";

/**
 * The console's side of OpenID Connect sign-in: the authorization code flow with PKCE (S256), state
 * and nonce, written on `jose` (already used to verify tokens) rather than a client library. The
 * state, nonce and verifier travel in a sealed, short-lived cookie; the ID token is verified against
 * the provider's published keys; the access token is what the console then forwards to the services.
 */
@Injectable()
export class OidcClient {
  private provider?: { metadata: ProviderMetadata; keys: JWTVerifyGetKey; until: number };

  constructor(private readonly env: ConsoleEnvironment) {}

  get enabled(): boolean {
    return this.env.oidcSignIn;
  }

  /** Where to send the browser, and the sealed cookie that must come back with the answer. */
  async begin(next: string): Promise<{ url: string; cookie: string }> {
    const { metadata } = await this.discover();
    const state = { state: randomToken(), nonce: randomToken(), verifier: randomToken(), next };
    const url = new URL(metadata.authorization_endpoint);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: this.env.OIDC_CLIENT_ID!,
      redirect_uri: this.env.OIDC_REDIRECT_URL!,
      scope: this.env.OIDC_SCOPES,
      state: state.state,
      nonce: state.nonce,
      code_challenge: codeChallenge(state.verifier),
      code_challenge_method: 'S256',
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return { url: url.toString(), cookie: await sealSignInState(state, this.env.OIDC_STATE_SECRET!) };
  }

  /**
   * Checks the provider's answer against the sign-in this browser started (state), exchanges the
   * code with the PKCE verifier, and verifies the ID token (signature, issuer, audience, expiry,
   * nonce, at_hash). Every refusal is a {@link SignInProblem} saying what to do.
   */
  async finish(query: Record<string, unknown>, sealed: string | undefined): Promise<FinishedSignIn> {
    if (!sealed) {
      throw new SignInProblem(400, 'no sign-in was in progress in this browser (its sign-in cookie is missing)', 'Start again with Sign in, and finish signing in within 10 minutes in the same browser. If it happens again, allow cookies for this console.');
    }
    let started;
    try {
      started = await openSignInState(sealed, this.env.OIDC_STATE_SECRET!);
    } catch (error) {
      if (!(error instanceof SignInStateError)) throw error;
      throw error.reason === 'expired'
        ? new SignInProblem(400, 'this sign-in was started more than 10 minutes ago and has expired', SIGN_IN_AGAIN)
        : new SignInProblem(400, 'the sign-in cookie was not made by this console', SIGN_IN_AGAIN);
    }
    const param = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
    if (!sameText(param('state'), started.state)) {
      throw new SignInProblem(
        400,
        'the answer from the identity provider does not belong to the sign-in started in this browser (state mismatch)',
        'Sign in again from this browser; if you started signing in in several tabs, finish in the last one. If you did not start a sign-in, someone may have sent you this link: close the page.',
      );
    }
    const { metadata, keys } = await this.discover();
    // RFC 9207: a provider that names itself in the answer must be the one the sign-in went to.
    if (param('iss') !== undefined && param('iss') !== metadata.issuer) {
      throw new SignInProblem(400, `the answer names issuer ${param('iss')}, not ${metadata.issuer}`, SIGN_IN_AGAIN);
    }
    const error = param('error');
    if (error) {
      const description = param('error_description');
      throw new SignInProblem(error === 'access_denied' ? 403 : 401, `the identity provider did not sign you in: ${error}${description ? ` (${description})` : ''}`, whatToDoAbout(error));
    }
    const code = param('code');
    if (!code) throw new SignInProblem(400, 'the identity provider sent no authorization code', SIGN_IN_AGAIN);

    const tokens = await this.exchange(metadata, code, started.verifier);
    const subject = await this.verifyIdToken(tokens.idToken, tokens.accessToken, started.nonce, metadata, keys);
    return { accessToken: tokens.accessToken, subject, next: started.next, refreshToken: tokens.refreshToken };
  }

  /**
   * A new access token for a signed-in person whose token expired (RFC 6749 §6), authenticated as the
   * code exchange is. The caller verifies the token as the services would and checks its subject.
   */
  async refresh(refreshToken: string): Promise<RefreshedTokens> {
    const { metadata } = await this.discover();
    const answer = await this.tokenRequest(metadata, { grant_type: 'refresh_token', refresh_token: refreshToken }, {
      action: 'renew the session',
      invalidGrant: 'Sign in again: the identity provider ended this session.',
    });
    const { access_token: accessToken, refresh_token: rotated, token_type: tokenType } = answer;
    if (typeof accessToken !== 'string' || typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
      throw new SignInProblem(502, 'the identity provider renewed the session without a bearer access token', TELL_ADMIN_SETTINGS);
    }
    return { accessToken, refreshToken: typeof rotated === 'string' && rotated ? rotated : undefined };
  }

  /**
   * Hands a refresh token back to the provider at sign-out (RFC 7009), when it publishes a revocation
   * endpoint. True when the provider took it; false when there is nowhere to send it or the provider
   * refused (sign-out goes on either way: the console's cookies are cleared regardless).
   */
  async revoke(refreshToken: string): Promise<boolean> {
    const { metadata } = await this.discover();
    if (!metadata.revocation_endpoint) return false;
    try {
      await this.tokenRequest(
        { ...metadata, token_endpoint: metadata.revocation_endpoint },
        { token: refreshToken, token_type_hint: 'refresh_token' },
        { action: 'revoke the refresh token', invalidGrant: SIGN_IN_AGAIN },
      );
      return true;
    } catch (error) {
      if (error instanceof SignInProblem) return false;
      throw error;
    }
  }

  /** The provider's sign-out page, when it has one and has been discovered. */
  async endSessionUrl(): Promise<string | undefined> {
    try {
      const endpoint = (await this.discover()).metadata.end_session_endpoint;
      if (!endpoint) return undefined;
      const url = new URL(endpoint);
      url.searchParams.set('client_id', this.env.OIDC_CLIENT_ID!);
      return url.toString();
    } catch {
      return undefined;
    }
  }

  private async exchange(metadata: ProviderMetadata, code: string, verifier: string): Promise<{ accessToken: string; idToken: string; refreshToken?: string }> {
    const answer = await this.tokenRequest(
      metadata,
      { grant_type: 'authorization_code', code, redirect_uri: this.env.OIDC_REDIRECT_URL!, code_verifier: verifier },
      { action: 'accept the sign-in code', invalidGrant: 'Sign in again: a sign-in code works once, only for the browser that started the sign-in.' },
    );
    const { access_token: accessToken, id_token: idToken, token_type: tokenType, refresh_token: refreshToken } = answer;
    if (typeof accessToken !== 'string' || typeof idToken !== 'string' || typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
      throw new SignInProblem(502, 'the identity provider answered without a bearer access token and an ID token', TELL_ADMIN_SETTINGS);
    }
    return { accessToken, idToken, refreshToken: typeof refreshToken === 'string' && refreshToken ? refreshToken : undefined };
  }

  /** A token endpoint request with the console's client authentication; its JSON answer, or a SignInProblem. */
  private async tokenRequest(
    metadata: ProviderMetadata,
    form: Record<string, string>,
    purpose: { action: string; invalidGrant: string },
  ): Promise<Record<string, unknown>> {
    const clientId = this.env.OIDC_CLIENT_ID!;
    const secret = this.env.OIDC_CLIENT_SECRET;
    const body = new URLSearchParams(form);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const methods = metadata.token_endpoint_auth_methods_supported;
    if (secret && (!methods || methods.includes('client_secret_basic'))) {
      // RFC 6749 §2.3.1: both parts form-encoded before Basic.
      headers.authorization = `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`).toString('base64')}`;
    } else {
      body.set('client_id', clientId);
      if (secret) body.set('client_secret', secret);
    }
    let response: Response;
    try {
      response = await fetch(metadata.token_endpoint, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(this.env.SERVICE_TIMEOUT_MS) });
    } catch (error) {
      throw new SignInProblem(502, `the identity provider's token endpoint is not answering (${(error as Error).message})`, 'Try again in a minute. If it keeps failing, tell your system administrator.');
    }
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const error = typeof answer.error === 'string' ? answer.error : `HTTP ${response.status}`;
      const description = typeof answer.error_description === 'string' ? ` (${answer.error_description})` : '';
      throw new SignInProblem(502, `the identity provider did not ${purpose.action}: ${error}${description}`, error === 'invalid_grant' ? purpose.invalidGrant : TELL_ADMIN_SETTINGS);
    }
    return answer;
  }

  private async verifyIdToken(idToken: string, accessToken: string, nonce: string, metadata: ProviderMetadata, keys: JWTVerifyGetKey): Promise<string> {
    let payload: JWTPayload;
    let algorithm: string;
    try {
      const verified = await jwtVerify(idToken, keys, {
        issuer: metadata.issuer,
        audience: this.env.OIDC_CLIENT_ID!,
        algorithms: ID_TOKEN_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      payload = verified.payload;
      algorithm = verified.protectedHeader.alg;
    } catch (error) {
      if (!TOKEN_PROBLEMS.includes((error as { code?: string }).code ?? '')) {
        throw new SignInProblem(503, `cannot fetch the identity provider's signing keys (${(error as Error).message})`, 'Try again in a minute. If it keeps failing, tell your system administrator.');
      }
      throw new SignInProblem(401, `the identity provider's ID token was not accepted: ${describe(error)}`, TELL_ADMIN_SETTINGS);
    }
    const refuse = (why: string) => new SignInProblem(401, `the identity provider's ID token was not accepted: ${why}`, TELL_ADMIN_SETTINGS);
    // With several audiences the token must say it was issued to this console (Core §3.1.3.7).
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== this.env.OIDC_CLIENT_ID) throw refuse('it was issued to another client (azp)');
    if (!sameText(typeof payload.nonce === 'string' ? payload.nonce : undefined, nonce)) throw refuse('its nonce is not the one this sign-in sent (a replayed token?)');
    if (payload.at_hash !== undefined && payload.at_hash !== accessTokenHash(accessToken, algorithm)) throw refuse('its at_hash does not match the access token that came with it');
    return payload.sub!;
  }

  /** The discovery document and key set, fetched when first needed and kept for an hour. */
  private async discover(): Promise<{ metadata: ProviderMetadata; keys: JWTVerifyGetKey }> {
    if (this.provider && this.provider.until > Date.now()) return this.provider;
    const issuer = this.env.OIDC_ISSUER_URL!;
    const where = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const unreachable = (detail: string) =>
      new SignInProblem(503, `cannot reach the identity provider at ${issuer} (${detail})`, 'Try again in a minute. If it keeps failing, tell your system administrator (OIDC_ISSUER_URL).');
    let metadata: ProviderMetadata;
    try {
      const response = await fetch(where, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(this.env.SERVICE_TIMEOUT_MS) });
      if (!response.ok) throw unreachable(`${where} answered ${response.status}`);
      metadata = (await response.json()) as ProviderMetadata;
    } catch (error) {
      if (error instanceof SignInProblem) throw error;
      throw unreachable((error as Error).message);
    }
    const missing = (['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const).filter((field) => typeof metadata?.[field] !== 'string');
    if (missing.length) throw unreachable(`its discovery document has no ${missing.join(', ')}`);
    // Discovery §4.3: the document must be the issuer's own, or tokens could come from anyone.
    if (metadata.issuer.replace(/\/$/, '') !== issuer.replace(/\/$/, '')) {
      throw new SignInProblem(503, `the identity provider at ${issuer} calls itself ${metadata.issuer}`, 'Tell your system administrator: OIDC_ISSUER_URL must be the issuer exactly as the provider names it.');
    }
    if (metadata.code_challenge_methods_supported && !metadata.code_challenge_methods_supported.includes('S256')) {
      throw new SignInProblem(503, 'the identity provider does not offer PKCE with S256', 'Tell your system administrator: the console signs in with PKCE (S256) only.');
    }
    this.provider = { metadata, keys: createRemoteJWKSet(new URL(metadata.jwks_uri)), until: Date.now() + DISCOVERY_TTL_MS };
    return this.provider;
  }
}

function whatToDoAbout(error: string): string {
  if (error === 'access_denied') {
    return 'Sign in again and allow the console to use your library account. If you are refused again, ask your system administrator for access to the technician console.';
  }
  if (['login_required', 'interaction_required', 'consent_required', 'account_selection_required', 'temporarily_unavailable'].includes(error)) return SIGN_IN_AGAIN;
  return `Sign in again. If it keeps failing, tell your system administrator the error shown (${error}).`;
}

function describe(error: unknown): string {
  const { code, claim } = error as { code?: string; claim?: string };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'it has expired (check the clocks)';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return "its signature does not match the provider's published keys";
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'its signing algorithm is not accepted';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return claim === 'iss' ? 'it was issued by another issuer' : claim === 'aud' ? 'it was issued to another client (aud)' : `bad ${claim} claim`;
    default:
      return 'it is malformed';
  }
}

function sameText(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
