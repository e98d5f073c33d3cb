import { Controller, ForbiddenException, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ConsoleEnvironment } from '../config/console-environment';
import { html } from '../pages/html';
import { Layout } from '../pages/layout';
import { CALLBACK_PATH, readCookie, safeNext, SIGN_IN_STATE_COOKIE } from './cookies';
import { OidcClient, SignInProblem } from './oidc/oidc-client';
import { SessionRenewal } from './session-renewal.service';
import { SessionService, SignInRequired } from './session.service';
import { signInProblemPage } from './sign-in-problem.page';

/** The longest a console session lasts, however long the provider's access token would. */
const SESSION_HOURS = 8;
const TELL_ADMIN_TOKENS =
  'Tell your system administrator: the identity provider must issue JWT access tokens for the audience the services expect (JWT_AUDIENCE), signed with the keys at JWKS_URL, carrying the roles and branches claims.';

/**
 * The identity provider's answer (`/auth/callback`) and the page after signing out. A good answer
 * becomes the same session the console has always had: the cookie holds the access token the
 * console forwards, and the roles and branches are read from that token as the services read them.
 */
@ApiExcludeController()
@Controller()
export class OidcCallbackController {
  constructor(
    private readonly env: ConsoleEnvironment,
    private readonly oidc: OidcClient,
    private readonly sessions: SessionService,
    private readonly renewal: SessionRenewal,
    private readonly layout: Layout,
  ) {}

  @Get('auth/callback')
  async callback(@Query() query: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    response.type('html');
    response.setHeader('Cache-Control', 'no-store');
    if (!this.oidc.enabled) {
      response.status(404);
      return this.problem(new SignInProblem(404, 'this console does not sign in at an identity provider', 'Use Sign in.'), response);
    }
    // One use: whatever happens now, this sign-in attempt is over.
    response.clearCookie(SIGN_IN_STATE_COOKIE, { path: CALLBACK_PATH, httpOnly: true, sameSite: 'lax', secure: this.env.secureCookies });
    let next = '/scan';
    try {
      const finished = await this.oidc.finish(query, readCookie(request.headers.cookie, SIGN_IN_STATE_COOKIE));
      next = safeNext(finished.next);
      const session = await this.sessionOf(finished.accessToken);
      if (session.user.id !== finished.subject) {
        throw new SignInProblem(401, `the access token names ${session.user.id}, but the ID token names ${finished.subject}`, TELL_ADMIN_TOKENS);
      }
      const until = new Date(Date.now() + SESSION_HOURS * 3_600_000);
      this.renewal.sessionCookie(response, finished.accessToken, until);
      // With a refresh token the session outlives one access token, up to the same eight hours.
      if (finished.refreshToken) await this.renewal.grantCookie(response, { refreshToken: finished.refreshToken, subject: finished.subject, until });
      else this.renewal.clear(response);
    } catch (error) {
      return this.problem(error, response, next);
    }
    // Not a redirect: the browser arrived here from the provider's site, and a redirect would carry
    // that cross-site origin along, so the SameSite=Strict session cookie would not be sent with it.
    // Moving on from this page is a navigation from the console itself.
    return html`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=${next}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Signed in · Technician console</title><link rel="stylesheet" href="/assets/console.css"></head>
<body><main id="main"><h1>Signed in</h1><p><a href="${next}">Continue to the console</a></p></main></body></html>`.value;
  }

  @Get('signed-out')
  async signedOut(@Res({ passthrough: true }) response: Response): Promise<string> {
    response.type('html');
    const provider = this.oidc.enabled ? await this.oidc.endSessionUrl() : undefined;
    const body = html`<h1>Signed out</h1>
      <div class="message success" role="status"><p>You are signed out of the console.</p></div>
      ${provider ? html`<p>Your library account is still signed in at the identity provider, so signing in again will not ask for your password. On a shared computer, <a href="${provider}">sign out there too</a>.</p>` : ''}
      <p><a class="button" href="/sign-in">Sign in again</a></p>`;
    return this.layout.render({ title: 'Signed out', active: 'sign-in', body });
  }

  /** The provider's access token, checked exactly as every later request will check it. */
  private async sessionOf(accessToken: string) {
    try {
      return await this.sessions.sessionFor(accessToken);
    } catch (error) {
      if (error instanceof SignInRequired) throw new SignInProblem(401, `the identity provider's access token was not accepted: ${error.reason ?? error.message}`, TELL_ADMIN_TOKENS);
      if (error instanceof ForbiddenException) {
        throw new SignInProblem(403, `your library account may not use the console: ${error.message}`, 'Ask your system administrator for a library staff role (technician, cataloger, librarian) and your branch, then sign in again.');
      }
      throw error;
    }
  }

  private problem(error: unknown, response: Response, next?: string): string {
    const page = signInProblemPage(error, this.layout, next);
    if (!page) throw error;
    response.status(page.status);
    return page.html;
  }
}
