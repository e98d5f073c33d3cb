import { Body, Controller, ForbiddenException, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { mintDevelopmentToken, Role, STAFF_ROLES } from '@app/auth';
import { BranchRegistry } from '@app/platform/config/branches';
import { ConsoleEnvironment } from '../config/console-environment';
import { html } from '../pages/html';
import { Layout } from '../pages/layout';
import { CALLBACK_PATH, safeNext, SESSION_COOKIE, SIGN_IN_STATE_COOKIE } from './cookies';
import { OidcClient } from './oidc/oidc-client';
import { SIGN_IN_STATE_TTL_SECONDS } from './oidc/sign-in-state';
import { SessionRenewal } from './session-renewal.service';
import { signInProblemPage } from './sign-in-problem.page';

const SESSION_HOURS = 8;
const ROLE_LABELS: Record<string, string> = {
  technician: 'Technician',
  'senior-technician': 'Senior technician',
  cataloger: 'Cataloger',
  librarian: 'Librarian',
  admin: 'Administrator',
};

/**
 * Sign-in. In production people sign in at the library's identity provider (OpenID Connect: `/sign-in`
 * sends them there and `/auth/callback` brings them back; see the console section of the README). In
 * development a screen picks a role and branch and the console mints a development token — refused
 * outright when development sign-in is off.
 */
@ApiExcludeController()
@Controller()
export class SignInController {
  constructor(
    private readonly env: ConsoleEnvironment,
    private readonly registry: BranchRegistry,
    private readonly layout: Layout,
    private readonly oidc: OidcClient,
    private readonly renewal: SessionRenewal,
  ) {}

  @Get()
  home(@Res() response: Response): void {
    response.redirect(302, '/scan');
  }

  @Get('sign-in')
  async page(
    @Res({ passthrough: true }) response: Response,
    @Query('next') next?: string,
    @Query('reason') reason?: string,
    @Query('error') error?: string,
  ): Promise<string | void> {
    response.type('html');
    if (this.oidc.enabled) return this.toIdentityProvider(response, safeNext(next));
    const why = reason ? html`<div class="message warning" role="alert"><p>${reason}</p><p>Sign in again to go on.</p></div>` : '';
    const problem = error ? html`<div class="message error" role="alert"><p>${error}</p></div>` : '';
    if (!this.env.devSignIn) {
      const body = html`<h1>Sign in</h1>${why}
        <div class="message warning" role="alert">
          <p>This console takes its sign-in from the library's identity provider, and none came with this request.</p>
          <p>Open the console through the library's sign-in address, or ask your system administrator to set up sign-in (see the console section of the README).</p>
        </div>`;
      return this.layout.render({ title: 'Sign in', active: 'sign-in', body });
    }
    const body = html`<h1>Sign in</h1>${why}${problem}
      <p class="help">Development sign-in: pick who you are working as. Production consoles sign in at the library's identity provider instead.</p>
      <form method="post" action="/sign-in" class="sign-in-form">
        <input type="hidden" name="next" value="${safeNext(next)}">
        <div class="field">
          <label for="name">Your name</label>
          <input id="name" name="name" autocomplete="name" maxlength="60" aria-describedby="name-help">
          <p id="name-help" class="help">Shown in item histories; leave empty to use the role.</p>
        </div>
        <div class="field">
          <label for="role">Role</label>
          <select id="role" name="role">${STAFF_ROLES.map((role) => html`<option value="${role}">${ROLE_LABELS[role] ?? role}</option>`)}</select>
        </div>
        <div class="field">
          <label for="branch">Branch</label>
          <select id="branch" name="branch">
            ${this.registry.branches.map((b) => html`<option value="${b.code}">${b.code} — ${b.name}</option>`)}
            <option value="*">All branches</option>
          </select>
        </div>
        <button type="submit">Sign in</button>
      </form>`;
    return this.layout.render({ title: 'Sign in', active: 'sign-in', body });
  }

  @Post('sign-in')
  async signIn(@Body() body: Record<string, string>, @Res() response: Response): Promise<void> {
    if (!this.env.devSignIn) {
      throw new ForbiddenException('development sign-in is off on this console: sign in through the library identity provider at /sign-in');
    }
    const role = String(body.role ?? '');
    const branch = String(body.branch ?? '');
    const next = safeNext(body.next);
    const retry = (error: string) => response.redirect(303, `/sign-in?next=${encodeURIComponent(next)}&error=${encodeURIComponent(error)}`);
    if (!STAFF_ROLES.includes(role as Role)) return retry(`Pick a role from the list (${STAFF_ROLES.join(', ')}).`);
    if (branch !== '*' && !this.registry.has(branch)) return retry(`Pick a branch from the list (${this.registry.codes.join(', ')}).`);
    const name = String(body.name ?? '').trim().slice(0, 60);
    const token = await mintDevelopmentToken(
      { sub: `dev-${(name || role).toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, roles: [role], branches: [branch], ...(name ? { name } : {}) },
      this.env.JWT_SECRET,
      `${SESSION_HOURS}h`,
      { issuer: this.env.JWT_ISSUER, audience: this.env.JWT_AUDIENCE },
    );
    response.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.env.secureCookies,
      path: '/',
      maxAge: SESSION_HOURS * 3_600_000,
    });
    response.redirect(303, next);
  }

  @Post('sign-out')
  async signOut(@Req() request: Request, @Res() response: Response): Promise<void> {
    response.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: this.env.secureCookies });
    await this.renewal.endGrant(request, response);
    // With the identity provider, /sign-in would sign the person straight back in (their provider
    // session is still open): a page confirms the sign-out instead.
    response.redirect(303, this.oidc.enabled ? '/signed-out' : '/sign-in');
  }

  /**
   * Starts the OpenID Connect sign-in: the sealed state goes into a short-lived cookie only the
   * callback receives, the browser goes to the provider's authorization endpoint.
   */
  private async toIdentityProvider(response: Response, next: string): Promise<string | void> {
    let start;
    try {
      start = await this.oidc.begin(next);
    } catch (error) {
      const page = signInProblemPage(error, this.layout);
      if (!page) throw error;
      response.status(page.status);
      return page.html;
    }
    response.cookie(SIGN_IN_STATE_COOKIE, start.cookie, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.env.secureCookies,
      path: CALLBACK_PATH,
      maxAge: SIGN_IN_STATE_TTL_SECONDS * 1000,
    });
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(302, start.url);
  }
}
