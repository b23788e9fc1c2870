import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { CreatedWebSession, TokenVerifier, WebSession, WebSessionService } from '@app/auth';
import { Actor, DomainError, ErrorCode, RequestContext } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DEMO_USERS, devSignInOffered } from './demo-users';
import { OidcClient } from './oidc-client';
import { SignInFailure, safeErrorCode } from './sign-in-failure';
import { SIGN_IN_REQUEST_TTL_MS, SignInRequest, safeLoginHint, safeReturnTo } from './sign-in-request';

export interface SessionView {
  user: { sub: string; name: string; roles: string[]; departments: string[] };
  /** For the `X-CSRF-Token` header of requests that change state; null for bearer tokens. */
  csrfToken: string | null;
  /** ISO time the session ends unless used before; null for bearer tokens. */
  expiresAt: string | null;
}

export interface DevUserView {
  loginHint: string;
  name: string;
  role: string;
}

export type SignInOutcome = { ok: true; session: CreatedWebSession; returnTo: string } | { ok: false; code: string };

/**
 * Browser sign-in as a backend-for-frontend: the records API is the OpenID Connect client, the
 * browser only ever holds an opaque session cookie. Tokens never leave the server.
 */
@Injectable()
export class SignInService {
  private readonly logger = new Logger(SignInService.name);

  constructor(
    private readonly oidc: OidcClient,
    private readonly sessions: WebSessionService,
    private readonly verifier: TokenVerifier,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The issuer's authorization URL and the request to keep until the callback. */
  async begin(ctx: RequestContext, input: { returnTo?: unknown; loginHint?: unknown }): Promise<{ redirectUrl: string; request: SignInRequest } | { ok: false; code: string }> {
    if (!this.config.oidc.enabled) {
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        'browser sign-in is not configured: set AUTH_ISSUER (or OIDC_ISSUER), OIDC_CLIENT_ID and OIDC_CLIENT_SECRET; machine clients keep using bearer tokens',
      );
    }
    const checks = OidcClient.newChecks();
    try {
      const redirectUrl = await this.oidc.authorizationUrl(checks, safeLoginHint(input.loginHint));
      return { redirectUrl, request: { ...checks, returnTo: safeReturnTo(input.returnTo), expiresAt: Date.now() + SIGN_IN_REQUEST_TTL_MS } };
    } catch (e) {
      return this.failed(ctx, e);
    }
  }

  /**
   * Finishes a sign-in at the callback: checks the state, exchanges the code, starts a session
   * (ending the browser's previous one, whose cookie it replaces).
   */
  async complete(ctx: RequestContext, params: Record<string, string>, request: SignInRequest | undefined, previousSessionToken?: string): Promise<SignInOutcome> {
    try {
      if (params.error) {
        throw new SignInFailure(safeErrorCode(params.error), `the issuer answered ${params.error}${params.error_description ? `: ${params.error_description}` : ''}`);
      }
      if (!request || !params.state || request.state !== params.state) throw new SignInFailure('invalid_state', 'the callback does not belong to a sign-in this browser started');
      if (request.expiresAt <= Date.now()) throw new SignInFailure('invalid_state', 'the sign-in took too long');
      if (!params.code) throw new SignInFailure('sign_in_failed', 'the callback carries no code');
      const { idToken, claims } = await this.oidc.exchange(params, request);
      let actor: Actor;
      try {
        actor = this.verifier.toActor(claims);
      } catch (e) {
        throw new SignInFailure('sign_in_failed', `the ID token names no person: ${(e as Error).message}`);
      }
      const session = await this.sessions.transaction(async (m) => {
        if (previousSessionToken) await this.sessions.endByToken(m, previousSessionToken);
        const s = await this.sessions.create(m, actor, idToken);
        await this.audit.record(m, { ...ctx, actor }, { action: 'session.login', objectType: 'session', objectId: s.id, details: { issuer: this.config.oidc.issuer, expiresAt: s.expiresAt.toISOString() } });
        return s;
      });
      return { ok: true, session, returnTo: request.returnTo };
    } catch (e) {
      return this.failed(ctx, e);
    }
  }

  /** Ends the browser session here and returns where the browser ends it at the issuer. */
  async logout(ctx: RequestContext, session: WebSession | undefined): Promise<{ redirectTo: string }> {
    if (!session) throw new DomainError(ErrorCode.BadRequest, 'logout ends a browser session; this request was authenticated with a bearer token');
    const ended = await this.sessions.transaction(async (m) => {
      const gone = await this.sessions.end(m, session.id);
      await this.audit.record(m, ctx, { action: 'session.logout', objectType: 'session', objectId: session.id });
      return gone;
    });
    try {
      const url = await this.oidc.endSessionUrl(ended?.idToken ?? null);
      if (url) return { redirectTo: url };
    } catch (e) {
      this.logger.warn({ err: e }, 'the issuer cannot be reached for logout; the session here has ended');
    }
    return { redirectTo: this.config.oidc.postLogoutRedirectUri };
  }

  /** Who is signed in (session or bearer token). */
  async describe(ctx: RequestContext, actor: Actor, session: WebSession | undefined): Promise<SessionView> {
    await this.audit.recordAccess(ctx, { action: 'session.read', objectType: 'session', objectId: session?.id ?? null });
    return {
      user: { sub: actor.sub, name: actor.name, roles: [...actor.roles], departments: [...actor.departments] },
      csrfToken: session?.csrfToken ?? null,
      expiresAt: session ? session.expiresAt.toISOString() : null,
    };
  }

  /** The demo users of the development issuer, offered only in development on loopback. */
  devUsers(): DevUserView[] {
    if (!devSignInOffered(this.config) || !this.config.oidc.enabled) return [];
    return DEMO_USERS.map((u) => ({ loginHint: u.loginHint, name: u.name, role: u.role }));
  }

  private async failed(ctx: RequestContext, e: unknown): Promise<{ ok: false; code: string }> {
    if (e instanceof DomainError && e.code === ErrorCode.AuditUnavailable) throw e;
    const failure = e instanceof SignInFailure ? e : new SignInFailure('sign_in_failed', (e as Error)?.message ?? String(e));
    if (!(e instanceof SignInFailure)) this.logger.error({ err: e }, 'sign-in failed unexpectedly');
    await this.audit.recordAccess(ctx, { action: 'session.login_failed', objectType: 'session', outcome: 'failure', reason: failure.reason, details: { code: failure.code } });
    return { ok: false, code: failure.code };
  }
}
