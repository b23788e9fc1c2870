import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { RecordsApiModule } from '../../apps/records-api/src/records-api.module';
import { startApp, TestApp, TestUser } from './app';

/**
 * The service as a browser meets it: the records API (serving the built web application from
 * dist/web, built by `npm test`'s pretest) on a real loopback port, signed in through the OIDC
 * provider the tests run. Data for a journey is set up over the API with tokens (`stack.api`).
 */
export interface WebStack {
  baseUrl: string;
  api: TestApp;
  stop: () => Promise<void>;
}

export interface WebStackOptions {
  env?: Record<string, string>;
}

export async function startWebStack(options: WebStackOptions = {}): Promise<WebStack> {
  const api = await startApp(RecordsApiModule, { env: options.env });
  await api.app.listen(0, '127.0.0.1');
  const { port } = api.app.getHttpServer().address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    api,
    stop: () => api.close(),
  };
}

/**
 * Signs `user` in through the real flow and waits until the application shows `returnTo`
 * (default: the user's first screen).
 */
export async function signIn(page: Page, stack: WebStack, user: TestUser, returnTo = '/'): Promise<void> {
  await page.goto(`${stack.baseUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}&loginHint=${encodeURIComponent(user.sub)}`);
  await page.getByRole('button', { name: /Abmelden|Sign out/ }).waitFor();
}
