import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Ctx } from '@app/audit';
import { CurrentWebSession, Public, SESSION_COOKIE, WebSession, readCookie, sessionCookieOptions } from '@app/auth';
import { RequestContext } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { isLoopbackHost } from './demo-users';
import { SIGN_IN_COOKIE_PATH, SIGN_IN_REQUEST_TTL_MS, decodeSignInRequest, encodeSignInRequest, signInCookieName } from './sign-in-request';
import { SignInService } from './sign-in.service';

/** Where a failed sign-in ends: the app's sign-in page, which explains the code. */
const failurePage = (code: string) => `/anmelden?fehler=${encodeURIComponent(code)}`;

/** Browser sign-in (OpenID Connect authorization code flow with PKCE) and logout. */
@ApiTags('sign-in')
@Controller('auth')
export class SignInController {
  constructor(
    private readonly signIn: SignInService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sends the browser to the issuer; `returnTo` (a path of this site) is where it lands afterwards. */
  @Public()
  @Get('login')
  async login(@Ctx() ctx: RequestContext, @Query('returnTo') returnTo: unknown, @Query('loginHint') loginHint: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const canonical = this.canonicalOrigin(req);
    if (canonical) return res.redirect(302, `${canonical}${req.originalUrl}`);
    const begun = await this.signIn.begin(ctx, { returnTo, loginHint });
    res.setHeader('Cache-Control', 'no-store');
    if ('ok' in begun) return res.redirect(302, failurePage(begun.code));
    res.cookie(signInCookieName(begun.request.state), encodeSignInRequest(begun.request), {
      ...sessionCookieOptions(this.secure(req), SIGN_IN_REQUEST_TTL_MS),
      path: SIGN_IN_COOKIE_PATH,
    });
    res.redirect(302, begun.redirectUrl);
  }

  /** The issuer's answer: starts the session and returns to where the sign-in began. */
  @Public()
  @Get('callback')
  async callback(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(query)) if (typeof v === 'string') params[k] = v;
    const cookieName = params.state ? signInCookieName(params.state) : undefined;
    const request = cookieName ? decodeSignInRequest(readCookie(req.headers.cookie, cookieName)) : undefined;
    const outcome = await this.signIn.complete(ctx, params, request, readCookie(req.headers.cookie, SESSION_COOKIE));
    res.setHeader('Cache-Control', 'no-store');
    if (cookieName) res.clearCookie(cookieName, { ...sessionCookieOptions(this.secure(req)), path: SIGN_IN_COOKIE_PATH });
    if (!outcome.ok) return res.redirect(302, failurePage(outcome.code));
    res.cookie(SESSION_COOKIE, outcome.session.token, sessionCookieOptions(this.secure(req)));
    res.redirect(302, outcome.returnTo);
  }

  /** Ends the browser session (needs the CSRF header); the browser then goes to `redirectTo` to end it at the issuer. */
  @Post('logout')
  @HttpCode(200)
  @ApiOkResponse({ description: '{ redirectTo }: the issuer\'s end-session URL' })
  async logout(@Ctx() ctx: RequestContext, @CurrentWebSession() session: WebSession | undefined, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ redirectTo: string }> {
    const out = await this.signIn.logout(ctx, session);
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(this.secure(req)));
    res.setHeader('Cache-Control', 'no-store');
    return out;
  }

  private secure(req: Request): boolean {
    return req.secure || this.config.session.cookieSecure;
  }

  /**
   * In development the site answers on both localhost and 127.0.0.1, but cookies belong to one
   * host name: a sign-in started on the other one is first moved to the redirect URI's origin.
   */
  private canonicalOrigin(req: Request): string | undefined {
    if (this.config.env === 'production') return undefined;
    const target = new URL(this.config.oidc.redirectUri);
    const host = req.get('host');
    if (!host || host === target.host) return undefined;
    const here = new URL(`${req.protocol}://${host}`);
    if (!isLoopbackHost(here.hostname) || !isLoopbackHost(target.hostname) || here.port !== target.port) return undefined;
    return target.origin;
  }
}
