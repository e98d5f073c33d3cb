import { Global, Module } from '@nestjs/common';
import { ServiceClient } from '../upstream/service-client';
import { SessionService } from './session.service';
import { SignedInGuard } from './signed-in.guard';
import { SignInController } from './sign-in.controller';

/** Who is signed in, and the client that calls the services on their behalf. */
@Global()
@Module({
  controllers: [SignInController],
  providers: [SessionService, SignedInGuard, ServiceClient],
  exports: [SessionService, SignedInGuard, ServiceClient],
})
export class SessionModule {}
