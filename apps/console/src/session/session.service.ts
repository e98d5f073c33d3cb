import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { TokenVerifier } from '@app/auth';
import { BranchRegistry } from '@app/platform/config/branches';
import { ConsoleEnvironment } from '../config/console-environment';
import { ConsoleSession } from './console-session';
import { readCookie, SESSION_COOKIE } from './cookies';

/** Raised when nobody (or an expired token) is signed in; pages answer it with the sign-in screen. */
export class SignInRequired extends UnauthorizedException {
  constructor(
    message: string,
    /** Why the token was refused, when there was one (expired, wrong audience, …). */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/**
 * Works out who is signed in: a bearer header passed by a script or tool wins, otherwise the session
 * cookie. The token is verified exactly as the services verify it (same secret or JWKS), only to
 * show the right screens; the services still decide every request on their own.
 */
@Injectable()
export class SessionService {
  private readonly verifier: TokenVerifier;

  constructor(
    env: ConsoleEnvironment,
    private readonly registry: BranchRegistry,
  ) {
    this.verifier = new TokenVerifier({
      mode: env.AUTH_MODE,
      secret: env.JWT_SECRET,
      jwksUrl: env.JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    });
  }

  tokenOf(request: Request): string | undefined {
    const header = request.headers.authorization;
    if (header && /^Bearer\s+\S+/i.test(header)) return header.replace(/^Bearer\s+/i, '').trim();
    return readCookie(request.headers.cookie, SESSION_COOKIE) || undefined;
  }

  async sessionOf(request: Request): Promise<ConsoleSession> {
    const token = this.tokenOf(request);
    if (!token) throw new SignInRequired('you are not signed in');
    return this.sessionFor(token);
  }

  /** The session a token makes: the same checks for a request's token and a freshly issued one. */
  async sessionFor(token: string): Promise<ConsoleSession> {
    let user;
    try {
      user = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof UnauthorizedException) throw new SignInRequired(`your sign-in is no longer valid (${error.message})`, error.message);
      throw error;
    }
    if (!user.isStaff) throw new ForbiddenException('the console is for library staff; partners use their own API');
    const branches = user.allBranches ? this.registry.codes : user.branches.filter((code) => this.registry.has(code));
    return { token, user, branches };
  }
}
