import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ConsoleSession } from './console-session';
import { SessionService } from './session.service';

type SessionRequest = Request & { consoleSession?: ConsoleSession };

/** Routes behind it need a signed-in member of staff; the session is attached for `@Session()`. */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SessionRequest>();
    request.consoleSession = await this.sessions.sessionOf(request);
    return true;
  }
}

export const Session = createParamDecorator((_: unknown, context: ExecutionContext): ConsoleSession => {
  const session = context.switchToHttp().getRequest<SessionRequest>().consoleSession;
  if (!session) throw new Error('@Session() used on a route without SignedInGuard');
  return session;
});
