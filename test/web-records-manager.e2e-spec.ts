import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { build0502, build0506 } from '@app/retention';
import { users } from './support/app';
import { checkA11y, launchBrowser, newGermanContext, screenshot } from './support/browser';
import { freshDatabase } from './support/database';
import { signIn, startWebStack, WebStack } from './support/web-stack';
import { unzip } from './retention-support';

/**
 * The records manager's screens in Chromium against the real service on a database of its own:
 * the file plan (a new unit, a rule change after its counted effect), a legal hold that makes
 * the disposal skip the held case file, and a full xdomea cycle done with the keyboard alone
 * (offer of two due case files, 0501, a 0502 checked before it is applied, execute, 0503,
 * confirmation by hand, the destruction certificate as PDF), and an archive's 0506 taken as a file.
 * Case files become due by being closed and then dated back as a database superuser (retention
 * runs years).
 */
describe('records manager screens (browser)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let stack: WebStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let rmAuth: string;
  const errors: string[] = [];
  const files: Record<'held' | 'archive' | 'destroy', { id: string; reference: string }> = {} as never;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'eakte-web-rm-'));

  /** Presses Tab until the focused element's accessible text matches (keyboard only: nothing is clicked). */
  async function tabTo(name: RegExp, { backward = false, max = 120 } = {}): Promise<void> {
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

  /** Saves a download to the test's directory and returns its bytes. */
  async function saved(download: Download): Promise<{ name: string; bytes: Buffer }> {
    const file = path.join(tmp, download.suggestedFilename());
    await download.saveAs(file);
    return { name: download.suggestedFilename(), bytes: readFileSync(file) };
  }

  /** Chooses a file for the focused file input with the keyboard (Space opens the chooser). */
  async function chooseFileByKeyboard(file: string): Promise<void> {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
    await chooser.setFiles(file);
  }

  beforeAll(async () => {
    db = await freshDatabase('web_records_manager');
    stack = await startWebStack({ env: { DATABASE_URL: db.url } });
    const clerk = `Bearer ${await stack.api.token(users.caseworker32)}`;
    rmAuth = `Bearer ${await stack.api.token(users.recordsManager)}`;
    const make = async (filePlanCode: string, title: string) => {
      const cf = (await stack.api.http().post('/api/v1/case-files').set('Authorization', clerk).send({ filePlanCode, title }).expect(201)).body;
      await stack.api
        .http()
        .post(`/api/v1/case-files/${cf.id}/documents`)
        .set('Authorization', clerk)
        .field('title', 'Schreiben')
        .attach('file', Buffer.from(`%PDF-1.4\n% ${title}\n%%EOF\n`, 'latin1'), 'schreiben.pdf')
        .expect(201);
      await stack.api.http().post(`/api/v1/case-files/${cf.id}/close`).set('Authorization', clerk).expect(200);
      return { id: cf.id as string, reference: cf.reference as string };
    };
    files.held = await make('32.2.1', 'Bußgeldverfahren mit Klage');
    files.destroy = await make('32.2.1', 'Bußgeldverfahren Parkverstoß');
    files.archive = await make('32.1.2', 'Gaststättenerlaubnis Zur Linde');
    // closed thirty years ago: their retention has long ended (the sweep in the browser marks them due)
    const su = new Client({ connectionString: db.url });
    await su.connect();
    await su.query(`UPDATE case_files SET opened_at = now() - interval '31 years', closed_at = now() - interval '30 years', retain_until = now() - interval '20 years' WHERE id = ANY($1::uuid[])`, [
      Object.values(files).map((f) => f.id),
    ]);
    await su.end();
    browser = await launchBrowser();
    context = await newGermanContext(browser);
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, stack, users.recordsManager, '/aktenplan');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await db?.drop();
  });

  afterEach(() => {
    expect(errors).toEqual([]);
  });

  it('shows the file plan with its rules, creates a unit and changes a rule after showing how many case files it recomputes', async () => {
    await page.getByRole('heading', { level: 1, name: 'Aktenplan' }).waitFor();
    expect(await page.title()).toBe('Aktenplan – E-Akte');
    const tree = page.getByRole('list', { name: 'Aktenplan' });
    await tree.getByText('32.2.1 Bußgeldverfahren').waitFor();
    await checkA11y(page, 'file-plan');
    await screenshot(page, 'file-plan');

    // a new unit below 32.2
    await page.getByRole('button', { name: 'Einheit anlegen' }).click();
    await page.getByRole('heading', { name: 'Neue Aktenplaneinheit' }).waitFor();
    await page.getByLabel('Übergeordnete Einheit').selectOption('32.2');
    await page.getByLabel('Kennzeichen').fill('32.2.9');
    await page.getByLabel('Bezeichnung').fill('Verwarnungen im Test');
    await page.getByLabel('Aufbewahrungsfrist in Jahren').fill('3');
    await page.getByLabel('Vorschlag für die Aussonderung').selectOption({ label: 'V – vernichten' });
    await checkA11y(page, 'file-plan-create');
    await page.getByRole('button', { name: 'Einheit anlegen' }).last().click();
    await page.getByText('Die Einheit 32.2.9 Verwarnungen im Test ist angelegt.').waitFor();
    await tree.getByText('32.2.9 Verwarnungen im Test').waitFor();
    await tree.getByText('3 Jahre nach Schließung (zdA), Vorschlag: V – vernichten').first().waitFor();

    // a rule change: its effect on the unit's case files is counted before it is confirmed
    await page.getByRole('button', { name: 'Regel von 32.2.1 ändern' }).click();
    const form = page.getByRole('form', { name: /Aufbewahrungsregel von 32\.2\.1/ });
    await form.getByLabel('Aufbewahrungsfrist in Jahren').fill('6');
    await form.getByRole('button', { name: 'Auswirkung prüfen' }).click();
    await form.getByRole('alert').getByText(/Begründung/).waitFor(); // a reason is required
    await form.getByLabel('Begründung der Änderung').fill('Satzung 2026: Bußgeldakten sechs Jahre');
    await form.getByRole('button', { name: 'Auswirkung prüfen' }).click();
    await form.getByText('Die Einheit hat 2 Akten. Die Änderung berechnet die Aufbewahrungsfrist von 2 Akten neu; 0 davon sind danach nicht mehr zur Aussonderung fällig.').waitFor();
    await checkA11y(page, 'file-plan-change-preview');
    await screenshot(page, 'file-plan-change-preview');
    await form.getByRole('button', { name: 'Änderung bestätigen' }).click();
    await page.getByText('Die Regel von 32.2.1 ist geändert; 2 Akten neu berechnet, 0 nicht mehr fällig.').waitFor();
    await tree.getByText('6 Jahre nach Schließung (zdA), Vorschlag: V – vernichten').first().waitFor();
  }, 240_000);

  it('refuses to offer a case file held meanwhile, skips a held file in the disposal and says why; holds are set and lifted with a reason', async () => {
    await page.getByRole('link', { name: 'Aussonderung', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Aussonderung' }).waitFor();
    await page.getByRole('button', { name: 'Fristenlauf starten' }).click();
    await page.getByText(/^3 Akten neu als fällig markiert \(Stand \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}\)\.$/).waitFor();
    const due = page.getByRole('table', { name: '3 fällige Akten' });
    for (const f of Object.values(files)) await due.getByRole('checkbox', { name: `Akte ${f.reference} auswählen` }).waitFor();
    await checkA11y(page, 'disposal');
    await screenshot(page, 'disposal');

    // the filter narrows the due list to one unit
    await page.getByRole('search', { name: 'Filter der fälligen Akten' }).getByLabel('Aktenplaneinheit').selectOption('32.1.2');
    await page.getByRole('button', { name: 'Filter anwenden' }).click();
    await page.getByRole('table', { name: '1 fällige Akten' }).getByRole('checkbox', { name: `Akte ${files.archive.reference} auswählen` }).waitFor();
    await page.getByRole('button', { name: 'Filter zurücksetzen' }).click();
    await page.getByRole('table', { name: '3 fällige Akten' }).waitFor();

    // nothing selected: explained, nothing sent
    await page.getByRole('button', { name: 'Anbietung aus der Auswahl erstellen' }).click();
    await page.getByRole('alert').getByText('Wählen Sie mindestens eine Akte aus.').waitFor();
    // a second tab of the same records manager has a case file selected that is about to be held
    const other = await context.newPage();
    other.on('pageerror', (e) => errors.push(e.message));
    await other.goto(`${stack.baseUrl}/aussonderung`);
    await other.getByRole('checkbox', { name: `Akte ${files.destroy.reference} auswählen` }).check();

    await page.getByRole('checkbox', { name: `Akte ${files.held.reference} auswählen` }).check();
    await page.getByRole('button', { name: 'Anbietung aus der Auswahl erstellen' }).click();
    await page.getByRole('heading', { level: 1, name: /^Anbietung [0-9a-f-]{36}$/ }).waitFor();
    const offerUrl = page.url();
    await page.getByText('angeboten (wartet auf Bewertung)').waitFor();

    // the hold, set by Aktenzeichen with a reason and a reference
    await page.getByRole('link', { name: 'Löschsperren', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Löschsperren' }).waitFor();
    await page.getByText('Keine Akte steht unter Löschsperre.').waitFor();
    await page.getByLabel('Aktenzeichen der Akte').fill('32.2.1-1999/99999');
    await page.getByRole('button', { name: 'Akte suchen' }).click();
    await page.getByRole('alert').getByText('Keine Akte mit dem Aktenzeichen 32.2.1-1999/99999.').waitFor();
    const hold = async (f: { reference: string }, reason: string, reference: string) => {
      await page.getByLabel('Aktenzeichen der Akte').fill(f.reference);
      await page.getByRole('button', { name: 'Akte suchen' }).click();
      await page.getByLabel('Grund der Löschsperre').fill(reason);
      await page.getByLabel('Bezug (z. B. Gerichtsaktenzeichen)').fill(reference);
      await page.getByRole('button', { name: 'Löschsperre setzen' }).click();
      await page.getByText(`Die Akte ${f.reference.replace(/-/g, '\u2011')} ist gesperrt.`).waitFor();
    };
    await hold(files.destroy, 'Prüfung durch das Rechnungsprüfungsamt', 'RPA 14/2026');

    // the other tab's offer is refused, naming the hold
    await other.getByRole('button', { name: 'Anbietung aus der Auswahl erstellen' }).click();
    const refusal = other.getByRole('alert').filter({ hasText: 'Anbietung abgelehnt: Löschsperre' });
    await refusal.getByText('Löschsperre: Prüfung durch das Rechnungsprüfungsamt (Bezug: RPA 14/2026)').waitFor();
    await other.getByRole('table', { name: '1 fällige Akten' }).waitFor(); // reloaded: the held file left the due list (the other one is offered)
    await expect(other.getByRole('checkbox', { name: `Akte ${files.destroy.reference} auswählen` }).count()).resolves.toBe(0);
    await checkA11y(other, 'disposal-offer-refused');
    await screenshot(other, 'disposal-offer-refused');
    await other.close();

    await page.getByLabel('Aktenzeichen der Akte').fill(files.held.reference);
    await page.getByRole('button', { name: 'Akte suchen' }).click();
    await page.getByRole('heading', { name: /Bußgeldverfahren mit Klage/ }).waitFor();
    await page.getByText('dem Archiv angeboten').waitFor();
    await page.getByLabel('Grund der Löschsperre').fill('Rechtsstreit vor dem Verwaltungsgericht');
    await page.getByLabel('Bezug (z. B. Gerichtsaktenzeichen)').fill('VG 1 K 17/26');
    await checkA11y(page, 'legal-holds-set');
    await page.getByRole('button', { name: 'Löschsperre setzen' }).click();
    await page.getByText('Löschsperre gesetzt').waitFor();
    const holds = page.getByRole('table', { name: '2 bestehende Löschsperren, neueste zuerst' });
    const row = holds.getByRole('row').filter({ hasText: 'Rechtsstreit vor dem Verwaltungsgericht' });
    await row.getByText('VG 1 K 17/26').waitFor();
    await row.getByText(/^rita\.rm am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/).waitFor();
    await checkA11y(page, 'legal-holds');
    await screenshot(page, 'legal-holds');

    // the case-file list marks both held files, in words
    await page.getByRole('link', { name: 'Akten', exact: true }).click();
    const list = page.getByRole('table').first();
    for (const f of [files.held, files.destroy]) {
      await list.getByRole('row', { name: new RegExp(f.reference.replace(/[-/.]/g, '.')) }).getByText('Löschsperre', { exact: true }).waitFor();
    }
    await checkA11y(page, 'case-file-list-holds');

    // the offer marks the held case file, and the disposal refuses it with the reason
    await page.goto(offerUrl);
    const items = page.getByRole('table', { name: 'Angebotene Akten' });
    await items.getByRole('row', { name: new RegExp(files.held.reference.replace(/[-/.]/g, '.')) }).getByText('Löschsperre aktiv').waitFor();
    await page.getByText('Akten unter Löschsperre').waitFor();
    await page.getByRole('button', { name: 'Aussonderung durchführen' }).click();
    await page.getByRole('button', { name: 'Ja, jetzt aussondern' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'Aussonderung verweigert' });
    await refused.getByText(/übersprungen: Löschsperre/).waitFor();
    await items.getByText(/^übersprungen: Löschsperre \(rita\.rm, \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}\)$/).waitFor();
    await checkA11y(page, 'disposal-offer-held');
    await screenshot(page, 'disposal-offer-held');

    // lifting needs a reason
    await page.getByRole('link', { name: 'Löschsperren', exact: true }).click();
    for (const f of [files.held, files.destroy]) {
      await page.getByRole('button', { name: `Löschsperre für ${f.reference} aufheben` }).click();
      await page.getByRole('button', { name: 'Löschsperre aufheben' }).click();
      await page.getByRole('alert').getByText('Bitte geben Sie einen Grund an (mindestens 3 Zeichen).').waitFor();
      await page.getByLabel('Grund der Aufhebung').fill('Verfahren rechtskräftig abgeschlossen');
      await page.getByRole('button', { name: 'Löschsperre aufheben' }).click();
      await page.getByText(`Die Löschsperre der Akte ${f.reference.replace(/-/g, '\u2011')} ist aufgehoben.`).waitFor();
    }
    await page.getByText('Keine Akte steht unter Löschsperre.').waitFor();
  }, 240_000);

  it('runs a full disposal cycle with the keyboard alone: offer, 0501, 0502 checked then applied, execute, 0503, confirmation, certificate', async () => {
    await page.goto(`${stack.baseUrl}/aussonderung`);
    await page.getByRole('table', { name: '1 fällige Akten' }).waitFor();
    // the holds are lifted: the sweep marks both case files due again
    await tabTo(/^Fristenlauf starten$/);
    await page.keyboard.press('Enter');
    await page.getByText(/^2 Akten neu als fällig markiert/).waitFor();
    await page.getByRole('table', { name: '3 fällige Akten' }).waitFor();
    await tabTo(new RegExp(`Akte ${files.archive.reference.replace(/[-/.]/g, '.')} auswählen`));
    await page.keyboard.press('Space');
    await tabTo(new RegExp(`Akte ${files.destroy.reference.replace(/[-/.]/g, '.')} auswählen`));
    await page.keyboard.press('Space');
    await page.getByText('2 Akten ausgewählt').waitFor();
    await tabTo(/^Anbietung aus der Auswahl erstellen$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /^Anbietung [0-9a-f-]{36}$/ }).waitFor();
    const offerId = page.url().split('/').pop()!;
    const { processId } = (await stack.api.http().get(`/api/v1/disposal/offers/${offerId}`).set('Authorization', rmAuth).expect(200)).body;
    await page.getByText(/^rita\.rm am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/).first().waitFor();
    await checkA11y(page, 'disposal-offer');
    await screenshot(page, 'disposal-offer');

    // 1. the 0501
    await tabTo(/Anbieteverzeichnis \(0501\) herunterladen/);
    const [d501] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const z501 = await saved(d501);
    expect(z501.name).toBe(`${processId}_Aussonderung.Anbieteverzeichnis.0501.zip`);
    const xml501 = [...(await unzip(z501.bytes)).values()][0].toString('utf8');
    expect(xml501).toContain(files.archive.reference);
    expect(xml501).toContain(files.destroy.reference);
    await page.getByText(/^Anbieteverzeichnis \(0501\) heruntergeladen: Rita Registratur \(rita\.rm\), \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/).first().waitFor();

    // 2. the 0502: an invalid one is refused with the schema findings; a valid one is shown before it is applied
    const header = { processId, createdAt: new Date(), senderName: 'Stadtarchiv', archiveName: 'Stadtverwaltung' };
    const good = build0502(header, [
      { id: files.archive.id, code: 'A' },
      { id: files.destroy.id, code: 'V' },
    ]);
    const broken = path.join(tmp, 'broken_0502.xml');
    writeFileSync(broken, good.replace(/<xdomea:Erstellungszeitpunkt>[^<]*<\/xdomea:Erstellungszeitpunkt>/, ''));
    const valid = path.join(tmp, `${processId}_0502.xml`);
    writeFileSync(valid, good);

    await tabTo(/Bewertungsverzeichnis \(0502, XML\)/);
    await chooseFileByKeyboard(broken);
    await tabTo(/^Bewertung prüfen$/);
    await page.keyboard.press('Enter');
    const invalid = page.getByRole('alert').filter({ hasText: 'Die Nachricht wurde nicht angenommen' });
    await invalid.getByText('Befunde der Prüfung').waitFor();
    await invalid.getByText(/Erstellungszeitpunkt/).first().waitFor();
    await checkA11y(page, 'disposal-offer-invalid-0502');
    await screenshot(page, 'disposal-offer-invalid-0502');

    await tabTo(/Bewertungsverzeichnis \(0502, XML\)/, { backward: true });
    await chooseFileByKeyboard(valid);
    await tabTo(/^Bewertung prüfen$/);
    await page.keyboard.press('Enter');
    const preview = page.getByRole('table', { name: 'Entscheidungen des Archivs je Akte' });
    const refRe = (r: string) => new RegExp(r.replace(/-/g, '.').replace(/[/.]/g, '.'));
    await preview.getByRole('row', { name: refRe(files.archive.reference) }).getByText('A – archivieren').waitFor();
    await preview.getByRole('row', { name: refRe(files.archive.reference) }).getByText('wird an das Archiv übergeben').waitFor();
    await preview.getByRole('row', { name: refRe(files.destroy.reference) }).getByText('V – vernichten').waitFor();
    await preview.getByRole('row', { name: refRe(files.destroy.reference) }).getByText('wird vernichtet').waitFor();
    // shown, not applied: the offer still waits for its appraisal
    const items = page.getByRole('table', { name: 'Angebotene Akten' });
    await expect(items.getByText('noch keine').count()).resolves.toBe(2);
    await page.getByText('angeboten (wartet auf Bewertung)').waitFor();
    await checkA11y(page, 'disposal-offer-0502-preview');
    await screenshot(page, 'disposal-offer-0502-preview');
    await tabTo(/^Bewertung übernehmen$/);
    await page.keyboard.press('Enter');
    await page.getByText('bewertet (bereit zur Aussonderung)').waitFor();
    // now applied: proposal and the archive's decision side by side
    await expect(items.getByText('noch keine').count()).resolves.toBe(0);
    await expect(items.getByRole('row', { name: refRe(files.archive.reference) }).getByRole('cell', { name: 'A – archivieren' }).count()).resolves.toBe(2);
    await expect(items.getByRole('row', { name: refRe(files.destroy.reference) }).getByRole('cell', { name: 'V – vernichten' }).count()).resolves.toBe(2);

    // 3. execute (asked first)
    await tabTo(/^Aussonderung durchführen$/);
    await page.keyboard.press('Enter');
    await page.getByText('Vernichtung kann nicht rückgängig gemacht werden. Jetzt 1 Akten vernichten und 1 Akten übergeben?').waitFor();
    await tabTo(/^Ja, jetzt aussondern$/);
    await page.keyboard.press('Enter');
    await page.getByText('übergeben (wartet auf Übernahmebestätigung)').waitFor();
    await items.getByRole('row', { name: refRe(files.destroy.reference) }).getByText(/^vernichtet \(rita\.rm, /).waitFor();
    await items.getByRole('row', { name: refRe(files.archive.reference) }).getByText(/^an das Archiv übergeben \(0503\) \(rita\.rm, /).waitFor();

    // 4. the 0503
    await tabTo(/Aussonderungsnachricht \(0503\) herunterladen/);
    const [d503] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const z503 = await saved(d503);
    expect(z503.name).toBe(`${processId}_Aussonderung.Aussonderung.0503.zip`);
    const e503 = await unzip(z503.bytes);
    const xml503 = e503.get(`${processId}_Aussonderung.Aussonderung.0503.xml`)!.toString('utf8');
    expect(xml503).toContain(files.archive.reference);
    expect(xml503).not.toContain(files.destroy.reference);
    expect(e503.size).toBeGreaterThan(1); // the primary file travels with it

    // 5. confirmation by hand (checkbox and reason)
    await tabTo(/Das Archiv hat die Übernahme bestätigt/);
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Übernahme telefonisch bestätigt durch das Stadtarchiv');
    await tabTo(/^Übernahme bestätigen$/);
    await page.keyboard.press('Enter');
    await page.getByText('abgeschlossen', { exact: true }).waitFor();
    await items.getByRole('row', { name: refRe(files.archive.reference) }).getByText(/^vom Archiv übernommen, aus dem System entfernt/).waitFor();

    // 6. the certificate
    await tabTo(/Vernichtungsnachweis \(PDF\) herunterladen/);
    const [dPdf] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const pdf = await saved(dPdf);
    expect(pdf.bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(pdf.name).toBe(`${processId}_Vernichtungsnachweis.pdf`);

    // every step with who and when
    const history = page.getByRole('region', { name: 'Verlauf' });
    for (const step of [
      'Anbietung erstellt',
      'Anbieteverzeichnis (0501) heruntergeladen',
      'Bewertung des Archivs (0502) übernommen',
      'Aussonderung durchgeführt',
      'Aussonderungsnachricht (0503) heruntergeladen',
      'Übernahme durch das Archiv bestätigt',
      'Vernichtungsnachweis abgerufen',
    ]) {
      await history.getByText(new RegExp(`^${step.replace(/[()]/g, '\\$&')}: Rita Registratur \\(rita\\.rm\\), \\d{2}\\.\\d{2}\\.\\d{4}, \\d{2}:\\d{2}`)).first().waitFor();
    }
    await history.getByText('Begründung: Übernahme telefonisch bestätigt durch das Stadtarchiv').waitFor();
    // after the confirmation every step reads as done (the handed-over files, and so the 0503, are gone)
    const step4 = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: '4. Aussonderungsnachricht an das Archiv senden' }) });
    await step4.getByText('Erledigt.').waitFor();
    await checkA11y(page, 'disposal-offer-completed');
    await screenshot(page, 'disposal-offer-completed');

    // the offers list shows both offers with their state
    await page.goto(`${stack.baseUrl}/aussonderung`);
    const offers = page.getByRole('table', { name: '2 Anbietungen, neueste zuerst' });
    await offers.getByRole('row', { name: new RegExp(processId) }).getByText('abgeschlossen').waitFor();
    await checkA11y(page, 'disposal-offers');
  }, 240_000);

  it("takes the archive's 0506 import confirmation as a file and shows the archive ids", async () => {
    // an archive-by-rule case file, offered and handed over over the API
    const clerk = `Bearer ${await stack.api.token(users.caseworker32)}`;
    const cf = (await stack.api.http().post('/api/v1/case-files').set('Authorization', clerk).send({ filePlanCode: '32.1.2', title: 'Gaststätte Zum Hirschen' }).expect(201)).body;
    await stack.api.http().post(`/api/v1/case-files/${cf.id}/close`).set('Authorization', clerk).expect(200);
    const su = new Client({ connectionString: db.url });
    await su.connect();
    await su.query(`UPDATE case_files SET closed_at = now() - interval '30 years', retain_until = now() - interval '20 years' WHERE id = $1`, [cf.id]);
    await su.end();
    await stack.api.http().post('/api/v1/disposal/sweep').set('Authorization', rmAuth).expect(200);
    const offer = (await stack.api.http().post('/api/v1/disposal/offers').set('Authorization', rmAuth).send({ caseFileIds: [cf.id] }).expect(201)).body;
    await stack.api.http().post(`/api/v1/disposal/offers/${offer.id}/execute`).set('Authorization', rmAuth).expect(200);

    await page.goto(`${stack.baseUrl}/aussonderung/angebote/${offer.id}`);
    await page.getByText('übergeben (wartet auf Übernahmebestätigung)').waitFor();
    const header = { processId: offer.processId, createdAt: new Date(), senderName: 'Stadtarchiv', archiveName: 'Stadtverwaltung' };
    const foreign = path.join(tmp, 'foreign_0506.xml');
    writeFileSync(foreign, build0506({ ...header, processId: '00000000-0000-4000-8000-000000000000' }, [{ id: cf.id, ok: true, archiveId: 'StA 7/2041' }]));
    const good = path.join(tmp, `${offer.processId}_0506.xml`);
    writeFileSync(good, build0506(header, [{ id: cf.id, ok: true, archiveId: 'StA 7/2041' }]));

    await page.getByLabel('Übernahmebestätigung (0506, XML)').setInputFiles(foreign);
    await page.getByRole('button', { name: 'Übernahmebestätigung einspielen' }).click();
    await page.getByRole('alert').filter({ hasText: 'Die Nachricht wurde nicht angenommen' }).getByText(/00000000-0000-4000-8000-000000000000/).waitFor();
    await page.getByLabel('Übernahmebestätigung (0506, XML)').setInputFiles(good);
    await page.getByRole('button', { name: 'Übernahmebestätigung einspielen' }).click();
    await page.getByText('abgeschlossen', { exact: true }).waitFor();
    const items = page.getByRole('table', { name: 'Angebotene Akten' });
    await items.getByText(/^vom Archiv übernommen, aus dem System entfernt/).waitFor();
    await items.getByText('Archivkennung: StA 7/2041').waitFor();
    await page.getByRole('region', { name: 'Verlauf' }).getByText(/^Übernahme durch das Archiv bestätigt: Rita Registratur \(rita\.rm\)/).waitFor();
    await checkA11y(page, 'disposal-offer-0506');
    await screenshot(page, 'disposal-offer-0506');
  }, 240_000);
});
