import { createHash, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface TestAccount {
  sub: string;
  name?: string;
  roles: string[];
  branches?: string[];
  [claim: string]: unknown;
}

/** Ways the provider can be told to misbehave on the next token answer, to prove the console notices. */
export interface Misbehaviour {
  /** Sign the ID token (or the access token) with a key the provider never published, under the published kid. */
  idTokenSignedByAnotherKey?: boolean;
  accessTokenSignedByAnotherKey?: boolean;
  idTokenNonce?: string;
  idTokenAudience?: string;
  accessTokenAudience?: string;
  accessTokenSubject?: string;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string;
  account: TestAccount;
  used: boolean;
}

/**
 * A real, small OpenID Connect provider for tests: discovery, JWKS, an authorization endpoint with a
 * sign-in page, and a token endpoint that checks the client, the redirect URI, one use per code and
 * the PKCE verifier (S256), then answers with an RS256 ID token and JWT access token made by jose,
 * and a refresh token that buys new access tokens (rotated on every use).
 * It only knows one client and whoever the test says is signing in.
 */
export class TestIdentityProvider {
  readonly tokenRequests: Array<{ headers: IncomingMessage['headers']; form: Record<string, string> }> = [];
  readonly authorizeRequests: URLSearchParams[] = [];
  readonly revocations: Array<Record<string, string>> = [];
  /** Who signs in at the next /authorize; the page's button signs them in. */
  account: TestAccount = { sub: 'tess', name: 'Tess Tech', roles: ['technician'], branches: ['CEN'] };
  /** Set to make /authorize answer with `error=` instead of a code (e.g. access_denied). */
  refuseWith?: string;
  misbehave: Misbehaviour = {};
  /** Issue refresh tokens (rotated on every use, as Keycloak and others do). */
  issueRefreshTokens = true;
  issuer = '';
  private server?: Server;
  private key?: { privateKey: PrivateKey; jwk: JWK };
  private rogueKey?: PrivateKey;
  private readonly codes = new Map<string, IssuedCode>();
  /** Live refresh tokens and whose they are; a used one is gone (rotation). */
  private readonly refreshTokens = new Map<string, TestAccount>();

  constructor(
    readonly client: { id: string; secret?: string; redirectUri: string },
    readonly apiAudience: string,
    /** `localhost` puts the provider on another site than a console on 127.0.0.1, as in real life. */
    private readonly host: '127.0.0.1' | 'localhost' = '127.0.0.1',
  ) {}

  get jwksUrl(): string {
    return `${this.issuer}/jwks`;
  }

  async start(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    this.key = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' } };
    this.rogueKey = (await generateKeyPair('RS256')).privateKey;
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: Error) => {
        response.statusCode = 500;
        response.end(error.message);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://${this.host}:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Ends every session at the provider: no refresh token works any more. */
  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  /** An access token as the provider issues them (for tests that need one outside a sign-in). */
  accessToken(account: TestAccount, options: { rogue?: boolean; audience?: string } = {}): Promise<string> {
    const { sub, ...claims } = account;
    return this.sign({ ...claims, scope: 'openid profile' }, sub, options.audience ?? this.apiAudience, options.rogue);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url!, this.issuer);
    const send = (status: number, body: unknown, type = 'application/json') => {
      response.statusCode = status;
      response.setHeader('content-type', type);
      response.setHeader('cache-control', 'no-store');
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (request.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return send(200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/authorize`,
        token_endpoint: `${this.issuer}/token`,
        jwks_uri: this.jwksUrl,
        end_session_endpoint: `${this.issuer}/logout`,
        revocation_endpoint: `${this.issuer}/revoke`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
      });
    }
    if (request.method === 'GET' && url.pathname === '/jwks') return send(200, { keys: [this.key!.jwk] });
    if (url.pathname === '/authorize') return this.authorize(request, url, response, send);
    if (request.method === 'POST' && url.pathname === '/token') return this.token(request, send);
    if (request.method === 'POST' && url.pathname === '/revoke') return this.revoke(request, send);
    send(404, { error: 'not_found' });
  }

  /**
   * GET shows a sign-in page (the person presses Sign in); POST (that button) or GET with
   * `prompt=none` answers. Refuses, as a provider must, a client or redirect URI it does not know, and
   * a request without an S256 code challenge.
   */
  private async authorize(request: IncomingMessage, url: URL, response: ServerResponse, send: (status: number, body: unknown, type?: string) => void): Promise<void> {
    const params = request.method === 'POST' ? new URLSearchParams(await readBody(request)) : url.searchParams;
    if (request.method === 'GET') this.authorizeRequests.push(new URLSearchParams(params));
    if (params.get('client_id') !== this.client.id || params.get('redirect_uri') !== this.client.redirectUri) {
      return send(400, 'unknown client or redirect_uri', 'text/plain');
    }
    const back = new URL(this.client.redirectUri);
    const state = params.get('state');
    if (state) back.searchParams.set('state', state);
    const fail = (error: string, description: string) => {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', description);
      response.writeHead(302, { location: back.toString() }).end();
    };
    if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'only code');
    if (!(params.get('scope') ?? '').split(' ').includes('openid')) return fail('invalid_scope', 'openid is required');
    if (!params.get('code_challenge') || params.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'PKCE with S256 is required');
    if (!params.get('nonce')) return fail('invalid_request', 'nonce is required');
    if (request.method === 'GET') {
      const hidden = [...params].map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`).join('');
      return send(200, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Library account</title></head><body>
        <h1>Library account</h1><p>Signing in as ${escape(this.account.name ?? this.account.sub)} to ${escape(this.client.id)}.</p>
        <form method="post" action="/authorize">${hidden}<button type="submit">Sign in to the library</button></form></body></html>`, 'text/html; charset=utf-8');
    }
    if (this.refuseWith) return fail(this.refuseWith, 'the person refused');
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { clientId: this.client.id, redirectUri: this.client.redirectUri, challenge: params.get('code_challenge')!, nonce: params.get('nonce')!, account: this.account, used: false });
    back.searchParams.set('code', code);
    back.searchParams.set('iss', this.issuer);
    response.writeHead(302, { location: back.toString() }).end();
  }

  /** What the browser would be sent back to once the person pressed Sign in (for tests that drive HTTP). */
  async authorizeWithoutBrowser(authorizationUrl: string): Promise<URL> {
    const params = new URL(authorizationUrl).searchParams;
    const response = await fetch(`${this.issuer}/authorize`, { method: 'POST', body: params, redirect: 'manual' });
    if (response.status !== 302) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
    return new URL(response.headers.get('location')!);
  }

  private async token(request: IncomingMessage, send: (status: number, body: unknown) => void): Promise<void> {
    const form = Object.fromEntries(new URLSearchParams(await readBody(request)));
    this.tokenRequests.push({ headers: request.headers, form });
    const refuse = (error: string, description: string, status = 400) => send(status, { error, error_description: description });
    if (this.client.secret) {
      const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
      const [id, secret] = basic ? Buffer.from(basic[1], 'base64').toString().split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' '))) : [];
      if (id !== this.client.id || secret !== this.client.secret) return refuse('invalid_client', 'client authentication failed', 401);
    } else if (form.client_id !== this.client.id) {
      return refuse('invalid_client', 'unknown client', 401);
    }
    if (form.grant_type === 'refresh_token') {
      const account = this.refreshTokens.get(form.refresh_token ?? '');
      if (!account) return refuse('invalid_grant', 'unknown, used or revoked refresh token');
      this.refreshTokens.delete(form.refresh_token);
      const bad = this.misbehave;
      this.misbehave = {};
      const { sub, ...claims } = account;
      const accessToken = await this.sign({ ...claims, scope: 'openid profile' }, bad.accessTokenSubject ?? sub, bad.accessTokenAudience ?? this.apiAudience, bad.accessTokenSignedByAnotherKey);
      return send(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, refresh_token: this.newRefreshToken(account) });
    }
    if (form.grant_type !== 'authorization_code') return refuse('unsupported_grant_type', 'only authorization_code and refresh_token');
    const issued = this.codes.get(form.code ?? '');
    if (!issued || issued.used) return refuse('invalid_grant', 'unknown or used code');
    issued.used = true;
    if (form.redirect_uri !== issued.redirectUri) return refuse('invalid_grant', 'redirect_uri differs from the authorization request');
    const challenge = createHash('sha256').update(form.code_verifier ?? '', 'ascii').digest('base64url');
    if (!form.code_verifier || challenge !== issued.challenge) return refuse('invalid_grant', 'PKCE verification failed');

    const bad = this.misbehave;
    this.misbehave = {};
    const { sub, ...claims } = issued.account;
    const accessToken = await this.sign({ ...claims, scope: 'openid profile' }, bad.accessTokenSubject ?? sub, bad.accessTokenAudience ?? this.apiAudience, bad.accessTokenSignedByAnotherKey);
    const atHash = createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
    const idToken = await this.sign(
      { nonce: bad.idTokenNonce ?? issued.nonce, name: issued.account.name, at_hash: atHash, auth_time: Math.floor(Date.now() / 1000) },
      sub,
      bad.idTokenAudience ?? issued.clientId,
      bad.idTokenSignedByAnotherKey,
    );
    send(200, {
      access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: 3600,
      ...(this.issueRefreshTokens ? { refresh_token: this.newRefreshToken(issued.account) } : {}),
    });
  }

  /** RFC 7009: the client hands a refresh token back; unknown tokens are fine too (200 either way). */
  private async revoke(request: IncomingMessage, send: (status: number, body: unknown) => void): Promise<void> {
    const form = Object.fromEntries(new URLSearchParams(await readBody(request)));
    this.revocations.push(form);
    if (this.client.secret && !/^Basic /.test(request.headers.authorization ?? '')) return send(401, { error: 'invalid_client' });
    this.refreshTokens.delete(form.token ?? '');
    send(200, '');
  }

  private newRefreshToken(account: TestAccount): string {
    const token = randomBytes(24).toString('base64url');
    this.refreshTokens.set(token, account);
    return token;
  }

  private sign(claims: Record<string, unknown>, sub: string, audience: string, rogue = false): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.key!.jwk.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(sub)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(rogue ? this.rogueKey! : this.key!.privateKey);
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString()));
    request.on('error', reject);
  });
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
