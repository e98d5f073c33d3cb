import { createHash } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TokenVerifier } from '@app/auth';
import { sealSessionGrant, sealSignInState } from '../src/session/oidc/sign-in-state';
import { startConsole } from './console-app';
import { TestIdentityProvider } from './oidc-provider';

const CLIENT = { id: 'technician-console', secret: 'console client secret', redirectUri: 'http://console.test/auth/callback' };
const AUDIENCE = 'technical-services';
const STATE_SECRET = 'a-state-secret-of-at-least-32-characters!';

type Res = request.Response;

function cookies(res: Res): string[] {
  return (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
}

function cookieLine(res: Res, name: string): string | undefined {
  return cookies(res).find((line) => line.startsWith(`${name}=`));
}

/** Production sign-in against a real (small) OpenID Connect provider, the console in-process. */
describe('console sign-in at the identity provider (integration)', () => {
  const idp = new TestIdentityProvider(CLIENT, AUDIENCE);
  let app: INestApplication;
  let http: () => ReturnType<typeof request>;

  beforeAll(async () => {
    await idp.start();
    ({ app, http } = await startConsole({
      AUTH_MODE: 'jwks',
      JWKS_URL: idp.jwksUrl,
      JWT_ISSUER: idp.issuer,
      JWT_AUDIENCE: AUDIENCE,
      OIDC_ISSUER_URL: idp.issuer,
      OIDC_CLIENT_ID: CLIENT.id,
      OIDC_CLIENT_SECRET: CLIENT.secret,
      OIDC_REDIRECT_URL: CLIENT.redirectUri,
      OIDC_STATE_SECRET: STATE_SECRET,
    }));
  });

  afterAll(async () => {
    await app?.close();
    await idp.stop();
  });

  beforeEach(() => {
    idp.account = { sub: 'tess', name: 'Tess Tech', roles: ['technician'], branches: ['CEN'] };
    idp.refuseWith = undefined;
    idp.misbehave = {};
    idp.issueRefreshTokens = true;
  });

  /** `/sign-in`: the provider's address to go to, and the sign-in cookie as the browser would send it back. */
  async function startSignIn(next = '/queues'): Promise<{ authorizationUrl: URL; cookie: string; setCookie: string }> {
    const res = await http().get(`/sign-in?next=${encodeURIComponent(next)}`).expect(302);
    const setCookie = cookieLine(res, 'console_sign_in')!;
    expect(setCookie).toBeDefined();
    return { authorizationUrl: new URL(res.headers.location), cookie: setCookie.split(';')[0], setCookie };
  }

  function callback(answer: URL | string, cookie?: string): request.Test {
    const search = typeof answer === 'string' ? answer : answer.search;
    const req = http().get(`/auth/callback${search}`);
    return cookie ? req.set('Cookie', cookie) : req;
  }

  /** The whole round: start, the person presses Sign in at the provider, the browser comes back. */
  async function signInRound(next = '/queues'): Promise<Res> {
    const { authorizationUrl, cookie } = await startSignIn(next);
    return callback(await idp.authorizeWithoutBrowser(authorizationUrl.toString()), cookie);
  }

  function expectNoSession(res: Res): void {
    expect(cookieLine(res, 'console_session')).toBeUndefined();
  }

  it('sends the browser to the provider with state, nonce and an S256 challenge kept in a short-lived cookie for the callback only', async () => {
    const { authorizationUrl, setCookie } = await startSignIn();
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${idp.issuer}/authorize`);
    const params = Object.fromEntries(authorizationUrl.searchParams);
    expect(params).toMatchObject({ response_type: 'code', client_id: CLIENT.id, redirect_uri: CLIENT.redirectUri, scope: 'openid profile', code_challenge_method: 'S256' });
    for (const name of ['state', 'nonce', 'code_challenge']) expect(params[name]).toMatch(/^[\w-]{43}$/);
    expect(params.state).not.toBe(params.nonce);
    expect(setCookie).toMatch(/^console_sign_in=[\w.-]+; Max-Age=600; Path=\/auth\/callback; Expires=.*; HttpOnly; SameSite=Lax$/);
    // Sealed: neither the state nor the verifier can be read from the cookie.
    expect(setCookie).not.toContain(params.state);
  });

  it('signs the person in: the code is exchanged with the PKCE verifier, and the session holds the access token the services accept', async () => {
    const before = idp.tokenRequests.length;
    const { authorizationUrl, cookie } = await startSignIn('/queues/pulls?branch=CEN');
    const res = await callback(await idp.authorizeWithoutBrowser(authorizationUrl.toString()), cookie).expect(200);

    const exchange = idp.tokenRequests[before];
    expect(idp.tokenRequests).toHaveLength(before + 1);
    expect(exchange.form).toMatchObject({ grant_type: 'authorization_code', redirect_uri: CLIENT.redirectUri });
    expect(createHash('sha256').update(exchange.form.code_verifier).digest('base64url')).toBe(authorizationUrl.searchParams.get('code_challenge'));
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT.id}:console+client+secret`).toString('base64')}`);

    const session = cookieLine(res, 'console_session')!;
    expect(session).toMatch(/^console_session=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=\d+; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/);
    expect(cookieLine(res, 'console_sign_in')).toMatch(/^console_sign_in=; Path=\/auth\/callback; Expires=Thu, 01 Jan 1970/);
    // A page that moves on, not a redirect (see the controller): to where the person was going.
    expect(res.text).toContain('<meta http-equiv="refresh" content="0; url=/queues/pulls?branch=CEN">');

    const token = session.split(';')[0].split('=')[1];
    const user = await new TokenVerifier({ mode: 'jwks', jwksUrl: idp.jwksUrl, issuer: idp.issuer, audience: AUDIENCE }).verify(token);
    expect(user).toMatchObject({ id: 'tess', roles: ['technician'], branches: ['CEN'] });
    const page = await http().get('/scan').set('Cookie', session.split(';')[0]).expect(200);
    expect(page.text).toContain('<strong>Tess Tech</strong> · technician · CEN');
  });

  it('refuses an answer whose state was changed, without spending the code', async () => {
    const { authorizationUrl, cookie } = await startSignIn();
    const answer = await idp.authorizeWithoutBrowser(authorizationUrl.toString());
    const before = idp.tokenRequests.length;
    const state = answer.searchParams.get('state')!;
    answer.searchParams.set('state', state.slice(0, -1) + (state.endsWith('A') ? 'B' : 'A'));
    const res = await callback(answer, cookie).expect(400);
    expect(res.text).toContain('does not belong to the sign-in started in this browser (state mismatch)');
    expect(res.text).toContain('Sign in again');
    expectNoSession(res);
    expect(idp.tokenRequests).toHaveLength(before);
  });

  it('refuses an answer that comes back to a browser that did not start the sign-in (no sign-in cookie)', async () => {
    const { authorizationUrl } = await startSignIn();
    const res = await callback(await idp.authorizeWithoutBrowser(authorizationUrl.toString())).expect(400);
    expect(res.text).toContain('No sign-in was in progress in this browser');
    expectNoSession(res);
  });

  it('refuses a sign-in cookie that was altered', async () => {
    const { authorizationUrl, cookie } = await startSignIn();
    const answer = await idp.authorizeWithoutBrowser(authorizationUrl.toString());
    const altered = cookie.slice(0, -3) + (cookie.endsWith('AAA') ? 'BBB' : 'AAA');
    const res = await callback(answer, altered).expect(400);
    expect(res.text).toContain('The sign-in cookie was not made by this console');
    expectNoSession(res);
  });

  it('refuses a sign-in started more than ten minutes ago, saying to sign in again', async () => {
    const elevenMinutesAgo = new Date(Date.now() - 11 * 60_000);
    const stale = await sealSignInState({ state: 's'.repeat(43), nonce: 'n'.repeat(43), verifier: 'v'.repeat(43), next: '/scan' }, STATE_SECRET, elevenMinutesAgo);
    const res = await callback(`?code=anything&state=${'s'.repeat(43)}`, `console_sign_in=${stale}`).expect(400);
    expect(res.text).toContain('This sign-in was started more than 10 minutes ago and has expired');
    expectNoSession(res);
  });

  it('refuses a code issued to another sign-in: the PKCE verifier of this one does not match it', async () => {
    const first = await startSignIn();
    const second = await startSignIn();
    const firstCode = (await idp.authorizeWithoutBrowser(first.authorizationUrl.toString())).searchParams.get('code')!;
    const injected = new URL(CLIENT.redirectUri);
    injected.search = new URLSearchParams({ code: firstCode, state: second.authorizationUrl.searchParams.get('state')!, iss: idp.issuer }).toString();
    const res = await callback(injected, second.cookie).expect(502);
    expect(res.text).toContain('did not accept the sign-in code: invalid_grant (PKCE verification failed)');
    expectNoSession(res);
  });

  it.each([
    ['an ID token signed by a key the provider never published', { idTokenSignedByAnotherKey: true }, "ID token was not accepted: its signature does not match the provider&#39;s published keys"],
    ['an ID token issued to another client', { idTokenAudience: 'another-app' }, 'ID token was not accepted: it was issued to another client (aud)'],
    ['an ID token with another nonce (a replay)', { idTokenNonce: 'n'.repeat(43) }, 'ID token was not accepted: its nonce is not the one this sign-in sent'],
    ['an access token signed by another key', { accessTokenSignedByAnotherKey: true }, 'access token was not accepted: invalid token signature'],
    ['an access token for another audience', { accessTokenAudience: 'wiki' }, 'access token was not accepted: token audience not accepted'],
    ['an access token naming another person', { accessTokenSubject: 'mallory' }, 'access token names mallory, but the ID token names tess'],
  ])('refuses %s', async (_case, misbehaviour, message) => {
    idp.misbehave = misbehaviour;
    const res = await signInRound();
    expect(res.status).toBe(401);
    expect(res.text).toContain(message);
    expect(res.text).toContain('Tell your system administrator');
    expectNoSession(res);
  });

  it("shows the provider's refusal with what to do, and only for the sign-in this browser started", async () => {
    idp.refuseWith = 'access_denied';
    const res = await signInRound();
    expect(res.status).toBe(403);
    expect(res.text).toContain('The identity provider did not sign you in: access_denied (the person refused)');
    expect(res.text).toContain('ask your system administrator for access to the technician console');
    expectNoSession(res);

    const { cookie } = await startSignIn();
    const forged = await callback('?error=access_denied&error_description=Call+0800+to+unlock&state=forged', cookie).expect(400);
    expect(forged.text).not.toContain('0800');
    expect(forged.text).toContain('state mismatch');
  });

  it('refuses a library account without a staff role, saying whom to ask', async () => {
    idp.account = { sub: 'acme', name: 'Acme Bindery', roles: ['bindery-vendor'], partnerId: 'acme' };
    const res = await signInRound();
    expect(res.status).toBe(403);
    expect(res.text).toContain('Your library account may not use the console: the console is for library staff');
    expectNoSession(res);
  });

  it("signs out: the session cookie is cleared and a page confirms it, with the provider's own sign-out", async () => {
    const session = cookieLine(await signInRound(), 'console_session')!.split(';')[0];
    const res = await http().post('/sign-out').set('Cookie', session).expect(303);
    expect(res.headers.location).toBe('/signed-out');
    expect(cookieLine(res, 'console_session')).toMatch(/^console_session=; Path=\/; Expires=Thu, 01 Jan 1970/);
    expect(cookieLine(res, 'console_grant')).toMatch(/^console_grant=; Path=\/; Expires=Thu, 01 Jan 1970/);
    const page = await http().get('/signed-out').expect(200);
    expect(page.text).toContain('You are signed out of the console.');
    expect(page.text).toContain(`href="${idp.issuer}/logout?client_id=${CLIENT.id}"`);
  });

  describe('past the access token: renewed by the refresh token', () => {
    const valueOf = (line: string | undefined) => line!.split(';')[0];
    const verifier = () => new TokenVerifier({ mode: 'jwks', jwksUrl: idp.jwksUrl, issuer: idp.issuer, audience: AUDIENCE });
    /** A browser whose session cookie has expired (and been dropped) keeps only the grant cookie. */
    const afterExpiry = async () => valueOf(cookieLine(await signInRound(), 'console_grant'));

    it('keeps the sealed refresh token in its own cookie, for the eight hours of the session', async () => {
      const grant = cookieLine(await signInRound(), 'console_grant')!;
      expect(grant).toMatch(/^console_grant=[\w-]*\.[\w-]*\.[\w-]*\.[\w-]*\.[\w-]*; Max-Age=28(?:79\d|800); Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/);
      idp.issueRefreshTokens = false;
      const without = await signInRound();
      expect(cookieLine(without, 'console_session')).toBeDefined();
      expect(cookieLine(without, 'console_grant')).toMatch(/^console_grant=; Path=\/; Expires=Thu, 01 Jan 1970/);
    });

    it('serves the page with a new access token for the same person, and rotates the refresh token', async () => {
      const grant = await afterExpiry();
      const before = idp.tokenRequests.length;
      const page = await http().get('/scan').set('Cookie', grant).expect(200);
      expect(page.text).toContain('<strong>Tess Tech</strong> · technician · CEN');
      expect(idp.tokenRequests).toHaveLength(before + 1);
      expect(idp.tokenRequests[before].form).toMatchObject({ grant_type: 'refresh_token' });
      expect(idp.tokenRequests[before].headers.authorization).toMatch(/^Basic /);
      const session = cookieLine(page, 'console_session')!;
      expect(session).toMatch(/; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/);
      expect(await verifier().verify(valueOf(session).split('=')[1])).toMatchObject({ id: 'tess' });
      const rotated = valueOf(cookieLine(page, 'console_grant'));
      expect(rotated).not.toBe(grant);
      // The rotated grant renews again; the old one, sent again by a page's other requests, reuses the same answer.
      await http().get('/scan').set('Cookie', rotated).expect(200);
      const asked = idp.tokenRequests.length;
      await Promise.all([1, 2, 3].map(() => http().get('/scan').set('Cookie', grant).expect(200)));
      expect(idp.tokenRequests).toHaveLength(asked);
    });

    it('ends the session when the provider has ended it: the grant is cleared and the person signs in again', async () => {
      const grant = await afterExpiry();
      idp.revokeRefreshTokens();
      const res = await http().get('/scan').set('Cookie', grant).expect(303);
      expect(res.headers.location).toBe('/sign-in?next=%2Fscan');
      expect(cookieLine(res, 'console_grant')).toMatch(/^console_grant=; Path=\/; Expires=Thu, 01 Jan 1970/);
      expectNoSession(res);
    });

    it('refuses a refreshed token that names someone else', async () => {
      const grant = await afterExpiry();
      idp.misbehave = { accessTokenSubject: 'mallory' };
      const res = await http().get('/scan').set('Cookie', grant).expect(303);
      expect(cookieLine(res, 'console_grant')).toMatch(/^console_grant=;/);
      expectNoSession(res);
    });

    it('asks the provider nothing for a grant it did not seal, one past the session\'s end, or beside a bearer header', async () => {
      const grant = await afterExpiry();
      const before = idp.tokenRequests.length;
      const tampered = `${grant.slice(0, -2)}${grant.endsWith('A') ? 'BB' : 'AA'}`;
      expect(cookieLine(await http().get('/scan').set('Cookie', tampered).expect(303), 'console_grant')).toMatch(/^console_grant=;/);
      const eightHoursAgo = new Date(Date.now() - 8 * 3_600_000 - 60_000);
      const ended = await sealSessionGrant({ refreshToken: 'whatever', subject: 'tess', until: new Date(Date.now() - 60_000) }, STATE_SECRET, eightHoursAgo);
      expect(cookieLine(await http().get('/scan').set('Cookie', `console_grant=${ended}`).expect(303), 'console_grant')).toMatch(/^console_grant=;/);
      // A script's own bearer header goes to the service as it is (none runs here: 502), never renewed.
      const withBearer = await http().get('/api/cataloging/items').set('Cookie', grant).set('Authorization', 'Bearer not-a-token').expect(502);
      expect(cookieLine(withBearer, 'console_session')).toBeUndefined();
      expect(idp.tokenRequests).toHaveLength(before);
    });

    it('hands the refresh token back to the provider at sign-out, so the grant renews nothing any more', async () => {
      const signedIn = await signInRound();
      const grant = valueOf(cookieLine(signedIn, 'console_grant'));
      const before = idp.revocations.length;
      const out = await http().post('/sign-out').set('Cookie', [valueOf(cookieLine(signedIn, 'console_session')), grant].join('; ')).expect(303);
      expect(cookieLine(out, 'console_grant')).toMatch(/^console_grant=;/);
      expect(idp.revocations).toHaveLength(before + 1);
      expect(idp.revocations[before]).toMatchObject({ token_type_hint: 'refresh_token' });
      // A copy of the grant cookie kept from before the sign-out is worth nothing now.
      await http().get('/scan').set('Cookie', grant).expect(303);
    });

    it('forgets a renewal answered moments before the sign-out: an older copy of the grant cannot reuse it', async () => {
      const older = await afterExpiry();
      const renewed = await http().get('/scan').set('Cookie', older).expect(200);
      await http().get('/scan').set('Cookie', older).expect(200); // reused within seconds, as a page's other requests do
      await http().post('/sign-out').set('Cookie', [valueOf(cookieLine(renewed, 'console_session')), valueOf(cookieLine(renewed, 'console_grant'))].join('; ')).expect(303);
      await http().get('/scan').set('Cookie', older).expect(303);
    });

    it("renews for the page's scripts too: an API call whose session cookie has gone goes on with a new token", async () => {
      const grant = await afterExpiry();
      const before = idp.tokenRequests.length;
      const res = await http().get('/api/cataloging/items').set('Cookie', grant).expect(502); // past sign-in: no service runs here
      expect(idp.tokenRequests).toHaveLength(before + 1);
      expect(cookieLine(res, 'console_session')).toBeDefined();
      idp.revokeRefreshTokens();
      const refused = await http().get('/api/cataloging/items').set('Cookie', valueOf(cookieLine(res, 'console_grant'))).expect(401);
      expect(refused.body).toMatchObject({ message: 'you are not signed in', signIn: '/sign-in' });
    });
  });

  it('keeps the development sign-in off', async () => {
    const res = await http().post('/sign-in').type('form').send({ role: 'admin', branch: '*' }).expect(403);
    expectNoSession(res);
  });
});

describe('console sign-in when the identity provider cannot be reached (integration)', () => {
  let app: INestApplication;
  let http: () => ReturnType<typeof request>;

  beforeAll(async () => {
    ({ app, http } = await startConsole({
      AUTH_MODE: 'jwks',
      JWKS_URL: 'http://127.0.0.1:9/jwks',
      OIDC_ISSUER_URL: 'http://127.0.0.1:9',
      OIDC_CLIENT_ID: CLIENT.id,
      OIDC_REDIRECT_URL: CLIENT.redirectUri,
      OIDC_STATE_SECRET: STATE_SECRET,
    }));
  });

  afterAll(() => app?.close());

  it('says so on a page, with what to do, and sets no cookie', async () => {
    const res = await http().get('/sign-in').expect(503);
    expect(res.text).toContain('Cannot reach the identity provider at http://127.0.0.1:9');
    expect(res.text).toContain('Try again in a minute');
    expect(cookies(res)).toEqual([]);
  });
});
