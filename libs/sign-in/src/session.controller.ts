import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx } from '@app/audit';
import { CurrentWebSession, Public, WebSession } from '@app/auth';
import { RequestContext } from '@app/common';
import { DevUserView, SessionView, SignInService } from './sign-in.service';

/** The signed-in person, for the web application. */
@ApiTags('sign-in')
@Controller('api/v1/session')
export class SessionController {
  constructor(private readonly signIn: SignInService) {}

  /** Who is signed in, the CSRF token for requests that change state, and when the session ends. */
  @Get()
  session(@Ctx() ctx: RequestContext, @CurrentWebSession() session: WebSession | undefined): Promise<SessionView> {
    return this.signIn.describe(ctx, ctx.actor!, session);
  }

  /** What the sign-in page offers: the demo users (development on loopback only). */
  @Public()
  @Get('options')
  options(): { devUsers: DevUserView[] } {
    return { devUsers: this.signIn.devUsers() };
  }
}
