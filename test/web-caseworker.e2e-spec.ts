import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { IngestAppModule } from '../apps/ingest/src/ingest.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { startApp, TestApp, users } from './support/app';
import { checkA11y, launchBrowser, screenshot } from './support/browser';
import { freshDatabase } from './support/database';
import { germanLetter, renderLetter, toJpeg } from './support/scan-generator';
import { signIn, startWebStack, WebStack } from './support/web-stack';

/**
 * The caseworker's day in a real browser against the real service: letters come in through the
 * scan centre's ingest route and the worker's pipeline (OCR, classification, inbox), a caseworker
 * of department 32 files them (accepting the suggestion; choosing the case file by typing part of
 * its Aktenzeichen, with the keyboard alone) and forwards one to department 50; creates a case
 * file, uploads into it, closes it (zdA), is refused an upload, reopens it with a reason and finds
 * the reason in the history; a caseworker of department 50 finds the forwarded letter and is
 * refused department 32's case file (not found, and a denied attempt in the audit trail).
 */
describe('caseworker screens (browser)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let stack: WebStack;
  let ingest: TestApp;
  let worker: TestApp;
  let browser: Browser;
  let ds: DataSource;
  let anna: string;
  const letters: Record<'asked' | 'fine' | 'social', { id: string; title: string }> = {} as never;
  let closedOnArrival: { id: string; reference: string; title: string };

  /** An Aktenzeichen as the screens print it (non-breaking hyphens). */
  const nb = (reference: string) => reference.replace(/-/g, '\u2011');
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

  const api = (token: string) => ({
    get: (path: string) => stack.api.http().get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string) => stack.api.http().post(path).set('Authorization', `Bearer ${token}`),
  });

  beforeAll(async () => {
    // a database and queue prefix of its own: the inbox must hold exactly this test's letters
    db = await freshDatabase('web_caseworker');
    const env = { DATABASE_URL: db.url, QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-webcw`, OCR_WORKERS: '2' };
    stack = await startWebStack({ env });
    ingest = await startApp(IngestAppModule, { env });
    worker = await startApp(WorkerModule, { env });
    browser = await launchBrowser();
    ds = stack.api.app.get(DataSource);
    anna = await stack.api.token(users.caseworker32);

    // a case file that is closed when a citizen's question about it arrives (the pipeline never
    // files into a closed case file: the letter waits in the inbox, suggesting that case file)
    const created = await api(anna).post('/api/v1/case-files').send({ filePlanCode: '32.1.2', title: 'Gaststättenerlaubnis Imbiss Eck' }).expect(201);
    closedOnArrival = created.body;
    await api(anna).post(`/api/v1/case-files/${closedOnArrival.id}/close`).expect(200);

    const scan = async (spec: Parameters<typeof germanLetter>[0], seed: number) => toJpeg(await renderLetter(germanLetter(spec), { skewDegrees: 0.4, noise: 0.03, seed }), 88);
    const files = {
      asked: await scan({ reference: closedOnArrival.reference, subject: 'Betreff: Rückfrage zur Gaststättenerlaubnis Imbiss Eck' }, 21),
      fine: await scan(
        {
          references: [],
          subject: 'Betreff: Einspruch gegen das Bußgeld wegen Parkens',
          body: ['Sehr geehrte Damen und Herren,', 'gegen das Bußgeld wegen Parkens in der Hauptstraße am 02.03.2026 lege ich Einspruch ein. Das Parken war an dieser Stelle erlaubt; die Ordnungswidrigkeit liegt nicht vor.'],
        },
        22,
      ),
      social: await scan(
        {
          references: [],
          recipient: ['Stadt Musterstadt', 'Sozialamt', 'Rathausplatz 1', '12345 Musterstadt'],
          subject: 'Betreff: Widerspruch gegen den Wohngeldbescheid',
          body: ['Sehr geehrte Damen und Herren,', 'gegen Ihren Bescheid über das Wohngeld lege ich fristgerecht Widerspruch ein. Mein Einkommen wurde falsch berechnet.'],
        },
        23,
      ),
    };
    // the scan centre routes the whole batch to department 32 (one letter is for the Sozialamt)
    const sina = await ingest.token(users.scanOperator);
    const upload = await ingest
      .http()
      .post('/api/v1/batches')
      .set('Authorization', `Bearer ${sina}`)
      .field('scanner', 'Fujitsu fi-7160 Poststelle')
      .field('profile', '300dpi-grau')
      .field('departmentCode', '32')
      .attach('files', files.asked, 'rueckfrage.jpg')
      .attach('files', files.fine, 'einspruch.jpg')
      .attach('files', files.social, 'wohngeld.jpg')
      .expect(202);
    const ids = (upload.body.documents as Array<{ id: string }>).map((d) => d.id);
    for (let i = 0; ; i++) {
      const batch = (await ingest.http().get(`/api/v1/batches/${upload.body.id}`).set('Authorization', `Bearer ${sina}`).expect(200)).body;
      if (batch.status === 'completed') {
        expect(batch.documents.map((d: { status: string }) => d.status)).toEqual(['needs_review', 'needs_review', 'needs_review']);
        break;
      }
      if (i > 400) throw new Error(`batch not completed: ${JSON.stringify(batch)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const inbox = (await api(anna).get('/api/v1/inbox?departmentCode=32').expect(200)).body.items as Array<{ id: string; title: string }>;
    const byId = new Map(inbox.map((i) => [i.id, i]));
    (['asked', 'fine', 'social'] as const).forEach((k, i) => (letters[k] = byId.get(ids[i])!));
    expect(Object.values(letters).every(Boolean)).toBe(true);

    // meanwhile a colleague reopened the case file the question is about: the inbox shows the
    // case file as it is now, so its suggestion can be accepted
    await api(anna).post(`/api/v1/case-files/${closedOnArrival.id}/reopen`).send({ reason: 'Rückfrage der Betreiberin eingegangen' }).expect(200);
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await ingest?.close();
    await stack?.stop();
    await db?.drop();
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return { context, page, errors };
  }

  /** Presses Tab until the focused element's accessible text matches (keyboard only: nothing is clicked). */
  async function tabTo(page: Page, name: RegExp, { backward = false, max = 80 } = {}): Promise<void> {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press(backward ? 'Shift+Tab' : 'Tab');
      // (the page's DOM: this file is type-checked without the DOM library)
      const focused = await page.evaluate(() => {
        const el = (globalThis as any).document.activeElement;
        if (!el) return '';
        const labelled = el.getAttribute('aria-label') ?? el.labels?.[0]?.textContent ?? '';
        return `${labelled} ${el.textContent ?? ''}`.trim();
      });
      if (name.test(focused)) return;
    }
    throw new Error(`no focusable element matching ${name} within ${max} tabs`);
  }

  /** Chooses an option of the focused select with the arrow keys. */
  async function arrowToOption(page: Page, option: RegExp): Promise<void> {
    for (let i = 0; i < 60; i++) {
      const text = await page.evaluate(() => {
        const s = (globalThis as any).document.activeElement;
        return (s.options?.[s.selectedIndex]?.text as string | undefined) ?? '';
      });
      if (option.test(text)) return;
      await page.keyboard.press('ArrowDown');
    }
    throw new Error(`no option matching ${option}`);
  }

  it('files letters from the inbox (one by the keyboard alone), forwards one, and works on a case file', async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, stack, users.caseworker32, '/');

    // the caseworker's home is the inbox with the pipeline's suggestions
    await page.getByRole('heading', { level: 1, name: 'Eingangskorb' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/eingangskorb');
    await page.getByText('3 Schreiben im Eingangskorb von Amt 32 – Ordnungsamt').waitFor();
    const asked = page.getByRole('article', { name: letters.asked.title });
    await asked.getByRole('link', { name: nb(closedOnArrival.reference) }).waitFor();
    await asked.getByText(/gehört zu einer Akte, die nicht offen ist \(geschlossen \(zdA\)\): nicht abgelegt/).waitFor();
    await asked.getByText('Die Scanstelle hat das Schreiben Amt 32 zugewiesen.').waitFor();
    await asked.getByText(/^\d+\s%\s\((hoch|mittel|gering)\)$/).waitFor();
    const social = page.getByRole('article', { name: letters.social.title });
    await social.getByText('Keine Akte erkannt').waitFor();
    await social.getByText(/Dokumenttyp Widerspruch erkannt/).waitFor();
    await checkA11y(page, 'inbox');
    await screenshot(page, 'inbox');

    // accept the suggestion with one action
    await asked.getByRole('button', { name: `Vorschlag übernehmen: in Akte ${closedOnArrival.reference} ablegen` }).click();
    await page.getByText(`„${letters.asked.title}“ wurde in Akte ${closedOnArrival.reference} abgelegt.`).waitFor();
    await page.getByText('2 Schreiben im Eingangskorb von Amt 32 – Ordnungsamt').waitFor();
    expect(await page.getByRole('article', { name: letters.asked.title }).count()).toBe(0);

    // send the Sozialamt's letter to department 50
    await social.getByText('An anderes Amt weiterleiten').click();
    await social.getByLabel('Empfangendes Amt').selectOption('50');
    await social.getByLabel('Vermerk (freiwillig)').fill('Wohngeld: bitte Sozialamt');
    await checkA11y(page, 'inbox-forward');
    await social.getByRole('button', { name: 'Weiterleiten' }).click();
    await page.getByText(`„${letters.social.title}“ wurde an Amt 50 – Sozialamt weitergeleitet.`).waitFor();
    await page.getByText('1 Schreiben im Eingangskorb von Amt 32 – Ordnungsamt').waitFor();

    // ---- keyboard alone: create a case file, then file the last letter into it by typing part of its Aktenzeichen
    await tabTo(page, /^Akten$/, { backward: true });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Akten' }).waitFor();
    await tabTo(page, /Neue Akte anlegen/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Neue Akte' }).waitFor();
    await tabTo(page, /^Aktenplaneinheit/);
    await arrowToOption(page, /^32\.2\.1 Bußgeldverfahren$/);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Bußgeldverfahren Parken Hauptstraße');
    await tabTo(page, /^Akte anlegen$/);
    await checkA11y(page, 'case-file-create');
    await page.keyboard.press('Enter');
    const heading = page.getByRole('heading', { level: 1, name: /^Akte 32\.2\.1/ });
    await heading.waitFor();
    const fineReference = (await heading.textContent())!.replace(/^Akte /, '').replace(/\u2011/g, '-');
    expect(fineReference).toMatch(/^32\.2\.1-\d{4}\/\d{5}$/);
    await page.getByText(`Akte ${fineReference} wurde angelegt.`).waitFor();
    await tabTo(page, /^Eingangskorb$/, { backward: true });
    await page.keyboard.press('Enter');
    const fine = page.getByRole('article', { name: letters.fine.title });
    await fine.waitFor();
    await tabTo(page, /Andere Akte wählen/);
    await page.keyboard.press('Enter'); // opens the disclosure
    await tabTo(page, /^Akte suchen/);
    const picker = fine.getByRole('combobox', { name: 'Akte suchen' });
    expect(await picker.evaluate((el) => el === (globalThis as any).document.activeElement)).toBe(true);
    await page.keyboard.type(fineReference.slice(0, 7)); // "32.2.1-": part of the Aktenzeichen
    await fine.getByRole('status').getByText('1 offene Akte gefunden').waitFor();
    await page.keyboard.press('ArrowDown');
    const option = fine.getByRole('listbox', { name: 'Gefundene Akten' }).getByRole('option', { name: new RegExp(`^${escape(nb(fineReference))} Bußgeldverfahren Parken Hauptstraße$`) });
    await option.waitFor();
    expect(await option.getAttribute('aria-selected')).toBe('true');
    expect(await picker.getAttribute('aria-expanded')).toBe('true');
    expect(await picker.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
    await checkA11y(page, 'inbox-picker');
    await page.keyboard.press('Enter');
    expect(await picker.getAttribute('aria-expanded')).toBe('false');
    await fine.getByText(`Gewählt: ${nb(fineReference)} – Bußgeldverfahren Parken Hauptstraße`).waitFor();
    await tabTo(page, /In gewählte Akte ablegen/);
    await page.keyboard.press('Enter');
    await page.getByText(`„${letters.fine.title}“ wurde in Akte ${fineReference} abgelegt.`).waitFor();
    await page.getByText('Der Eingangskorb ist leer.').waitFor();
    await checkA11y(page, 'inbox-empty');
    // ---- end of the keyboard journey

    const [fineFile] = await ds.query(`SELECT d.status, c.reference FROM documents d JOIN case_files c ON c.id = d.case_file_id WHERE d.id = $1`, [letters.fine.id]);
    expect(fineFile).toEqual({ status: 'filed', reference: fineReference });

    // the case-file list with filters
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Akten' }).click();
    await page.getByRole('table', { name: /Akten: 2 Treffer/ }).waitFor();
    await page.getByLabel('Aktenplaneinheit').selectOption('32.1');
    await page.getByRole('button', { name: 'Filtern' }).click();
    await page.getByRole('table', { name: /Akten: 1 Treffer/ }).getByRole('link', { name: nb(closedOnArrival.reference) }).waitFor();
    await page.getByRole('button', { name: 'Filter zurücksetzen' }).click();
    await page.getByLabel('Aktenzeichen oder Titel').fill('parken hauptstraße');
    await page.getByRole('button', { name: 'Filtern' }).click();
    await page.getByRole('table', { name: /Akten: 1 Treffer/ }).getByRole('link', { name: nb(fineReference) }).waitFor();
    await checkA11y(page, 'case-file-list');
    await screenshot(page, 'case-file-list');

    // create a case file, upload a document into it
    await page.getByRole('button', { name: 'Neue Akte anlegen' }).click();
    const form = page.getByRole('region', { name: 'Neue Akte' });
    await form.getByLabel('Aktenplaneinheit').selectOption('32.1.2');
    await form.getByLabel('Titel', { exact: true }).fill('Gaststättenerlaubnis Café Müller');
    await form.getByLabel('Vertraulichkeit').selectOption('confidential');
    await form.getByRole('button', { name: 'Akte anlegen', exact: true }).click();
    const cafeHeading = page.getByRole('heading', { level: 1, name: /^Akte 32\.1\.2/ });
    await cafeHeading.waitFor();
    const cafeUrl = page.url();
    const cafeId = new URL(cafeUrl).pathname.split('/').pop()!;
    await page.getByText('vertraulich', { exact: true }).waitFor();
    await page.getByText('Die Frist beginnt mit dem Schließen (zdA).').waitFor();
    await page.getByText('Keine Löschsperre.').waitFor();
    await page.getByLabel('Datei').setInputFiles({ name: 'antrag.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n% Antrag auf Gaststättenerlaubnis\ntrailer <<>>\n%%EOF\n', 'latin1') });
    await page.getByLabel('Titel des Dokuments').fill('Antrag auf Gaststättenerlaubnis');
    await page.getByLabel('Dokumenttyp').selectOption('antrag');
    await page.getByRole('button', { name: 'Hochladen' }).click();
    await page.getByText('„Antrag auf Gaststättenerlaubnis“ wurde in die Akte aufgenommen.').waitFor();
    const documents = page.getByRole('table', { name: 'Dokumente der Akte: 1' });
    const docLink = documents.getByRole('link', { name: 'Antrag auf Gaststättenerlaubnis' });
    await docLink.waitFor();
    expect(await docLink.getAttribute('href')).toMatch(/^\/dokumente\/[0-9a-f-]{36}$/);
    await documents.getByText('Version 1').waitFor();
    await documents.getByRole('cell', { name: 'Antrag', exact: true }).waitFor();

    // close it (zdA) after confirming; the upload is then refused by the service
    await page.getByRole('button', { name: 'Akte schließen (zdA)' }).click();
    const dialog = page.getByRole('dialog', { name: /Akte 32\.1\.2.* schließen\?/ });
    await dialog.waitFor();
    await checkA11y(page, 'case-file-close-dialog');
    await dialog.getByRole('button', { name: 'Ja, Akte schließen (zdA)' }).click();
    await page.getByText('Die Akte wurde geschlossen (zdA).').waitFor();
    await page.getByRole('definition').getByText('geschlossen (zdA)', { exact: true }).waitFor();
    await page.getByText('Die Akte ist geschlossen (zdA). Der Dienst nimmt in geschlossene Akten keine Dokumente auf.').waitFor();
    await page.getByLabel('Datei').setInputFiles({ name: 'nachtrag.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% Nachtrag\n%%EOF\n', 'latin1') });
    await page.getByLabel('Titel des Dokuments').fill('Nachtrag');
    await page.getByRole('button', { name: 'Hochladen' }).click();
    await page.getByRole('alert').getByText('Die Akte ist geschlossen (zdA) und nimmt keine Dokumente mehr an.').waitFor();
    expect(await page.getByRole('table', { name: 'Dokumente der Akte: 1' }).count()).toBe(1);

    // reopen it with a reason; the reason is in the history
    await page.getByRole('button', { name: 'Wieder öffnen' }).click();
    await page.getByRole('alert').getByText('Bitte geben Sie einen Grund an (mindestens 3 Zeichen).').waitFor();
    await page.getByLabel('Grund für das Wiederöffnen').fill('Nachreichung der Betreiberin zum Antrag');
    await page.getByRole('button', { name: 'Wieder öffnen' }).click();
    await page.getByText('Die Akte wurde wieder geöffnet.').waitFor();
    const history = page.getByRole('table', { name: 'Historie der Akte' });
    const reopenRow = history.getByRole('row').filter({ hasText: 'Akte wieder geöffnet' });
    await reopenRow.getByText('Nachreichung der Betreiberin zum Antrag').waitFor();
    await reopenRow.getByText('Anna Ordnung (Sachbearbeitung)').waitFor();
    await history.getByRole('row').filter({ hasText: 'Akte geschlossen (zdA)' }).waitFor();
    await history.getByRole('row').filter({ hasText: 'Dokument aufgenommen „Antrag auf Gaststättenerlaubnis“' }).waitFor();
    await history.getByRole('row').filter({ hasText: 'Akte angelegt' }).waitFor();
    await checkA11y(page, 'case-file');
    await screenshot(page, 'case-file');
    expect(errors).toEqual([]);
    await context.close();

    // ---- department 50: the forwarded letter is in its inbox; department 32's case file is not found
    const other = await newPage();
    await signIn(other.page, stack, users.caseworker50, '/');
    await other.page.getByRole('heading', { level: 1, name: 'Eingangskorb' }).waitFor();
    const arrived = other.page.getByRole('article', { name: letters.social.title });
    await arrived.getByText(/Weitergeleitet von Amt 32 – Ordnungsamt durch Anna Ordnung/).waitFor();
    await arrived.getByText('Vermerk: Wohngeld: bitte Sozialamt').waitFor();
    await checkA11y(other.page, 'inbox-50');
    const before = new Date();
    await other.page.goto(cafeUrl);
    await other.page.getByRole('heading', { level: 1, name: 'Seite nicht gefunden' }).waitFor();
    await other.page.getByText('Diese Seite gibt es nicht, oder Sie dürfen sie nicht sehen.').waitFor();
    expect(await other.page.getByText('Gaststättenerlaubnis Café Müller').count()).toBe(0);
    await checkA11y(other.page, 'case-file-not-found');
    const denied = await ds.query(
      `SELECT action, outcome, actor_sub AS "actorSub" FROM audit_events WHERE object_id = $1 AND outcome = 'denied' AND occurred_at >= $2`,
      [cafeId, before],
    );
    expect(denied).toEqual(expect.arrayContaining([expect.objectContaining({ outcome: 'denied', actorSub: users.caseworker50.sub })]));
    expect(other.errors).toEqual([]);
    await other.context.close();
  }, 300_000);
});
