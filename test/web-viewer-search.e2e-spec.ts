import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { IngestAppModule } from '../apps/ingest/src/ingest.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { startApp, TestApp, users } from './support/app';
import { checkA11y, launchBrowser, screenshot } from './support/browser';
import { freshDatabase } from './support/database';
import { germanLetter, renderLetter, toTextPdf } from './support/scan-generator';
import { signIn, startWebStack, WebStack } from './support/web-stack';

/**
 * A caseworker's search and document viewer in the browser, against the real service: a letter
 * goes through the real pipeline (ingest service, worker with OCR, searchable PDF, filing), the
 * caseworker finds it by a word of its text, sees the highlighted snippet, opens it in the viewer
 * (page 1 drawn by pdf.js with a selectable text layer, the OCR text and confidence beside it),
 * downloads the original and uploads a new version.
 */
/** The title the pipeline takes from the OCR'd subject line (the é may come back as another letter). */
const TITLE = /^Nachweis Schankerlaubnis Caf. Sonnenschein$/;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('web: search and document viewer (browser)', () => {
  let stack: WebStack;
  let ingest: TestApp;
  let worker: TestApp;
  let browser: Browser;
  let isolated: { url: string; drop: () => Promise<void> };
  let anna: string;
  let caseFile: { id: string; reference: string };
  let scanPng: Buffer;
  let documentId: string;
  let bornDigitalId: string;

  beforeAll(async () => {
    // own database and queue prefix: the worker's classifier retrains on what is filed here
    isolated = await freshDatabase('web_viewer');
    const env = { DATABASE_URL: isolated.url, OCR_WORKERS: '1', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-webviewer` };
    stack = await startWebStack({ env });
    ingest = await startApp(IngestAppModule, { env });
    worker = await startApp(WorkerModule, { env });
    browser = await launchBrowser();
    anna = await stack.api.token(users.caseworker32);
    const auth = { Authorization: `Bearer ${anna}` };

    caseFile = (await stack.api.http().post('/api/v1/case-files').set(auth).send({ filePlanCode: '32.1.2', title: 'Gaststättenerlaubnis Café Sonnenschein' }).expect(201)).body;

    // a scanned letter quoting the Aktenzeichen: through the real pipeline into the case file
    const letter = await renderLetter(
      germanLetter({
        reference: caseFile.reference,
        subject: 'Betreff: Nachweis Schankerlaubnis Café Sonnenschein',
        body: ['Sehr geehrte Damen und Herren,', 'anbei reiche ich die Bescheinigung über die Belehrung nach dem Infektionsschutzgesetz nach. Die Kopie der Schankerlaubnis liegt bei.'],
      }),
      { skewDegrees: 0.5, noise: 0.03, seed: 21 },
    );
    scanPng = letter.png;
    const sina = await ingest.token(users.scanOperator);
    const batch = (
      await ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`).field('scanner', 'fi-7160').field('profile', '300dpi-grau').attach('files', scanPng, 'nachweis.png').expect(202)
    ).body;
    documentId = batch.documents[0].id;
    const until = Date.now() + 240_000;
    for (;;) {
      const b = (await ingest.http().get(`/api/v1/batches/${batch.id}`).set('Authorization', `Bearer ${sina}`).expect(200)).body;
      if (b.status === 'completed') {
        expect(b.documents[0]).toMatchObject({ status: 'filed', caseFileId: caseFile.id });
        break;
      }
      if (Date.now() > until) throw new Error(`batch not completed: ${JSON.stringify(b)}`);
      await new Promise((r) => setTimeout(r, 500));
    }

    // and a born-digital letter uploaded into the case file (text layer, no OCR)
    const digital = await toTextPdf(['Stadt Musterstadt', 'Aktenvermerk zur Ortsbesichtigung', 'Die Schankfläche der Gaststätte wurde am Montag besichtigt.']);
    bornDigitalId = (
      await stack.api.http().post(`/api/v1/case-files/${caseFile.id}/documents`).set(auth).field('title', 'Aktenvermerk Ortsbesichtigung').field('documentType', 'sonstiges').attach('file', digital.pdf, 'vermerk.pdf').expect(201)
    ).body.id;
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await ingest?.close();
    await stack?.stop();
    await isolated?.drop();
  });

  const newPage = async (): Promise<{ context: BrowserContext; page: Page; errors: string[] }> => {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.push(m.text()));
    return { context, page, errors };
  };

  it('finds the scanned letter, shows it page by page with selectable text, OCR confidence, download and a new version', async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, stack, users.caseworker32, '/suche');
    await page.getByRole('heading', { level: 1, name: 'Suche' }).waitFor();

    // a search for only stop words is refused with its reason, never a blank screen
    await page.getByLabel('Suchbegriff').fill('und');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.getByRole('alert').getByText(/stop word/).first().waitFor();

    await page.getByLabel('Suchbegriff').fill('Schankerlaubnis');
    await page.getByLabel('Amt', { exact: true }).selectOption('32');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.getByRole('status').getByText('1 Treffer für „Schankerlaubnis“').waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('Schankerlaubnis');
    expect(new URL(page.url()).searchParams.get('departmentCode')).toBe('32');

    const hit = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: TITLE }) });
    await expect(hit.locator('mark').first().textContent()).resolves.toMatch(/Schankerlaubnis/);
    await expect(hit.getByRole('link', { name: `Akte ${caseFile.reference.replace(/-/g, '\u2011')}` }).getAttribute('href')).resolves.toBe(`/akten/${caseFile.id}`);
    // the snippet's marks are elements, the rest text (no markup from the document)
    expect(await hit.locator('mark').count()).toBeGreaterThan(0);
    await checkA11y(page, 'search');
    await screenshot(page, 'search');

    // filters narrow: no "antrag" among the hits
    await page.getByLabel('Dokumenttyp').selectOption('antrag');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.getByRole('status').getByText('Keine Treffer für „Schankerlaubnis“.').waitFor();
    await page.goBack();
    await page.getByRole('status').getByText('1 Treffer für „Schankerlaubnis“').waitFor();
    await expect(page.getByLabel('Dokumenttyp').inputValue()).resolves.toBe('');

    // open the letter in the viewer
    await hit.getByRole('link', { name: TITLE }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/dokumente/${documentId}`);
    const first = page.getByRole('group', { name: 'Seite 1 von 1' });
    await first.and(page.locator('[aria-busy="false"]')).waitFor({ timeout: 30_000 });
    // page 1 is painted (not a blank canvas) and its text layer holds the recognised words
    const inked = await first.locator('canvas').evaluate((c: any) => {
      const data: Uint8ClampedArray = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 128) dark++;
      return dark;
    });
    expect(inked).toBeGreaterThan(1000);
    const word = first.getByText('Schankerlaubnis').first();
    await word.waitFor();
    await word.dblclick();
    await expect(page.evaluate(() => String((globalThis as any).getSelection()))).resolves.toMatch(/Schankerlaubnis/);
    await expect(page.getByText('Angezeigt: durchsuchbare PDF (Texterkennung)').isVisible()).resolves.toBe(true);

    // the recognised text beside it, with the confidence of page 1
    const text = page.getByRole('region', { name: 'Erkannter Text' });
    await text.getByText(/Infektionsschutzgesetz/).waitFor();
    await text.getByText(/^Erkennungsgüte \d+\s%/).waitFor();
    // metadata, capture record and transfer note
    await page.getByRole('heading', { name: 'Erfassungsprotokoll' }).waitFor();
    await page.getByRole('heading', { name: 'Transfervermerk' }).waitFor();
    await expect(page.getByRole('link', { name: /Zur Akte/ }).first().getAttribute('href')).resolves.toBe(`/akten/${caseFile.id}`);
    // keyboard: the page view takes focus and the zoom buttons change the size
    await page.getByRole('button', { name: 'Vergrößern' }).click();
    await page.getByRole('status').getByText(/^Größe \d+\s%$/).waitFor();
    await first.and(page.locator('[aria-busy="false"]')).waitFor();
    await checkA11y(page, 'viewer');
    await screenshot(page, 'viewer');

    // download the original: the bytes the scan centre captured
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Original herunterladen/ }).click()]);
    expect(download.suggestedFilename()).toBe('nachweis.png');
    expect(sha256(readFileSync((await download.path())!))).toBe(sha256(scanPng));

    // upload a new version: version 2 becomes current and is shown
    const v2 = await toTextPdf(['Nachweis Schankerlaubnis', 'Berichtigte Fassung mit Unterschrift des Inhabers.']);
    await page.getByLabel('Datei', { exact: true }).setInputFiles({ name: 'nachweis-v2.pdf', mimeType: 'application/pdf', buffer: v2.pdf });
    await page.getByLabel('Kommentar (optional)').fill('unterschriebene Fassung');
    await page.getByRole('button', { name: 'Neue Version hochladen' }).click();
    await page.getByRole('status').getByText('Version 2 wurde hochgeladen.').waitFor();
    await expect(page.getByLabel('Version', { exact: true }).locator('option:checked').textContent()).resolves.toMatch(/^Version 2 vom .*\(aktuell\)$/);
    await page.getByRole('cell', { name: 'unterschriebene Fassung' }).waitFor();
    await page.getByText('Angezeigt: Original').waitFor();
    await page.getByRole('group', { name: 'Seite 1 von 1' }).getByText('Berichtigte Fassung').waitFor({ timeout: 30_000 });
    // version 1 is still there through the picker
    await page.getByLabel('Version', { exact: true }).selectOption('1');
    await page.getByText('Angezeigt: durchsuchbare PDF (Texterkennung)').waitFor();
    expect(new URL(page.url()).searchParams.get('version')).toBe('1');
    const doc = (await stack.api.http().get(`/api/v1/documents/${documentId}`).set('Authorization', `Bearer ${anna}`).expect(200)).body;
    expect(doc.currentVersion).toBe(2);
    expect(doc.versions[1]).toMatchObject({ versionNo: 2, comment: 'unterschriebene Fassung' });
    expect(doc.ocr.pages[0]).toMatchObject({ pageNo: 1, source: 'ocr', meanConfidence: expect.any(Number) });
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000); // OCR of the new version included; the suite shares two cores with the others in CI

  it('turns pages and zooms with the keyboard alone', async () => {
    // a 3-page born-digital PDF as a new version of the note
    const { PDFDocument, StandardFonts } = await import('pdf-lib');
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    for (let n = 1; n <= 3; n++) pdf.addPage([595, 842]).drawText(`Seite ${n} des Vermerks`, { x: 70, y: 760, size: 14, font });
    await stack.api
      .http()
      .post(`/api/v1/documents/${bornDigitalId}/versions`)
      .set('Authorization', `Bearer ${anna}`)
      .attach('file', Buffer.from(await pdf.save()), 'vermerk-3.pdf')
      .expect(201);
    const { context, page, errors } = await newPage();
    await signIn(page, stack, users.caseworker32, `/dokumente/${bornDigitalId}`);
    await page.getByRole('heading', { level: 1, name: 'Aktenvermerk Ortsbesichtigung' }).waitFor();
    await page.getByRole('group', { name: 'Seite 1 von 3' }).and(page.locator('[aria-busy="false"]')).waitFor();
    const view = page.getByRole('region', { name: 'Dokumentansicht, Version 2' });
    await view.focus();
    await page.keyboard.press('PageDown');
    await page.getByRole('status').getByText('Seite 2 von 3 angezeigt').waitFor();
    await expect(page.getByLabel('Seite', { exact: true }).inputValue()).resolves.toBe('2');
    await page.getByRole('group', { name: 'Seite 2 von 3' }).getByText('Seite 2 des Vermerks').waitFor();
    await page.keyboard.press('End');
    await page.getByRole('status').getByText('Seite 3 von 3 angezeigt').waitFor();
    await page.keyboard.press('+');
    await page.getByRole('status').getByText(/^Größe \d+\s%$/).waitFor();
    await page.keyboard.press('Home');
    await page.getByRole('status').getByText('Seite 1 von 3 angezeigt').waitFor();
    // the born-digital text: taken from the PDF, no recognition
    await page.getByRole('region', { name: 'Erkannter Text' }).waitFor();
    await checkA11y(page, 'viewer-keyboard');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('pages through many results, and the back button returns to the previous page', async () => {
    const auth = { Authorization: `Bearer ${anna}` };
    for (let n = 1; n <= 22; n++) {
      const { pdf } = await toTextPdf([`Antrag auf Sondernutzung Nummer ${n}`]);
      await stack.api.http().post(`/api/v1/case-files/${caseFile.id}/documents`).set(auth).field('title', `Sondernutzung Marktstand ${n}`).field('documentType', 'antrag').attach('file', pdf, `sondernutzung-${n}.pdf`).expect(201);
    }
    const { context, page, errors } = await newPage();
    await signIn(page, stack, users.caseworker32, '/suche?q=Sondernutzung&documentType=antrag');
    const status = page.getByRole('status').getByText(/Treffer für „Sondernutzung“/);
    await expect(status.textContent()).resolves.toBe('22 Treffer für „Sondernutzung“ · Seite 1 von 2');
    await expect(page.getByLabel('Dokumenttyp').inputValue()).resolves.toBe('antrag');
    const results = page.getByRole('list', { name: 'Suchergebnisse' }).getByRole('listitem');
    await expect(results.count()).resolves.toBe(20);
    const paging = page.getByRole('navigation', { name: 'Seiten der Suchergebnisse' });
    await paging.getByRole('link', { name: 'Nächste Seite' }).click();
    await page.getByRole('status').getByText('22 Treffer für „Sondernutzung“ · Seite 2 von 2').waitFor();
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    await expect(results.count()).resolves.toBe(2);
    await expect(paging.getByRole('link', { name: 'Nächste Seite' }).count()).resolves.toBe(0);
    await page.goBack();
    await page.getByRole('status').getByText('22 Treffer für „Sondernutzung“ · Seite 1 von 2').waitFor();
    await checkA11y(page, 'search-paging');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a caseworker of another department a clear refusal, not the document', async () => {
    const { context, page } = await newPage();
    await signIn(page, stack, users.caseworker50, `/dokumente/${documentId}`);
    await page.getByRole('alert').getByText('Nicht gefunden, oder Sie haben keinen Zugriff darauf.').waitFor();
    await expect(page.getByRole('group', { name: /Seite 1/ }).count()).resolves.toBe(0);
    await context.close();
  });
});
