import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { AuthModule } from '@app/auth';
import { OidcClient } from './oidc-client';
import { SessionController } from './session.controller';
import { SignInController } from './sign-in.controller';
import { SignInService } from './sign-in.service';

/** Browser sign-in on the records API: /auth/login, /auth/callback, /auth/logout, /api/v1/session. */
@Module({
  imports: [AuthModule, AuditModule],
  controllers: [SignInController, SessionController],
  providers: [OidcClient, SignInService],
})
export class SignInHttpModule {}
