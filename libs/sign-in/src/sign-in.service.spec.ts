import type { AuditService } from '@app/audit';
import { TokenVerifier, WebSessionService } from '@app/auth';
import type { RequestContext } from '@app/common';
import { loadConfig } from '@app/config';
import type { OidcClient } from './oidc-client';
import { SignInFailure } from './sign-in-failure';
import { SignInService } from './sign-in.service';

/** The sign-in decisions with fake adapters (the real flow runs in test/sign-in.e2e-spec.ts). */
describe('SignInService', () => {
  const config = loadConfig({ AUTH_JWT_SECRET: 'a-test-secret-of-sufficient-length', AUTH_ISSUER: 'http://127.0.0.1:1', OIDC_CLIENT_ID: 'eakte', OIDC_CLIENT_SECRET: 'secret' });
  const ctx: RequestContext = { actor: null, requestId: 'r1', clientIp: '127.0.0.1' };
  const request = { state: 'st', nonce: 'no', codeVerifier: 'cv', returnTo: '/akten', expiresAt: Date.now() + 60_000 };

  function setup(oidc: Partial<OidcClient>, cfg = config) {
    const events: Array<{ action: string; outcome?: string; reason?: string | null; details?: unknown; actor?: string | null }> = [];
    const audit = {
      recordAccess: async (c: RequestContext, e: { action: string }) => void events.push({ ...e, actor: c.actor?.sub ?? null }),
      record: async (_m: unknown, c: RequestContext, e: { action: string }) => void events.push({ ...e, actor: c.actor?.sub ?? null }),
    } as unknown as AuditService;
    const created: unknown[] = [];
    const sessions = {
      transaction: (work: (m: unknown) => unknown) => work({}),
      endByToken: async () => undefined,
      create: async (_m: unknown, actor: unknown, idToken: string) => {
        created.push({ actor, idToken });
        return { id: 's1', actor, csrfToken: 'c', expiresAt: new Date(), token: 't' };
      },
    } as unknown as WebSessionService;
    const service = new SignInService(oidc as OidcClient, sessions, new TokenVerifier(cfg), audit, cfg);
    return { service, events, created };
  }

  it('refuses to start when browser sign-in is not configured (503 with the reason)', async () => {
    const { service } = setup({}, loadConfig({ AUTH_JWT_SECRET: 'a-test-secret-of-sufficient-length' }));
    await expect(service.begin(ctx, {})).rejects.toMatchObject({ code: 'ServiceUnavailable', message: expect.stringContaining('OIDC_CLIENT_ID') });
  });

  it('sends an unreachable issuer to the sign-in page, audited', async () => {
    const { service, events } = setup({ authorizationUrl: async () => Promise.reject(new SignInFailure('issuer_unavailable', 'issuer discovery failed: ECONNREFUSED')) });
    await expect(service.begin(ctx, { returnTo: '/x' })).resolves.toEqual({ ok: false, code: 'issuer_unavailable' });
    expect(events).toEqual([expect.objectContaining({ action: 'session.login_failed', outcome: 'failure', reason: expect.stringContaining('ECONNREFUSED') })]);
  });

  it('passes the issuer\'s error on, refuses foreign or stale state, and never exchanges then', async () => {
    const exchange = jest.fn();
    const { service, events } = setup({ exchange });
    await expect(service.complete(ctx, { error: 'access_denied', state: 'st' }, request)).resolves.toEqual({ ok: false, code: 'access_denied' });
    await expect(service.complete(ctx, { error: '<b>weird</b>' }, request)).resolves.toEqual({ ok: false, code: 'sign_in_failed' });
    await expect(service.complete(ctx, { code: 'c', state: 'other' }, request)).resolves.toEqual({ ok: false, code: 'invalid_state' });
    await expect(service.complete(ctx, { code: 'c', state: 'st' }, undefined)).resolves.toEqual({ ok: false, code: 'invalid_state' });
    await expect(service.complete(ctx, { code: 'c', state: 'st' }, { ...request, expiresAt: Date.now() - 1 })).resolves.toEqual({ ok: false, code: 'invalid_state' });
    expect(exchange).not.toHaveBeenCalled();
    expect(events.map((e) => e.action)).toEqual(Array(5).fill('session.login_failed'));
  });

  it('maps the ID token\'s claims to the actor as for bearer tokens and starts an audited session', async () => {
    const claims = { sub: 'anna.32', name: 'Anna Ordnung', roles: ['caseworker', 'bogus'], departments: ['32'] };
    const { service, events, created } = setup({ exchange: async () => ({ idToken: 'id.token', claims }) });
    const out = await service.complete(ctx, { code: 'c', state: 'st' }, request);
    expect(out).toMatchObject({ ok: true, returnTo: '/akten' });
    expect(created).toEqual([{ actor: { sub: 'anna.32', name: 'Anna Ordnung', roles: ['caseworker'], departments: ['32'] }, idToken: 'id.token' }]);
    expect(events).toEqual([expect.objectContaining({ action: 'session.login', objectId: 's1', actor: 'anna.32' })]);
  });

  it('refuses an ID token without a subject', async () => {
    const { service, events } = setup({ exchange: async () => ({ idToken: 'id.token', claims: { name: 'Niemand' } }) });
    await expect(service.complete(ctx, { code: 'c', state: 'st' }, request)).resolves.toEqual({ ok: false, code: 'sign_in_failed' });
    expect(events[0]).toMatchObject({ action: 'session.login_failed', reason: expect.stringContaining('no subject') });
  });
});
