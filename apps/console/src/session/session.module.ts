import { Global, Module } from '@nestjs/common';
import { ServiceClient } from '../upstream/service-client';
import { OidcCallbackController } from './oidc-callback.controller';
import { OidcClient } from './oidc/oidc-client';
import { SessionRenewal } from './session-renewal.service';
import { SessionService } from './session.service';
import { SignedInGuard } from './signed-in.guard';
import { SignInController } from './sign-in.controller';

/** Who is signed in, and the client that calls the services on their behalf. */
@Global()
@Module({
  controllers: [SignInController, OidcCallbackController],
  providers: [SessionService, SessionRenewal, SignedInGuard, ServiceClient, OidcClient],
  exports: [SessionService, SessionRenewal, SignedInGuard, ServiceClient],
})
export class SessionModule {}
