import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { users } from './support/app';
import { checkA11y, launchBrowser, newGermanContext, screenshot } from './support/browser';
import { freshDatabase } from './support/database';
import { signIn, startWebStack, WebStack } from './support/web-stack';

/**
 * Vorgänge on the case file page, in a real browser against the real service: a caseworker of
 * department 32 creates a Vorgang, uploads a document into it and assigns another one to it (with
 * a reason), renames the Vorgang after confirming, closes it, changes the case file's
 * confidentiality and a document's type, and finds every change with its old and new value in the history.
 */
describe('Vorgänge on the case file page (browser)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let stack: WebStack;
  let browser: Browser;
  let ds: DataSource;
  let caseFile: { id: string; reference: string };

  const pdf = (text: string) => Buffer.from(`%PDF-1.4\n1 0 obj <<>> endobj\n% ${text}\ntrailer <<>>\n%%EOF\n`, 'latin1');
  /** A reference as the screens print it (non-breaking hyphens). */
  const nb = (reference: string) => reference.replace(/-/g, '\u2011');

  beforeAll(async () => {
    db = await freshDatabase('web_vorgaenge');
    stack = await startWebStack({ env: { DATABASE_URL: db.url } });
    browser = await launchBrowser();
    ds = stack.api.app.get(DataSource);
    const anna = await stack.api.token(users.caseworker32);
    caseFile = (await stack.api.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Gaststättenerlaubnis Café Müller' }).expect(201)).body;
    await stack.api
      .http()
      .post(`/api/v1/case-files/${caseFile.id}/documents`)
      .set('Authorization', `Bearer ${anna}`)
      .field('title', 'Lageplan der Terrasse')
      .attach('file', pdf('Lageplan'), 'lageplan.pdf')
      .expect(201);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await db?.drop();
  });

  it('creates a Vorgang, files and assigns documents to it, renames and closes it, and shows the history', async () => {
    const context = await newGermanContext(browser);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, stack, users.caseworker32, `/akten/${caseFile.id}`);
    await page.getByRole('heading', { level: 1, name: /^Akte 32\.1\.2/ }).waitFor();
    const section = page.getByRole('region', { name: 'Vorgänge' });
    await section.getByText('Die Akte hat noch keine Vorgänge.').waitFor();

    // create a Vorgang: an empty title is explained, then the Vorgangszeichen is shown
    await section.getByRole('button', { name: 'Vorgang anlegen' }).click();
    await section.getByRole('alert').getByText('Bitte geben Sie einen Titel für den Vorgang ein.').waitFor();
    await section.getByLabel('Titel des neuen Vorgangs').fill('Antrag Außengastronomie');
    await section.getByRole('button', { name: 'Vorgang anlegen' }).click();
    const vRef = `${caseFile.reference}/1`;
    await page.getByText(`Vorgang ${vRef} wurde angelegt.`).waitFor();
    const table = section.getByRole('table', { name: 'Vorgänge der Akte: 1' });
    const row = table.getByRole('row').filter({ hasText: 'Antrag Außengastronomie' });
    await row.getByRole('rowheader', { name: nb(vRef) }).waitFor();
    await row.getByText('offen', { exact: true }).waitFor();
    await checkA11y(page, 'vorgaenge-created');

    // upload a document into the Vorgang
    await page.getByLabel('Datei').setInputFiles({ name: 'antrag.pdf', mimeType: 'application/pdf', buffer: pdf('Antrag Außengastronomie') });
    await page.getByLabel('Titel des Dokuments').fill('Antrag auf Außengastronomie');
    await page.getByLabel('Vorgang (optional)').selectOption({ label: `${vRef} – Antrag Außengastronomie` });
    await page.getByRole('button', { name: 'Hochladen' }).click();
    await page.getByText('„Antrag auf Außengastronomie“ wurde in die Akte aufgenommen.').waitFor();
    const documents = page.getByRole('table', { name: 'Dokumente der Akte: 2' });
    await documents.getByRole('row').filter({ hasText: 'Antrag auf Außengastronomie' }).getByRole('cell', { name: nb(vRef) }).waitFor();
    await documents.getByRole('row').filter({ hasText: 'Lageplan der Terrasse' }).getByRole('cell', { name: 'ohne Vorgang' }).waitFor();

    // assign the other document to it, with a reason (keyboard: the form's controls are labelled)
    const assign = page.getByRole('form', { name: 'Dokument einem Vorgang zuordnen' });
    await assign.getByLabel('Dokument', { exact: true }).selectOption({ label: 'Lageplan der Terrasse' });
    await assign.getByLabel('Vorgang', { exact: true }).selectOption({ label: `${vRef} – Antrag Außengastronomie` });
    await assign.getByRole('button', { name: 'Zuordnen' }).click();
    await assign.getByRole('alert').getByText(/Bitte wählen Sie Dokument und Vorgang/).waitFor();
    await assign.getByLabel('Grund der Zuordnung').fill('Anlage zum Antrag');
    await assign.getByLabel('Grund der Zuordnung').press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText(`Dokument „Lageplan der Terrasse“ gehört jetzt zu Vorgang ${vRef}.`).waitFor();
    await documents.getByRole('row').filter({ hasText: 'Lageplan der Terrasse' }).getByRole('cell', { name: nb(vRef) }).waitFor();
    await table.getByRole('row').filter({ hasText: 'Antrag Außengastronomie' }).getByRole('cell', { name: '2', exact: true }).waitFor();

    // rename it after confirming in a dialog
    await section.getByRole('button', { name: `Umbenennen: ${vRef}` }).click();
    const rename = page.getByRole('dialog', { name: /umbenennen$/ });
    await rename.getByText('Bisheriger Titel: „Antrag Außengastronomie“').waitFor();
    await rename.getByLabel('Neuer Titel').fill('Antrag Außengastronomie 2026');
    await checkA11y(page, 'vorgaenge-rename-dialog');
    await rename.getByRole('button', { name: 'Änderungen speichern' }).click();
    await page.getByText(`Vorgang ${vRef} heißt jetzt „Antrag Außengastronomie 2026“.`).waitFor();
    await table.getByRole('cell', { name: 'Antrag Außengastronomie 2026' }).waitFor();

    // close it after confirming: its status is written out, not only coloured
    await section.getByRole('button', { name: `Abschließen: ${vRef}` }).click();
    await page.getByRole('dialog', { name: /abschließen\?$/ }).getByRole('button', { name: 'Vorgang abschließen' }).click();
    await page.getByText(`Vorgang ${vRef} wurde abgeschlossen.`).waitFor();
    await table.getByText('abgeschlossen', { exact: true }).waitFor();
    await section.getByRole('button', { name: `Wieder öffnen: ${vRef}` }).waitFor();

    // the case file's confidentiality, changed after confirming
    await page.getByRole('button', { name: 'Metadaten ändern' }).click();
    const meta = page.getByRole('dialog', { name: /^Metadaten der Akte/ });
    await meta.getByLabel('Vertraulichkeit').selectOption('confidential');
    await meta.getByLabel('Grund der Änderung (optional)').fill('Schutzbedarf geprüft');
    await meta.getByRole('button', { name: 'Änderungen speichern' }).click();
    await page.getByText('Die Metadaten der Akte wurden geändert.').waitFor();
    await page.getByRole('definition').getByText('vertraulich', { exact: true }).waitFor();

    // a document's type, changed after confirming
    await documents.getByRole('button', { name: 'Bearbeiten: Lageplan der Terrasse' }).click();
    const docDialog = page.getByRole('dialog', { name: 'Dokument „Lageplan der Terrasse“ bearbeiten' });
    await docDialog.getByLabel('Dokumenttyp').selectOption('nachweis');
    await docDialog.getByRole('button', { name: 'Änderungen speichern' }).click();
    await page.getByText('Die Angaben zum Dokument „Lageplan der Terrasse“ wurden geändert.').waitFor();
    await documents.getByRole('row').filter({ hasText: 'Lageplan der Terrasse' }).getByRole('cell', { name: 'Nachweis/Bescheinigung' }).waitFor();

    // the history shows each change with old and new value
    const history = page.getByRole('table', { name: 'Historie der Akte' });
    await history.getByRole('row').filter({ hasText: 'Vorgang angelegt' }).waitFor();
    await history.getByRole('row').filter({ hasText: 'Titel: „Antrag Außengastronomie“ → „Antrag Außengastronomie 2026“' }).getByText('Vorgang geändert').waitFor();
    await history.getByRole('row').filter({ hasText: 'Status: offen → abgeschlossen' }).waitFor();
    const moved = history.getByRole('row').filter({ hasText: 'Dokument verschoben' });
    await moved.getByText('Anlage zum Antrag').waitFor();
    await moved.getByText(`Vorgang: (leer) → „${vRef}“`).waitFor();
    await history.getByRole('row').filter({ hasText: 'Metadaten des Dokuments geändert' }).getByText('Dokumenttyp: (leer) → Nachweis/Bescheinigung').waitFor();
    const confidential = history.getByRole('row').filter({ hasText: 'Metadaten der Akte geändert' });
    await confidential.getByText('Vertraulichkeit: intern → vertraulich').waitFor();
    await confidential.getByText('Schutzbedarf geprüft').waitFor();
    await checkA11y(page, 'vorgaenge');
    await screenshot(page, 'vorgaenge');

    // the service recorded the same
    const [rename2] = await ds.query(`SELECT details FROM audit_events WHERE action = 'vorgang.update' AND case_file_id = $1 ORDER BY seq LIMIT 1`, [caseFile.id]);
    expect(rename2.details.changes).toEqual([{ field: 'title', old: 'Antrag Außengastronomie', new: 'Antrag Außengastronomie 2026' }]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
