import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ConsoleSession } from './console-session';
import { SessionRenewal } from './session-renewal.service';
import { SessionService, SignInRequired } from './session.service';

type SessionRequest = Request & { consoleSession?: ConsoleSession };

/**
 * Routes behind it need a signed-in member of staff; the session is attached for `@Session()`. An
 * expired identity-provider session is renewed here when it can be (SessionRenewal).
 */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionService,
    private readonly renewal: SessionRenewal,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SessionRequest>();
    try {
      request.consoleSession = await this.sessions.sessionOf(request);
    } catch (error) {
      if (!(error instanceof SignInRequired)) throw error;
      const renewed = await this.renewal.renew(request, context.switchToHttp().getResponse<Response>(), error);
      if (!renewed) throw error;
      request.consoleSession = renewed;
    }
    return true;
  }
}

export const Session = createParamDecorator((_: unknown, context: ExecutionContext): ConsoleSession => {
  const session = context.switchToHttp().getRequest<SessionRequest>().consoleSession;
  if (!session) throw new Error('@Session() used on a route without SignedInGuard');
  return session;
});
