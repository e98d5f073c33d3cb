import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticatedUser } from './authenticated-user';
import { IS_PUBLIC_KEY } from './public.decorator';
import { ROLES_KEY } from './roles.decorator';
import { Role } from './roles';
import { TokenVerifier } from './token-verifier';

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthenticatedUser;
}
/** Fastify's reply and Express's response both have `header(name, value)`. */
interface HttpResponse {
  header?(name: string, value: string): unknown;
}

/**
 * Registered globally by AuthModule: every HTTP route needs a valid bearer token unless it is
 * `@Public()`, and then the role rules of `@Roles()` / `@PartnerRoute()` apply.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Message consumers in a hybrid app inherit global guards; the broker authenticates those, not us.
    if (context.getType() !== 'http') return true;

    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<HttpRequest>();
    const response = context.switchToHttp().getResponse<HttpResponse>();
    let user: AuthenticatedUser;
    try {
      user = await this.verifier.verify(bearerToken(request));
    } catch (error) {
      // RFC 6750: tell the client which scheme to use and why the token failed.
      if (error instanceof UnauthorizedException) response.header?.('WWW-Authenticate', challenge(request, error));
      throw error;
    }
    request.user = user;

    const required = this.reflector.getAllAndOverride<readonly Role[] | undefined>(ROLES_KEY, targets);
    if (!required) {
      if (!user.isStaff) throw new ForbiddenException('this route is for library staff; partner tokens may not call it');
      return true;
    }
    if (!user.hasAnyRole(required)) {
      const roles = required.join(', ');
      throw new ForbiddenException(`this route requires ${required.length === 1 ? 'role' : 'one of the roles'} ${roles}`);
    }
    return true;
  }
}

function bearerToken(request: HttpRequest): string {
  const header = request.headers.authorization;
  if (header === undefined || header === '') throw new UnauthorizedException('missing bearer token');
  const match = typeof header === 'string' ? /^Bearer +([^\s]+) *$/i.exec(header) : null;
  if (!match) throw new UnauthorizedException("malformed authorization header: expected 'Bearer <token>'");
  return match[1];
}

function challenge(request: HttpRequest, error: UnauthorizedException): string {
  // Without credentials the bare scheme is the answer; with bad ones, say why (quotes would break the header).
  if (!request.headers.authorization) return 'Bearer';
  const description = error.message.replace(/["\\]/g, "'");
  return `Bearer error="invalid_token", error_description="${description}"`;
}
