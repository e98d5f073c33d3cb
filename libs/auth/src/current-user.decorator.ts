import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthenticatedUser } from './authenticated-user';

/** The caller of an authenticated route: `handler(@CurrentUser() user: AuthenticatedUser)`. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<{ user?: unknown }>().user;
  // A public route has no user; asking for one there is a programming error, not a client one.
  if (!(user instanceof AuthenticatedUser)) {
    throw new Error('@CurrentUser() used on a route that is not authenticated (is it @Public()?)');
  }
  return user;
});
