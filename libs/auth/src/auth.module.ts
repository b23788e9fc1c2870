import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Clock, SystemClock } from '@app/common';
import { AuthGuard } from './auth.guard';
import { WebSessionRepository } from './session/web-session.repository';
import { WebSessionService } from './session/web-session.service';
import { TokenVerifier } from './token-verifier';

/**
 * Import once per HTTP app: every route then needs a valid bearer token or browser session
 * unless marked @Public().
 */
@Module({
  providers: [TokenVerifier, WebSessionRepository, WebSessionService, { provide: Clock, useClass: SystemClock }, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenVerifier, WebSessionService],
})
export class AuthModule {}
