import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { RecordsApiModule } from '../../apps/records-api/src/records-api.module';
import { startApp, TestApp, TestUser, users } from './app';
import { startIssuer, TestIssuer } from './oidc-issuer';

/**
 * The service as a browser meets it: the records API (serving the built web application from
 * dist/web, built by `npm test`'s pretest) on a real loopback port, and the development OpenID
 * provider (apps/dev-issuer) started with the test users of ./app, so `signIn` goes through the
 * real authorization-code flow and session cookie. The login-hint shortcut of the issuer is on
 * here to keep journeys short; test/sign-in.e2e-spec.ts covers the password form, refusals,
 * expiry and logout. Data for a journey is set up over the API with tokens (`stack.api`).
 */
export interface WebStack {
  baseUrl: string;
  api: TestApp;
  issuer: TestIssuer;
  stop: () => Promise<void>;
}

export interface WebStackOptions {
  env?: Record<string, string>;
  /** Further accounts of the issuer (the users of ./app are always there). */
  accounts?: TestUser[];
  seed?: boolean;
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

export async function startWebStack(options: WebStackOptions = {}): Promise<WebStack> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const clientId = 'eakte-web-test';
  const clientSecret = randomBytes(24).toString('base64url');
  const accounts = [...Object.values(users), ...(options.accounts ?? [])].map((u: TestUser) => ({
    sub: u.sub,
    name: u.name,
    roles: u.roles,
    departments: u.departments ?? [],
    password: randomBytes(12).toString('base64url'),
  }));
  const issuer = await startIssuer({
    accounts,
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [`${baseUrl}/auth/callback`], post_logout_redirect_uris: [`${baseUrl}/anmelden?abgemeldet=1`] }],
    passwordlessLoginHint: true,
  });
  let api: TestApp;
  try {
    api = await startApp(RecordsApiModule, {
      seed: options.seed,
      env: {
        OIDC_ISSUER: issuer.url,
        OIDC_CLIENT_ID: clientId,
        OIDC_CLIENT_SECRET: clientSecret,
        OIDC_REDIRECT_URI: `${baseUrl}/auth/callback`,
        RECORDS_PORT: String(port),
        ...options.env,
      },
    });
    await api.app.listen(port, '127.0.0.1');
  } catch (e) {
    await issuer.stop();
    throw e;
  }
  return {
    baseUrl,
    api,
    issuer,
    stop: async () => {
      await api.close();
      await issuer.stop();
    },
  };
}

/**
 * Signs `user` in through the real flow (records API → issuer → callback → session cookie) and
 * waits until the application shows `returnTo` (default: the user's first screen) with its layout.
 */
export async function signIn(page: Page, stack: WebStack, user: TestUser, returnTo = '/'): Promise<void> {
  await page.goto(`${stack.baseUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}&loginHint=${encodeURIComponent(user.sub)}`);
  await page.getByRole('button', { name: /Abmelden|Sign out/ }).waitFor({ timeout: 30_000 });
}
