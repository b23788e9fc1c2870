import type { Browser } from 'playwright-core';
import { checkA11y, launchBrowser, screenshot } from './support/browser';
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
