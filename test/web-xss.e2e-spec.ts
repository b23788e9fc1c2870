import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { users } from './support/app';
import { launchBrowser } from './support/browser';
import { signIn, startWebStack, WebStack } from './support/web-stack';

/**
 * Stored XSS: a caseworker uploads an HTML and an SVG document carrying script (a <script>
 * element and onload/onerror handlers) into a case file, and a title with markup. Opening them
 * through the application (viewer, search, download link) and navigating the browser straight to
 * the content URL the download link points to must run none of it. Every payload would leave a
 * trace the test looks for: an `alert` (dialog event), a changed document title, and a request
 * to a canary server on loopback that must never arrive.
 */
describe('web: stored XSS through uploaded documents (browser)', () => {
  let stack: WebStack;
  let browser: Browser;
  let canary: Server;
  let canaryUrl: string;
  const canaryHits: string[] = [];
  let caseFileId: string;
  let htmlId: string;
  let svgId: string;
  let titleId: string;

  const payload = (name: string) =>
    `alert('xss-${name}'); document.title = 'XSS ${name}'; fetch('${canaryUrl}/hit/${name}', { mode: 'no-cors' }); new Image().src = '${canaryUrl}/img/${name}';`;

  beforeAll(async () => {
    canary = createServer((req, res) => {
      canaryHits.push(req.url ?? '?');
      res.end('');
    });
    await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
    canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
    stack = await startWebStack();
    browser = await launchBrowser();
    const auth = { Authorization: `Bearer ${await stack.api.token(users.caseworker32)}` };
    caseFileId = (await stack.api.http().post('/api/v1/case-files').set(auth).send({ filePlanCode: '32.1.2', title: 'Gaststättenerlaubnis Prüfung aktiver Inhalte' }).expect(201)).body.id;

    const html = `<!DOCTYPE html><html><head><title>Antrag</title><script>${payload('html-script')}</script></head>
<body onload="${payload('html-onload').replace(/"/g, '&quot;')}"><h1>Antrag</h1><img src="x" onerror="${payload('html-onerror').replace(/"/g, '&quot;')}"></body></html>`;
    const svg = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" onload="${payload('svg-onload').replace(/"/g, '&quot;')}">
  <script type="text/javascript">${payload('svg-script')}</script>
  <text x="10" y="50">Lageplan</text>
</svg>`;
    const upload = async (title: string, body: string, filename: string, contentType: string) =>
      (
        await stack.api
          .http()
          .post(`/api/v1/case-files/${caseFileId}/documents`)
          .set(auth)
          .field('title', title)
          .attach('file', Buffer.from(body), { filename, contentType })
          .expect(201)
      ).body.id as string;
    htmlId = await upload('Antrag als Webseite', html, 'antrag.html', 'text/html');
    svgId = await upload('Lageplan als Vektorgrafik', svg, 'lageplan.svg', 'image/svg+xml');
    titleId = await upload(`<img src=x onerror="${payload('title')}"> Gefahrenhinweis`, 'Sehr geehrte Damen und Herren,\n', 'hinweis.txt', 'text/plain');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await new Promise((r) => canary?.close(r));
  });

  const open = async (): Promise<{ context: BrowserContext; page: Page; dialogs: string[] }> => {
    canaryHits.length = 0; // each test answers for its own payloads
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(page, stack, users.caseworker32, '/suche');
    return { context, page, dialogs };
  };

  /** Gives any script the chance to run, then checks it did not. */
  const expectNoScriptRan = async (page: Page, dialogs: string[]) => {
    await page.waitForTimeout(1500);
    expect(dialogs).toEqual([]);
    expect(canaryHits).toEqual([]);
    for (const p of page.context().pages()) expect(await p.title().catch(() => '')).not.toMatch(/^XSS /); // the payloads set 'XSS <name>'
  };

  it.each([
    ['HTML', () => htmlId, 'Antrag als Webseite'],
    ['SVG', () => svgId, 'Lageplan als Vektorgrafik'],
  ])('an uploaded %s document opened in the viewer and by its download link runs no script', async (_kind, id, title) => {
    const { context, page, dialogs } = await open();
    await page.goto(`${stack.baseUrl}/dokumente/${id()}`);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    // the viewer shows metadata and a download, never the content inline
    await page.getByText(/wird aus Sicherheitsgründen nicht im Browser angezeigt/).waitFor();
    await expect(page.locator('iframe, object, embed').count()).resolves.toBe(0);
    await expectNoScriptRan(page, dialogs);

    const link = page.getByRole('link', { name: /Original herunterladen/ });
    const href = (await link.getAttribute('href'))!;
    expect(href).toBe(`/api/v1/documents/${id()}/content?variant=original&version=1`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^(antrag\.html|lageplan\.svg)$/);
    await expectNoScriptRan(page, dialogs);

    // the content route itself: the headers keep the browser from running what it serves
    const res = await context.request.get(`${stack.baseUrl}${href}`);
    expect(res.status()).toBe(200);
    const disposition = res.headers()['content-disposition'] ?? '';
    const csp = res.headers()['content-security-policy'] ?? '';
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
    expect(/^attachment/i.test(disposition) || /(^|;)\s*sandbox(\s|;|$)/.test(csp)).toBe(true);

    // and the browser sent straight to that URL (a bookmarked or pasted link): no script either
    const direct = await context.newPage();
    direct.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await direct.goto(`${stack.baseUrl}${href}`, { waitUntil: 'load' });
    } catch (e) {
      // an attachment is saved, not shown: Playwright reports the navigation as a download
      expect((e as Error).message).toMatch(/Download is starting|net::ERR_ABORTED/);
    }
    await expectNoScriptRan(direct, dialogs);
    await context.close();
  });

  it('a title with markup is shown as text in the search results and the viewer', async () => {
    const { context, page, dialogs } = await open();
    await page.getByLabel('Suchbegriff').fill('Gefahrenhinweis');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.getByRole('status').getByText('1 Treffer für „Gefahrenhinweis“').waitFor();
    const link = page.getByRole('link', { name: /^<img src=x onerror=.*> Gefahrenhinweis$/ });
    await link.waitFor();
    await expect(page.locator('main img').count()).resolves.toBe(0);
    await expectNoScriptRan(page, dialogs);
    await link.click();
    await page.getByRole('heading', { level: 1, name: /^<img src=x onerror=.*> Gefahrenhinweis$/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/dokumente/${titleId}`);
    await expect(page.locator('main img').count()).resolves.toBe(0);
    await expectNoScriptRan(page, dialogs);
    await context.close();
  });
});
