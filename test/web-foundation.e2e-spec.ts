import type { Browser } from 'playwright-core';
import { checkA11y, cspViolations, launchBrowser, screenshot } from './support/browser';
import { startWebStack, WebStack } from './support/web-stack';

/** The application shell as served by the records API: one origin, headers, routing, sign-in page. */
describe('web application foundation', () => {
  let stack: WebStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startWebStack();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('serves the application from / and for every application path, never for service or asset paths', async () => {
    const root = await fetch(`${stack.baseUrl}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/text\/html/);
    expect(root.headers.get('cache-control')).toBe('no-store');
    const html = await root.text();
    expect(html).toContain('<div id="root">');
    expect(html).not.toMatch(/https?:\/\//); // nothing loaded from outside
    const deep = await fetch(`${stack.baseUrl}/akten/123?x=1`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
    expect((await fetch(`${stack.baseUrl}/assets/missing.js`)).status).toBe(404);
    const api = await fetch(`${stack.baseUrl}/api/v1/case-files`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toMatch(/json/);
    const asset = html.match(/src="(\/assets\/[^"]+\.js)"/)![1];
    const js = await fetch(`${stack.baseUrl}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
  });

  it('sends security headers with the application, its assets, the API and its errors', async () => {
    const csp = (r: Response) => Object.fromEntries((r.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    const html = await fetch(`${stack.baseUrl}/eingangskorb`, { headers: { accept: 'text/html' } });
    const asset = (await html.clone().text()).match(/src="(\/assets\/[^"]+\.js)"/)![1];
    for (const r of [html, await fetch(`${stack.baseUrl}${asset}`), await fetch(`${stack.baseUrl}/api/v1/case-files`), await fetch(`${stack.baseUrl}/health/live`)]) {
      const policy = csp(r);
      expect(policy['script-src']).toEqual(["'self'"]); // no unsafe-inline, no unsafe-eval
      expect(policy['style-src']).toEqual(["'self'"]);
      expect(policy['default-src']).toEqual(["'self'"]);
      expect(policy['frame-ancestors']).toEqual(["'none'"]);
      expect(policy['object-src']).toEqual(["'none'"]);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    }
    // the OpenAPI page alone may use its inline stylesheet; its scripts stay 'self'
    const docs = await fetch(`${stack.baseUrl}/api/docs`);
    expect(csp(docs)['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp(docs)['script-src']).toEqual(["'self'"]);
  });

  it('runs under its Content-Security-Policy without a violation', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.baseUrl}/anmelden`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    // the guard itself must see a violation: an inline script is blocked and reported
    await page.evaluate(() => {
      const s = (globalThis as any).document.createElement('script');
      s.textContent = 'globalThis.__ran = true';
      (globalThis as any).document.head.append(s);
    });
    await page.waitForFunction(() => (globalThis as any).__cspViolations.length > 0);
    expect(await cspViolations(page)).toEqual([expect.stringMatching(/^script-src-elem blocked inline/)]);
    expect(await page.evaluate(() => (globalThis as any).__ran)).toBeUndefined();
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await cspViolations(page)).toEqual([]);
    // the OpenAPI page works under its policy too
    await page.goto(`${stack.baseUrl}/api/docs`);
    await page.getByRole('button', { name: 'Authorize' }).waitFor();
    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  });

  it('sends a signed-out visitor to the sign-in page and back to where they wanted to go', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${stack.baseUrl}/akten`);
    await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/anmelden');
    expect(new URL(page.url()).searchParams.get('returnTo')).toBe('/akten');
    expect(await page.title()).toBe('Anmelden – E-Akte');
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await expect(page.getByRole('button', { name: 'Mit Dienstkonto anmelden' }).isVisible()).resolves.toBe(true);
    await checkA11y(page, 'sign-in');
    await screenshot(page, 'sign-in');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('explains a refused sign-in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/anmelden?fehler=access_denied`);
    await page.getByRole('alert').getByText('Die Anmeldung wurde abgebrochen oder abgelehnt.').waitFor();
    await checkA11y(page, 'sign-in-refused');
    await context.close();
  });
});
