import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Actor, DomainError, ErrorCode, Role } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { CSRF_HEADER, SESSION_COOKIE, readCookie, sessionCookieOptions } from './session/session-cookie';
import { WebSession, WebSessionService, csrfMatches } from './session/web-session.service';
import { TokenVerifier } from './token-verifier';

const PUBLIC_KEY = 'eakte:public';
const ROLES_KEY = 'eakte:roles';
/** Methods that change state: a cookie-authenticated request must prove it comes from our pages. */
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Marks a route as reachable without a token (health, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The roles that may call a route (any one of them). Routes without it need only a valid token. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

type AuthenticatedRequest = Request & { actor?: Actor; webSession?: WebSession };

/** Controller parameter: the browser session that authenticated the request (undefined for bearer tokens). */
export const CurrentWebSession = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthenticatedRequest>().webSession);

/**
 * Authenticates every request and checks the route's roles. A bearer JWT (machine clients) is
 * used when the request carries an Authorization header; otherwise the browser session cookie.
 * Cookie-authenticated requests that change state must carry the session's CSRF token.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly sessions: WebSessionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (!match) throw new DomainError(ErrorCode.Unauthenticated, 'missing bearer token');
      req.actor = await this.verifier.verify(match[1]);
    } else {
      const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (!cookie) throw new DomainError(ErrorCode.Unauthenticated, 'missing bearer token or session cookie');
      try {
        req.webSession = await this.sessions.authenticate(cookie);
      } catch (e) {
        // the cookie no longer works: tell the browser to drop it
        context.switchToHttp().getResponse<Response>().clearCookie(SESSION_COOKIE, sessionCookieOptions(this.secure(req)));
        throw e;
      }
      req.actor = req.webSession.actor;
      if (UNSAFE_METHODS.has(req.method) && !csrfMatches(req.webSession, req.headers[CSRF_HEADER])) {
        throw new DomainError(ErrorCode.CsrfTokenInvalid, `a request with a session cookie that changes state needs the session's CSRF token in the ${CSRF_HEADER} header`);
      }
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles?.length && !req.actor.roles.some((r) => roles.includes(r))) {
      throw new DomainError(ErrorCode.Forbidden, `requires role ${roles.join(' or ')}`);
    }
    return true;
  }

  private secure(req: Request): boolean {
    return req.secure || this.config.session.cookieSecure;
  }
}
