import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { startApp, TestApp, users } from './support/app';
import { checkA11y, launchBrowser, screenshot } from './support/browser';
import { freshDatabase } from './support/database';
import { germanLetter, renderLetter, toJpeg } from './support/scan-generator';
import { signIn, startWebStack, WebStack } from './support/web-stack';

/**
 * The scan centre in a real browser against the real service: the records API serves the app and
 * the batch routes on one origin, the worker (in this process, on a queue prefix and database of
 * this suite's own) runs the real pipeline (tesseract.js OCR, classification, filing). A scan
 * operator uploads generated one-page letters through the file picker and watches every file end
 * as `abgelegt`, `im Eingangskorb`, `abgelehnt` and `Duplikat`; then reads a transfer note.
 */
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A PDF whose trailer names a Standard security handler with a password we do not know. */
function encryptedPdf(): Buffer {
  const objects = [
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj',
    '4 0 obj << /Length 8 >> stream\nqwertzui\nendstream endobj',
    `5 0 obj << /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -44 >> endobj`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (const o of objects) {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${o}\n`;
  }
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer << /Size ${objects.length + 1} /Root 1 0 R /Encrypt 5 0 R /ID [<${'02'.repeat(16)}> <${'02'.repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

describe('web: scan centre (browser, real worker)', () => {
  let stack: WebStack;
  let worker: TestApp;
  let browser: Browser;
  let isolated: { url: string; drop: () => Promise<void> };
  let dir: string;

  beforeAll(async () => {
    // its own database and queue prefix: other suites' workers must not take these jobs, and the
    // classifier (retrained on filed documents) must not learn from other suites' letters
    isolated = await freshDatabase('webscan');
    const env = { DATABASE_URL: isolated.url, OCR_WORKERS: '1', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX ?? 'eakte-test'}-webscan`, INGEST_MAX_FILES: '6' };
    stack = await startWebStack({ env });
    worker = await startApp(WorkerModule, { env });
    browser = await launchBrowser();
    dir = mkdtempSync(path.join(os.tmpdir(), 'web-scan-centre-'));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await stack?.stop();
    await isolated?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, content: Buffer) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  async function openScanCentre(context: BrowserContext): Promise<{ page: Page; requests: string[] }> {
    const page = await context.newPage();
    const requests: string[] = [];
    await signIn(page, stack, users.scanOperator, '/scanstelle');
    // from here on (sign-in itself visits the issuer): what the application asks for
    page.on('request', (r) => requests.push(`${r.resourceType()} ${r.method()} ${r.url()}`));
    await page.getByRole('heading', { level: 1, name: 'Scanstelle' }).waitFor();
    return { page, requests };
  }

  it('uploads a batch through the file picker and shows every file\'s outcome live; the batch page shows the transfer note', async () => {
    const anna = await stack.api.token(users.caseworker32);
    const cf = await stack.api.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Gaststättenerlaubnis Café Linde' }).expect(201);
    const reference = cf.body.reference as string;

    const quoting = await renderLetter(
      germanLetter({
        reference,
        subject: 'Betreff: Nachweis zur Gaststättenerlaubnis Café Linde',
        body: ['Sehr geehrte Damen und Herren,', 'anbei reiche ich die Bescheinigung über die Belehrung nach dem Infektionsschutzgesetz nach.'],
      }),
      { skewDegrees: 0.5, noise: 0.04, seed: 21 },
    );
    const unreferenced = await renderLetter(
      germanLetter({
        references: [],
        recipient: ['Stadt Musterstadt', 'Rathausplatz 1', '12345 Musterstadt'],
        subject: 'Betreff: Beschwerde über Lärm',
        body: ['Sehr geehrte Damen und Herren,', 'seit Wochen wird in der Nachbarschaft nachts laut gefeiert. Ich bitte Sie, etwas dagegen zu unternehmen.'],
      }),
      { skewDegrees: -0.4, noise: 0.04, seed: 22 },
    );
    const files = [
      write('brief-mit-aktenzeichen.png', quoting.png),
      write('brief-ohne-zeichen.jpg', await toJpeg(unreferenced, 88)),
      write('verschluesselt.pdf', encryptedPdf()),
      write('brief-mit-aktenzeichen-nochmal.png', quoting.png),
    ];

    const context = await browser.newContext({ locale: 'de-DE' });
    const { page, requests } = await openScanCentre(context);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.getByText('Sie haben noch keinen Stapel hochgeladen.').waitFor();
    await page.getByLabel('Scanner', { exact: true }).fill('Fujitsu fi-7160 Poststelle');
    await page.getByLabel('Scanprofil').fill('300 dpi Graustufen');
    await page.getByLabel('Posteingang am').fill('2026-03-13');
    // the departments come from the service
    await expect(page.getByLabel('Amt (optional)').locator('option', { hasText: '32 Ordnungsamt' }).count()).resolves.toBe(1);
    await page.getByLabel('Dateien auswählen').setInputFiles(files);
    await page.getByText('4 Dateien ausgewählt').waitFor();
    await checkA11y(page, 'scan-centre-upload-form');
    await screenshot(page, 'scan-centre-upload-form');
    await page.getByRole('button', { name: 'Stapel hochladen' }).click();

    await page.getByText('Stapel angenommen: 4 Dateien.').waitFor();
    const row = (name: string) => page.getByRole('row', { name: new RegExp(`^${name.replace(/[.]/g, '\\.')}\\b`) });
    // settled at upload: the encrypted PDF is refused with its reason, the copy is a duplicate
    await row('verschluesselt.pdf').getByText('abgelehnt', { exact: true }).waitFor();
    await expect(row('verschluesselt.pdf').textContent()).resolves.toMatch(/Grund: Die PDF-Datei ist verschlüsselt/);
    await row('brief-mit-aktenzeichen-nochmal.png').getByText('Duplikat', { exact: true }).waitFor();
    await expect(row('brief-mit-aktenzeichen-nochmal.png').getByRole('link', { name: /Original ansehen/ }).count()).resolves.toBe(1);

    // the worker's outcomes arrive without reloading
    const summary = page.getByRole('status').filter({ hasText: 'Stapel abgeschlossen' });
    await summary.waitFor({ timeout: 240_000 });
    await expect(summary.textContent()).resolves.toBe('Stapel abgeschlossen: 4 Dateien – 1 abgelegt, 1 im Eingangskorb, 1 abgelehnt, 1 Duplikat.');
    await row('brief-mit-aktenzeichen.png').getByText('abgelegt', { exact: true }).waitFor();
    await expect(row('brief-mit-aktenzeichen.png').textContent()).resolves.toContain(`Aktenzeichen ${reference.replace(/-/g, '\u2011')}`);
    await row('brief-ohne-zeichen.jpg').getByText('im Eingangskorb', { exact: true }).waitFor();
    await expect(row('brief-ohne-zeichen.jpg').textContent()).resolves.toMatch(/Eingangskorb \d+ \S/); // with the department
    // one origin: the upload, the event stream and every other call went to the app's own address
    expect(requests.filter((r) => r.startsWith('eventsource GET') && r.includes('/api/v1/batches/') && r.endsWith('/events'))).toHaveLength(1);
    expect(requests.filter((r) => r.includes('POST') && r.endsWith('/api/v1/batches'))).toHaveLength(1);
    expect(requests.filter((r) => !r.split(' ')[2].startsWith(stack.baseUrl))).toEqual([]);
    expect(page.url()).toBe(`${stack.baseUrl}/scanstelle`);
    await checkA11y(page, 'scan-centre-upload');
    await screenshot(page, 'scan-centre-upload');

    // the recent batches list the new batch with its counts
    const list = page.getByRole('table', { name: /zuletzt hochgeladenen Stapel/ });
    await list.getByText('1 abgelegt, 1 im Eingangskorb, 1 abgelehnt, 1 Duplikat').waitFor();

    // the duplicate's link opens the batch page at the original's records
    await row('brief-mit-aktenzeichen-nochmal.png').getByRole('link', { name: /Original ansehen/ }).click();
    await page.getByRole('heading', { level: 1, name: /^Stapel vom / }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Erfassungsprotokoll des Stapels' }).waitFor();
    const batchRecord = page.locator('dl').first();
    await expect(batchRecord.textContent()).resolves.toContain('Sina Scan');
    await expect(batchRecord.textContent()).resolves.toContain('Fujitsu fi-7160 Poststelle');
    await expect(batchRecord.textContent()).resolves.toContain('13.03.2026');
    const original = page.locator('details', { has: page.getByText('brief-mit-aktenzeichen.png – abgelegt', { exact: true }) });
    // the capture records load after the batch: the linked file's disclosure opens once they are there
    await original.getByRole('heading', { level: 3, name: 'Transfervermerk' }).waitFor();
    await expect(original.getAttribute('open')).resolves.not.toBeNull();
    const note = await original.textContent();
    expect(note).toContain('Ergebnis der QualitätskontrollebestandenErklärung');
    expect(note).toMatch(/stimmt bildlich und inhaltlich mit dem Original überein/);
    expect(note).toContain(sha256(quoting.png));
    expect(note).toContain('Fujitsu fi-7160 Poststelle');
    expect(note).toMatch(/filed into case file/);
    // the rejected file has a capture record, but no transfer note
    const refused = page.locator('details', { has: page.getByText('verschluesselt.pdf – abgelehnt', { exact: true }) });
    await refused.getByText('verschluesselt.pdf – abgelehnt', { exact: true }).click();
    await refused.getByText('Kein Transfervermerk: Die Datei wurde nicht übernommen.').waitFor();
    await checkA11y(page, 'scan-centre-batch');
    await screenshot(page, 'scan-centre-batch');
    expect(errors).toEqual([]);
    await context.close();
  }, 360_000);

  it('follows a batch by polling when the event stream is refused', async () => {
    const letter = await renderLetter(
      germanLetter({ references: [], subject: 'Betreff: Anfrage zu Öffnungszeiten', body: ['Sehr geehrte Damen und Herren,', 'bitte teilen Sie mir die Öffnungszeiten des Bürgerbüros mit.'] }),
      { noise: 0.04, seed: 23 },
    );
    const context = await browser.newContext({ locale: 'de-DE' });
    const { page } = await openScanCentre(context);
    await page.route('**/api/v1/batches/*/events', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"ServiceUnavailable","message":"x"}}' }));
    await page.getByLabel('Dateien auswählen').setInputFiles([write('anfrage.png', letter.png)]);
    await page.getByRole('button', { name: 'Stapel hochladen' }).click();
    await page.getByText('Stapel angenommen: 1 Datei.').waitFor();
    await page.getByRole('status').filter({ hasText: 'Stapel abgeschlossen: 1 Datei – 1 im Eingangskorb.' }).waitFor({ timeout: 240_000 });
    await context.close();
  }, 300_000);

  it('explains refusals of the service: a bad field (400) and too many files (413)', async () => {
    const scan = await stack.api.token(users.scanOperator);
    const batchCount = async () => (await stack.api.http().get('/api/v1/batches').set('Authorization', `Bearer ${scan}`).expect(200)).body.total as number;
    const before = await batchCount();
    const context = await browser.newContext({ locale: 'de-DE' });
    const { page } = await openScanCentre(context);
    const junk = Array.from({ length: 7 }, (_, i) => write(`notiz-${i}.txt`, Buffer.from(`keine Datei zum Scannen ${i} ${Date.now()}`)));

    await page.getByLabel('Posteingang am').fill('2099-01-01');
    await page.getByLabel('Dateien auswählen').setInputFiles(junk.slice(0, 1));
    await page.getByRole('button', { name: 'Stapel hochladen' }).click();
    const invalid = page.getByRole('alert').filter({ hasText: 'Eine Angabe ist nicht gültig.' });
    await invalid.waitFor();
    await expect(invalid.textContent()).resolves.toContain('Posteingang am: lies in the future');
    await expect(page.getByLabel('Posteingang am').getAttribute('aria-invalid')).resolves.toBe('true');
    await checkA11y(page, 'scan-centre-refused-field');

    await page.getByLabel('Posteingang am').fill('2026-03-13');
    await page.getByLabel('Dateien auswählen').setInputFiles(junk.slice(1)); // 1 + 6 = 7 files; the stack allows 6
    await page.getByText('7 Dateien ausgewählt').waitFor();
    await page.getByRole('button', { name: 'Stapel hochladen' }).click();
    await page.getByRole('alert').filter({ hasText: 'Der Stapel ist zu groß' }).waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Grund: at most 6 files per request/);
    // nothing was accepted
    expect(await batchCount()).toBe(before);
    await context.close();
  }, 120_000);
});
