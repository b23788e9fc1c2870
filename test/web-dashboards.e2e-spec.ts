import { PDFDocument } from 'pdf-lib';
import type { Browser, Locator, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { berlinDay, berlinYear } from '@app/dashboards';
import { TestUser, users } from './support/app';
import { bearer, routeFixtures, signUsers } from './support/audited-routes';
import { checkA11y, launchBrowser, newGermanContext, screenshot } from './support/browser';
import { freshDatabase } from './support/database';
import { signIn, startWebStack, WebStack } from './support/web-stack';

const DAY_MS = 86_400_000;

async function scanPdf(pages: number, label: string): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`${label} ${Date.now()} ${Math.random()}`);
  for (let i = 0; i < pages; i++) pdf.addPage([595, 842]);
  return Buffer.from(await pdf.save());
}

/** 2026-12-04 → 04.12.2026, as the screen writes a day. */
const german = (day: string) => day.split('-').reverse().join('.');

/**
 * The Übersicht in Chromium for each role, on a database of its own: the charts are images named
 * by a summary in words, and each one's "Daten als Tabelle" shows the figures this suite created.
 */
describe('dashboards (browser)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let stack: WebStack;
  let browser: Browser;
  let ds: DataSource;
  const now = new Date();
  const today = berlinDay(now);
  const fourDaysAgo = berlinDay(new Date(now.getTime() - 4 * DAY_MS));
  let dueYear: number;

  /** A fresh browser context signed in as `user` on the Übersicht. */
  const open = async (user: TestUser): Promise<Page> => {
    const page = await (await newGermanContext(browser)).newPage();
    await signIn(page, stack, user, '/uebersicht');
    await page.getByRole('heading', { level: 1, name: 'Übersicht' }).waitFor();
    return page;
  };
  /** The chart's figure: its image (by accessible name) and, opened, its table's rows as cell texts. */
  const chart = async (page: Page, title: string, summary: RegExp): Promise<{ figure: Locator; rows: string[][] }> => {
    const figure = page.getByRole('figure', { name: title });
    await figure.getByRole('img', { name: summary }).waitFor();
    await figure.getByText('Daten als Tabelle').click();
    const table = figure.getByRole('table', { name: title });
    await table.waitFor();
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { children: ArrayLike<{ textContent: string | null }> }).children).map((c) => (c.textContent ?? '').replace(/[\u00a0\u202f]/g, ' ').trim())));
    return { figure, rows };
  };
  const row = (rows: string[][], first: string) => rows.find((r) => r[0] === first);

  beforeAll(async () => {
    db = await freshDatabase('web_dashboards');
    stack = await startWebStack({ env: { DATABASE_URL: db.url } });
    ds = stack.api.app.get(DataSource);
    const tokens = await signUsers(stack.api);
    const fx = routeFixtures(stack.api, tokens);

    // scans: filed automatically (2 pages), inbox 32 today, inbox 32 since four days, still queued, one rejected
    let req = stack.api.http().post('/api/v1/batches').set('Authorization', bearer(tokens, users.scanOperator)).field('scanner', 'fi-7160');
    const names: Array<[string, number]> = [
      ['auto', 2],
      ['inboxToday', 1],
      ['inboxOld', 1],
      ['queued', 1],
    ];
    for (const [name, pages] of names) req = req.attach('files', await scanPdf(pages, name), `${name}.pdf`);
    const batch = await req.attach('files', Buffer.from('keine Seite'), 'notiz.txt').expect(202);
    const id = (filename: string) => (batch.body.documents as Array<{ id: string; filename: string }>).find((d) => d.filename === filename)!.id;
    const cf = await fx.caseFile();
    await ds.query(`UPDATE documents SET status = 'filed', case_file_id = $2, department_code = '32', ocr = '{"pageCount": 2}' WHERE id = $1`, [id('auto.pdf'), cf.id]);
    await ds.query(`UPDATE documents SET status = 'needs_review', department_code = '32' WHERE id = $1`, [id('inboxToday.pdf')]);
    const old = new Date(now.getTime() - 4 * DAY_MS);
    await ds.query(`UPDATE documents SET status = 'needs_review', department_code = '32', created_at = $2 WHERE id = $1`, [id('inboxOld.pdf'), old]);
    await ds.query(`UPDATE capture_records SET captured_at = $2 WHERE document_id = $1`, [id('inboxOld.pdf'), old]);

    // retention: one closed case file whose retention ends in two years; one disposal offer
    const unit = await fx.filePlanUnit({ years: 2, trigger: 'closed', disposal: 'destroy' });
    const closing = await fx.caseFile({ filePlanCode: unit });
    await stack.api.http().post(`/api/v1/case-files/${closing.id}/close`).set('Authorization', bearer(tokens, users.caseworker32)).expect(200);
    const [{ retain_until }] = await ds.query(`SELECT retain_until FROM case_files WHERE id = $1`, [closing.id]);
    dueYear = berlinYear(new Date(retain_until));
    await fx.disposalOffer('review');

    // denied attempts: a missing role (403) and another department's case file (404)
    await stack.api.http().get('/api/v1/dashboards/auditor').set('Authorization', bearer(tokens, users.caseworker50)).expect(403);
    await stack.api.http().get(`/api/v1/case-files/${cf.id}`).set('Authorization', bearer(tokens, users.caseworker50)).expect(404);
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await db?.drop();
  });

  it('scan centre: letters and pages per day, where they went, the backlog', async () => {
    const page = await open(users.scanOperator);
    await page.getByRole('heading', { level: 2, name: 'Scanstelle' }).waitFor();
    const perDay = await chart(page, 'Briefe und Seiten pro Tag', /^Briefe und Seiten pro Tag vom .+: 5 Briefe mit 5 Seiten, die meisten am \d\d\.\d\d\.\d{4} \(4 Briefe\)/);
    expect(row(perDay.rows, german(today))).toEqual([german(today), '4', '4']);
    expect(row(perDay.rows, german(fourDaysAgo))).toEqual([german(fourDaysAgo), '1', '1']);
    expect(row(perDay.rows, 'Summe')).toEqual(['Summe', '5', '5']);
    const outcomes = await chart(page, 'Wohin die Briefe gingen', /1 automatisch abgelegt \(20\s%\), 2 in einen Eingangskorb \(40\s%\), 1 abgewiesen \(20\s%\)/);
    expect(outcomes.rows).toEqual([
      ['automatisch abgelegt', '1', '20 %'],
      ['in einen Eingangskorb', '2', '40 %'],
      ['abgewiesen', '1', '20 %'],
      ['fehlgeschlagen', '0', '0 %'],
      ['noch in Verarbeitung', '1', '20 %'],
      ['Summe', '5', ''],
    ]);
    const backlog = await chart(page, 'Rückstand jetzt', /1 wartet auf Verarbeitung und Prüfung, 0 wird verarbeitet, 0 fehlgeschlagen/);
    expect(backlog.rows[0]).toEqual(['wartet auf Verarbeitung und Prüfung', '1']);
    await backlog.figure.getByText(/Der älteste wartende Brief wurde am \d\d\.\d\d\.\d{4}, \d\d:\d\d erfasst\./).waitFor();
    await checkA11y(page, 'dashboard-scan-centre');
    await screenshot(page, 'dashboard-scan_operator');
    await page.context().close();
  }, 120_000);

  it("caseworker: the inbox of the caller's department by waiting time, letters per day", async () => {
    const page = await open(users.caseworker32);
    await page.getByRole('heading', { level: 2, name: 'Sachbearbeitung' }).waitFor();
    const inbox = await chart(page, 'Eingangskorb nach Wartezeit je Amt', /Amt 32 Ordnungsamt: 2 Briefe \(1 unter 1 Tag, 0 1 bis 3 Tage, 1 3 bis 7 Tage, 0 über 7 Tage\)/);
    expect(inbox.rows).toHaveLength(1); // department 32 only
    expect(inbox.rows[0].slice(0, 6)).toEqual(['32 Ordnungsamt', '1', '0', '1', '0', '2']);
    expect(inbox.rows[0][6]).toMatch(new RegExp(`^${german(fourDaysAgo).replace(/\./g, '\\.')}, \\d\\d:\\d\\d$`));
    const incoming = await chart(page, 'Eingegangene Briefe pro Tag', /1 automatisch abgelegt, 2 über den Eingangskorb/);
    expect(row(incoming.rows, german(today))).toEqual([german(today), '1', '1']);
    expect(row(incoming.rows, german(fourDaysAgo))).toEqual([german(fourDaysAgo), '0', '1']);
    await checkA11y(page, 'dashboard-caseworker');
    await screenshot(page, 'dashboard-caseworker');
    await page.context().close();
  }, 120_000);

  it('records manager: case files becoming due per year, disposal offers by state', async () => {
    const page = await open(users.recordsManager);
    await page.getByRole('heading', { level: 2, name: 'Schriftgutverwaltung' }).waitFor();
    const perYear = await chart(page, 'Akten, deren Aufbewahrung endet, je Jahr', new RegExp(`: 1 Akte, ${dueYear}\\.$`));
    expect(perYear.rows).toHaveLength(11); // ten years and the sum
    expect(row(perYear.rows, String(dueYear))).toEqual([String(dueYear), '1']);
    expect(row(perYear.rows, 'Summe')).toEqual(['Summe', '1']);
    const dueNow = await chart(page, 'Aufbewahrung bereits abgelaufen', /0 zur Aussonderung fällig, 0 unter Löschsperre, 1 dem Archiv angeboten/);
    expect(dueNow.rows).toEqual([
      ['zur Aussonderung fällig', '0'],
      ['unter Löschsperre', '0'],
      ['dem Archiv angeboten', '1'],
    ]);
    const offers = await chart(page, 'Aussonderungen nach Stand', /1 angeboten, 0 bewertet, 0 wartet auf Bestätigung des Archivs, 0 abgeschlossen/);
    expect(row(offers.rows, 'angeboten')).toEqual(['angeboten', '1']);
    // another period: five years ahead
    const answered = page.waitForResponse((r) => r.url().includes('/api/v1/dashboards/records-manager?years=5'));
    await page.getByLabel('Zeitraum').selectOption({ label: '5 Jahre ab diesem Jahr' });
    await answered;
    await page.getByRole('img', { name: new RegExp(`bis ${berlinYear(now) + 4}:`) }).waitFor();
    await checkA11y(page, 'dashboard-records-manager');
    await screenshot(page, 'dashboard-records_manager');
    await page.context().close();
  }, 120_000);

  it('auditor: events and denied attempts per day', async () => {
    const page = await open(users.auditor);
    await page.getByRole('heading', { level: 2, name: 'Prüfung' }).waitFor();
    await page.getByRole('figure', { name: 'Ereignisse pro Tag' }).getByRole('img').waitFor();
    // what the read counted: every event (and every denial) of today before the auditor's read
    const [{ events, denied, forbidden, hidden }] = await ds.query(
      `SELECT count(*)::int AS events, count(*) FILTER (WHERE outcome = 'denied')::int AS denied,
              count(*) FILTER (WHERE outcome = 'denied' AND action = 'access.denied' AND object_type = 'route')::int AS forbidden,
              count(*) FILTER (WHERE outcome = 'denied' AND action = 'access.denied' AND object_type <> 'route')::int AS hidden
         FROM audit_events
        WHERE occurred_at >= ($1::date::timestamp AT TIME ZONE 'Europe/Berlin')
          AND seq < (SELECT max(seq) FROM audit_events WHERE action = 'dashboard.read' AND actor_sub = 'paul.rpa')`,
      [today],
    );
    expect(forbidden).toBeGreaterThanOrEqual(1);
    expect(hidden).toBe(1);
    const perDay = await chart(page, 'Ereignisse pro Tag', new RegExp(`: ${events.toLocaleString('de-DE')} Ereignisse, die meisten am ${german(today).replace(/\./g, '\\.')}`));
    expect(row(perDay.rows, german(today))).toEqual([german(today), events.toLocaleString('de-DE')]);
    const deniedChart = await chart(page, 'Verweigerte Zugriffe pro Tag', new RegExp(`: ${denied}, davon .*${forbidden} ohne Berechtigung, 1 Objekt eines fremden Amts`));
    const todayRow = row(deniedChart.rows, german(today))!;
    expect(todayRow[2]).toBe(String(forbidden));
    expect(todayRow[3]).toBe('1');
    expect(todayRow.slice(1).reduce((n, c) => n + Number(c), 0)).toBe(denied);
    await checkA11y(page, 'dashboard-auditor');
    await screenshot(page, 'dashboard-auditor');
    await page.context().close();
  }, 120_000);
});
