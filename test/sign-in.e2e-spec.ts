import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, TestUser, users } from './support/app';
import { checkA11y, launchBrowser, newGermanContext, screenshot } from './support/browser';
import { startIssuer, TestIssuer } from './support/oidc-issuer';

/**
 * Browser sign-in end to end: the records API as OpenID Connect client (backend-for-frontend) of
 * the development issuer, started here with the test users, Chromium driving the real flow.
 * The records API answers on http://localhost:<port>, the issuer on http://127.0.0.1:<port>: two
 * sites, as with a real issuer, so the SameSite=Lax cookies are tested across a site boundary.
 */
const PASSWORD = `Richtig-${randomBytes(4).toString('hex')}`;
const CLIENT_ID = 'eakte-web-test';
const CLIENT_SECRET = randomBytes(24).toString('base64url');

interface RunningApp {
  t: TestApp;
  base: string;
}

interface PageResponse {
  status: number;
  body: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A request from the page's own context (its cookies, its origin), as the web application makes it. */
function api(page: Page, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<PageResponse> {
  return page.evaluate(
    async ([m, p, h, b]) => {
      const r = await fetch(p, { method: m, headers: { ...h, ...(b !== undefined ? { 'Content-Type': 'application/json' } : {}) }, body: b !== undefined ? JSON.stringify(b) : undefined, credentials: 'same-origin' });
      return { status: r.status, body: await r.text() };
    },
    [method, path, headers, body] as const,
  );
}

const json = (r: PageResponse) => JSON.parse(r.body);

describe('browser sign-in through the OpenID provider (e2e, Chromium)', () => {
  let issuer: TestIssuer;
  let devIssuer: TestIssuer;
  let main: RunningApp;
  let shortLived: RunningApp;
  let dev: RunningApp;
  let browser: Browser;
  let ds: DataSource;
  const contexts: BrowserContext[] = [];

  const boot = async (port: number, issuerUrl: string, env: Record<string, string> = {}, seed = false): Promise<RunningApp> => {
    const base = `http://localhost:${port}`;
    const t = await startApp(RecordsApiModule, {
      seed,
      env: { AUTH_ISSUER: issuerUrl, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: CLIENT_SECRET, RECORDS_PORT: String(port), OIDC_REDIRECT_URI: `${base}/auth/callback`, ...env },
    });
    await t.app.listen(port, '127.0.0.1');
    return { t, base };
  };

  const freshPage = async (): Promise<Page> => {
    const context = await newGermanContext(browser);
    contexts.push(context);
    return context.newPage();
  };

  /** Goes to /auth/login and signs in on the issuer's page with user name and password. */
  const signIn = async (page: Page, app: RunningApp, user: TestUser, returnTo = '/'): Promise<void> => {
    await page.goto(`${app.base}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
    expect(page.url()).toMatch(new RegExp(`^${issuer.url}/interaction/`));
    await page.getByLabel('Benutzername').fill(user.sub);
    await page.getByLabel('Passwort').fill(PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(`${app.base}${returnTo}`);
  };

  const sessionCookie = async (page: Page, app: RunningApp) => (await page.context().cookies(app.base)).find((c) => c.name === 'eakte_session');
  const sessionsOf = (sub: string): Promise<Array<{ id: string; token_sha256: Buffer; id_token: string | null }>> =>
    ds.query('SELECT id::text AS id, token_sha256, id_token FROM web_sessions WHERE actor_sub = $1', [sub]);
  const eventsSince = (since: Date, action: string): Promise<Array<{ actor_sub: string | null; outcome: string; reason: string | null; details: Record<string, unknown> | null; object_id: string | null }>> =>
    ds.query('SELECT actor_sub, outcome, reason, details, object_id FROM audit_events WHERE action = $1 AND occurred_at >= $2 ORDER BY seq', [action, since]);

  beforeAll(async () => {
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    const accounts = Object.values(users).map((u) => ({ sub: u.sub, name: u.name, password: PASSWORD, roles: u.roles, departments: u.departments }));
    const client = (ports: number[]) => ({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: ports.map((p) => `http://localhost:${p}/auth/callback`),
      post_logout_redirect_uris: ports.map((p) => `http://localhost:${p}/anmelden?abgemeldet=1`),
    });
    issuer = await startIssuer({ accounts, clients: [client([p1, p2])] });
    // the development set-up: login_hint signs a demo account in without its password
    devIssuer = await startIssuer({ accounts, clients: [client([p3])], passwordlessLoginHint: true });
    main = await boot(p1, issuer.url, {}, true);
    shortLived = await boot(p2, issuer.url, { SESSION_TTL_MINUTES: '0.15' });
    dev = await boot(p3, devIssuer.url, { NODE_ENV: 'development', HOST: '127.0.0.1' });
    ds = main.t.app.get(DataSource);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    for (const a of [main, shortLived, dev]) await a?.t.close();
    await issuer?.stop();
    await devIssuer?.stop();
  });

  it('sends the browser to the issuer with code flow, PKCE, state, nonce and the login hint; keeps returnTo on this site', async () => {
    const host = new URL(main.base).host;
    // the site's cookies belong to the redirect URI's host name: a sign-in begun on 127.0.0.1 moves there first
    const moved = await request(main.t.app.getHttpServer()).get('/auth/login?returnTo=/akten/1').expect(302);
    expect(moved.headers.location).toBe(`${main.base}/auth/login?returnTo=/akten/1`);
    const res = await request(main.t.app.getHttpServer()).get('/auth/login?returnTo=/akten/1&loginHint=anna.32').set('Host', host).expect(302);
    const to = new URL(res.headers.location);
    expect(`${to.origin}${to.pathname}`).toBe(`${issuer.url}/auth`);
    const q = Object.fromEntries(to.searchParams);
    expect(q).toMatchObject({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: `${main.base}/auth/callback`, scope: 'openid profile', code_challenge_method: 'S256', login_hint: 'anna.32' });
    expect(q.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.state).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.nonce).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('eakte_signin_'))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/auth\/callback/);
    // the verifier stays with the browser's cookie: the challenge is its hash
    const verifier = JSON.parse(Buffer.from(cookie.split(';')[0].split('=')[1], 'base64url').toString())[2];
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(q.code_challenge);
    // a return address off this site becomes /
    for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const r = await request(main.t.app.getHttpServer()).get(`/auth/login?returnTo=${encodeURIComponent(bad)}`).set('Host', host).expect(302);
      const c = (r.headers['set-cookie'] as unknown as string[]).find((x) => x.startsWith('eakte_signin_'))!;
      expect(JSON.parse(Buffer.from(c.split(';')[0].split('=')[1], 'base64url').toString())[3]).toBe('/');
    }
  });

  it('signs in on the issuer\'s page; the session shows the claims; tokens never reach the browser', async () => {
    const since = new Date();
    const page = await freshPage();
    const seen: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
    page.on('response', async (r) => {
      if (!r.url().startsWith(main.base)) return;
      let body = '';
      try {
        body = (await r.body()).toString('utf8');
      } catch {
        /* redirects have no body */
      }
      seen.push({ url: r.url(), headers: await r.allHeaders(), body });
    });
    await page.goto(`${main.base}/auth/login?returnTo=${encodeURIComponent('/')}`);
    expect(page.url()).toMatch(new RegExp(`^${issuer.url}/interaction/`));
    await checkA11y(page, 'issuer login');
    await screenshot(page, 'sign-in-issuer-login');
    await page.getByLabel('Benutzername').fill(users.caseworker32.sub);
    await page.getByLabel('Passwort').fill(PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(`${main.base}/`);

    const res = await api(page, 'GET', '/api/v1/session');
    expect(res.status).toBe(200);
    const body = json(res);
    expect(body.user).toEqual({ sub: 'anna.32', name: 'Anna Ordnung', roles: ['caseworker'], departments: ['32'] });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expiresAt = new Date(body.expiresAt).getTime();
    expect(expiresAt).toBeGreaterThan(Date.now() + 59 * 60_000); // the idle expiry (60 minutes) comes first
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 60 * 60_000);

    const cookie = await sessionCookie(page, main);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
    expect((await page.context().cookies(main.base)).filter((c) => c.name.startsWith('eakte_signin_'))).toEqual([]);
    // the page's script cannot read the session cookie, and nothing sits in the storages
    expect(await page.evaluate('document.cookie')).not.toContain('eakte_session');
    const storage = await page.evaluate('({ local: { ...localStorage }, session: { ...sessionStorage } })');
    expect(storage).toEqual({ local: {}, session: {} });

    // only the SHA-256 of the cookie is stored; the ID token stays on the server
    const rows = await sessionsOf('anna.32');
    const mine = rows.find((r) => r.token_sha256.equals(createHash('sha256').update(cookie!.value).digest()));
    expect(mine).toBeDefined();
    expect(mine!.id_token).toMatch(/^eyJ/);
    expect(JSON.stringify(rows)).not.toContain(cookie!.value);
    await new Promise((r) => setTimeout(r, 200));
    for (const r of seen) {
      expect(r.body).not.toContain(mine!.id_token!);
      expect(JSON.stringify(r.headers)).not.toContain(mine!.id_token!);
      expect(r.body).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
    }
    expect(seen.some((r) => r.url.startsWith(`${main.base}/auth/callback`))).toBe(true);
    const logins = await eventsSince(since, 'session.login');
    expect(logins).toEqual(expect.arrayContaining([expect.objectContaining({ actor_sub: 'anna.32', outcome: 'success', object_id: mine!.id })]));
  });

  it('refuses a wrong password on the issuer\'s page; Abbrechen ends at the sign-in page with access_denied, audited', async () => {
    const since = new Date();
    const page = await freshPage();
    await page.goto(`${main.base}/auth/login?returnTo=/`);
    await page.getByLabel('Benutzername').fill(users.caseworker32.sub);
    await page.getByLabel('Passwort').fill('falsch');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('alert').waitFor();
    expect(page.url()).toMatch(new RegExp(`^${issuer.url}/interaction/`));
    expect(await page.getByRole('alert').textContent()).toContain('Benutzername oder Passwort ist falsch');
    await checkA11y(page, 'issuer login, wrong password');
    await screenshot(page, 'sign-in-issuer-wrong-password');
    expect(await sessionCookie(page, main)).toBeUndefined();

    await page.getByRole('button', { name: 'Abbrechen' }).click();
    await page.waitForURL(`${main.base}/anmelden?fehler=access_denied`);
    expect(await sessionCookie(page, main)).toBeUndefined();
    // (other suites of the same run may write refusals too: look for this one by the issuer's description)
    const failed = (await eventsSince(since, 'session.login_failed')).filter((e) => e.reason?.includes('Die Anmeldung wurde abgebrochen'));
    expect(failed).toEqual([expect.objectContaining({ actor_sub: null, outcome: 'failure', details: { code: 'access_denied' } })]);
    expect(failed[0].reason).toContain('access_denied');
  });

  it('refuses a callback this browser did not start (no login CSRF) and audits it', async () => {
    const requestId = `sign-in-${process.pid}-foreign-state`;
    const res = await request(main.t.app.getHttpServer()).get('/auth/callback?code=abc&state=someone-elses-state').set('X-Request-Id', requestId).expect(302);
    expect(res.headers.location).toBe('/anmelden?fehler=invalid_state');
    expect(res.headers['set-cookie']?.toString() ?? '').not.toContain('eakte_session=');
    expect(await ds.query('SELECT action, outcome, details FROM audit_events WHERE request_id = $1', [requestId])).toEqual([
      { action: 'session.login_failed', outcome: 'failure', details: { code: 'invalid_state' } },
    ]);
  });

  it('needs the CSRF header for a cookie-authenticated request that changes state', async () => {
    const page = await freshPage();
    await signIn(page, main, users.caseworker32);
    const { csrfToken } = json(await api(page, 'GET', '/api/v1/session'));
    const caseFile = { filePlanCode: '32.1.2', title: 'Gaststättenerlaubnis (Browser)' };
    const without = await api(page, 'POST', '/api/v1/case-files', {}, caseFile);
    expect(without.status).toBe(403);
    expect(json(without).error.code).toBe('CsrfTokenInvalid');
    const wrong = await api(page, 'POST', '/api/v1/case-files', { 'X-CSRF-Token': 'x'.repeat(43) }, caseFile);
    expect(wrong.status).toBe(403);
    const ok = await api(page, 'POST', '/api/v1/case-files', { 'X-CSRF-Token': csrfToken }, caseFile);
    expect(ok.status).toBe(201);
    expect(json(ok)).toMatchObject({ title: caseFile.title, departmentCode: '32' });
    // reads need no CSRF header; the roles and departments of the claims apply
    expect((await api(page, 'GET', `/api/v1/case-files/${json(ok).id}`)).status).toBe(200);
    expect((await api(page, 'GET', '/api/v1/audit/events')).status).toBe(403);
  });

  it('ends an expired session: 401, the row removed, the cookie no longer works', async () => {
    const page = await freshPage();
    await signIn(page, shortLived, users.caseworker50);
    const first = json(await api(page, 'GET', '/api/v1/session'));
    expect(first.user.sub).toBe('bernd.50');
    expect(new Date(first.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(9_000); // 9 s: long enough to sign in on a busy machine
    const cookie = (await sessionCookie(page, shortLived))!;
    const hash = createHash('sha256').update(cookie.value).digest();
    expect((await sessionsOf('bernd.50')).some((r) => r.token_sha256.equals(hash))).toBe(true);
    await new Promise((r) => setTimeout(r, Math.max(0, new Date(first.expiresAt).getTime() - Date.now()) + 300));
    const expired = await api(page, 'GET', '/api/v1/session');
    expect(expired.status).toBe(401);
    expect(json(expired).error.code).toBe('Unauthenticated');
    expect((await sessionsOf('bernd.50')).some((r) => r.token_sha256.equals(hash))).toBe(false);
    expect(await sessionCookie(page, shortLived)).toBeUndefined(); // the 401 told the browser to drop it
    // the old cookie value, sent again, opens nothing
    await request(shortLived.t.app.getHttpServer()).get('/api/v1/session').set('Cookie', `eakte_session=${cookie.value}`).expect(401);
  });

  it('logs out here and at the issuer (RP-initiated); afterwards the issuer asks for the password again', async () => {
    const since = new Date();
    const page = await freshPage();
    await signIn(page, main, users.recordsManager);
    // while the issuer session lives, a new sign-in needs no password (single sign-on) ...
    const before = (await sessionCookie(page, main))!;
    await page.goto(`${main.base}/auth/login?returnTo=/akten`);
    await page.waitForURL(`${main.base}/akten`);
    const { csrfToken } = json(await api(page, 'GET', '/api/v1/session'));
    const cookie = (await sessionCookie(page, main))!;
    // the new sign-in replaced the browser's previous session
    expect(cookie.value).not.toBe(before.value);
    expect((await sessionsOf('rita.rm')).some((r) => r.token_sha256.equals(createHash('sha256').update(before.value).digest()))).toBe(false);

    const refused = await api(page, 'POST', '/auth/logout');
    expect(refused.status).toBe(403);
    expect(json(refused).error.code).toBe('CsrfTokenInvalid');
    expect((await api(page, 'GET', '/api/v1/session')).status).toBe(200);

    const out = await api(page, 'POST', '/auth/logout', { 'X-CSRF-Token': csrfToken });
    expect(out.status).toBe(200);
    const { redirectTo } = json(out);
    const to = new URL(redirectTo);
    expect(`${to.origin}${to.pathname}`).toBe(`${issuer.url}/session/end`);
    expect(to.searchParams.get('post_logout_redirect_uri')).toBe(`${main.base}/anmelden?abgemeldet=1`);
    expect(to.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    expect(await sessionCookie(page, main)).toBeUndefined();
    const hash = createHash('sha256').update(cookie.value).digest();
    expect((await sessionsOf('rita.rm')).some((r) => r.token_sha256.equals(hash))).toBe(false);
    expect((await api(page, 'GET', '/api/v1/session')).status).toBe(401);
    await request(main.t.app.getHttpServer()).get('/api/v1/session').set('Cookie', `eakte_session=${cookie.value}`).expect(401);
    expect((await eventsSince(since, 'session.logout')).filter((e) => e.actor_sub === 'rita.rm')).toEqual([expect.objectContaining({ outcome: 'success' })]);

    await page.goto(redirectTo);
    await page.getByRole('heading', { name: 'Abmelden' }).waitFor();
    await checkA11y(page, 'issuer logout');
    await screenshot(page, 'sign-in-issuer-logout');
    await page.getByRole('button', { name: 'Abmelden', exact: true }).click();
    await page.waitForURL(`${main.base}/anmelden?abgemeldet=1`);

    // ... and after the logout it asks again
    await page.goto(`${main.base}/auth/login?returnTo=/`);
    expect(page.url()).toMatch(new RegExp(`^${issuer.url}/interaction/`));
    await page.getByLabel('Passwort').waitFor();
  });

  it('answers a bearer token with the actor and no CSRF token; logout is for browser sessions only', async () => {
    const token = await main.t.token(users.auditor);
    const res = await main.t.http().get('/api/v1/session').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body).toEqual({ user: { sub: 'paul.rpa', name: 'Paul Prüfer', roles: ['auditor'], departments: [] }, csrfToken: null, expiresAt: null });
    await main.t.http().post('/auth/logout').set('Authorization', `Bearer ${token}`).expect(400);
    await main.t.http().get('/api/v1/session').expect(401);
    // outside development on loopback there are no demo users
    expect((await main.t.http().get('/api/v1/session/options').expect(200)).body).toEqual({ devUsers: [] });
  });

  it('development on loopback: offers the demo users, and a login hint signs that account in without a password', async () => {
    const options = (await request(dev.t.app.getHttpServer()).get('/api/v1/session/options').expect(200)).body;
    expect(options.devUsers).toEqual([
      { loginHint: 'sina.scan', name: 'Sina Scan', role: 'scan_operator' },
      { loginHint: 'anna.32', name: 'Anna Ordnung', role: 'caseworker' },
      { loginHint: 'bernd.50', name: 'Bernd Sozial', role: 'caseworker' },
      { loginHint: 'rita.rm', name: 'Rita Registratur', role: 'records_manager' },
      { loginHint: 'paul.rpa', name: 'Paul Prüfer', role: 'auditor' },
      { loginHint: 'adam.admin', name: 'Adam Admin', role: 'admin' },
    ]);
    const page = await freshPage();
    await page.goto(`${dev.base}/auth/login?returnTo=/&loginHint=adam.admin`);
    await page.waitForURL(`${dev.base}/`);
    expect(json(await api(page, 'GET', '/api/v1/session')).user).toEqual({ sub: 'adam.admin', name: 'Adam Admin', roles: ['admin'], departments: [] });
    // another demo user straight after: the hint wins over the issuer's session of the first one
    await page.goto(`${dev.base}/auth/login?returnTo=/&loginHint=sina.scan`);
    await page.waitForURL(`${dev.base}/`);
    expect(json(await api(page, 'GET', '/api/v1/session')).user.sub).toBe('sina.scan');
  });
});
