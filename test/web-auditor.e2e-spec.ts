import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { users } from './support/app';
import { checkA11y, launchBrowser, newGermanContext, screenshot } from './support/browser';
import { freshDatabase } from './support/database';
import { signIn, startWebStack, WebStack } from './support/web-stack';

/**
 * The auditor's screens in Chromium against the real service on a database of its own (the test
 * edits the chain as a superuser would): filter the trail, read an event's raw fields, download an
 * export that `npm run audit:verify -- --file` accepts, see a verification pinpoint the edited row,
 * and read a case file's history.
 */
describe('auditor screens (browser)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let stack: WebStack;
  let browser: Browser;
  let page: Page;
  let caseFileId: string;
  /** Applies the filter form and waits until the trail shows the answer to exactly that query. */
  const applyFilters = async (expectInQuery: string) => {
    const answered = page.waitForResponse((r) => r.url().includes('/api/v1/audit/events') && r.url().includes(expectInQuery));
    await page.getByRole('button', { name: 'Filter anwenden' }).click();
    await answered;
    await page.getByRole('table', { name: 'Ereignisse, neueste zuerst' }).waitFor();
  };
  const bearer = async (u: (typeof users)[keyof typeof users]) => `Bearer ${await stack.api.token(u)}`;

  beforeAll(async () => {
    db = await freshDatabase('web_auditor');
    stack = await startWebStack({ env: { DATABASE_URL: db.url } });
    const auth = await bearer(users.caseworker32);
    const created = await stack.api.http().post('/api/v1/case-files').set('Authorization', auth).send({ filePlanCode: '32.1.2', title: 'Gaststättenerlaubnis Café Prüfstein' }).expect(201);
    caseFileId = created.body.id;
    await stack.api.http().get(`/api/v1/case-files/${caseFileId}`).set('Authorization', auth).expect(200);
    await stack.api.http().get(`/api/v1/case-files/${caseFileId}`).set('Authorization', await bearer(users.caseworker50)).expect(404);
    browser = await launchBrowser();
    page = await (await newGermanContext(browser)).newPage();
    await signIn(page, stack, users.auditor, '/protokoll');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await db?.drop();
  });

  it('filters the trail and shows every event in words with its raw fields', async () => {
    await page.getByRole('heading', { level: 1, name: 'Protokoll' }).waitFor();
    await page.getByRole('table', { name: 'Ereignisse, neueste zuerst' }).waitFor();
    await checkA11y(page, 'audit-trail');
    await screenshot(page, 'audit-trail');

    await page.getByLabel('Aktion').selectOption({ label: 'Akte angelegt' });
    await applyFilters('action=case_file.create');
    const table = page.getByRole('table', { name: 'Ereignisse, neueste zuerst' });
    await table.getByRole('cell', { name: 'Akte angelegt' }).first().waitFor();
    await expect(table.getByRole('cell', { name: 'Akte geöffnet' }).count()).resolves.toBe(0);
    await expect(table.getByText('Anna Ordnung · anna.32 (Sachbearbeitung)').count()).resolves.toBeGreaterThan(0);

    await page.getByLabel('Aktion').selectOption({ label: 'Zugriff verweigert' });
    await applyFilters('action=access.denied');
    await table.getByRole('cell', { name: 'verweigert', exact: true }).first().waitFor();
    await table.getByText('Bernd Sozial · bernd.50 (Sachbearbeitung)').first().waitFor();

    const summary = page.getByText('Rohdaten').first();
    await summary.click();
    await page.getByText('Hash des Vorgängers').first().waitFor();
    await checkA11y(page, 'audit-trail-filtered');
    const reloaded = page.waitForResponse((r) => r.url().includes('/api/v1/audit/events') && !r.url().includes('action='));
    await page.getByRole('button', { name: 'Filter zurücksetzen' }).click();
    await reloaded;
    await page.waitForURL((u) => !u.search.includes('action='));
  });

  it('downloads an export whose trailer verifies with npm run audit:verify -- --file', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Als JSONL exportieren' }).click()]);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'eakte-web-export-')), download.suggestedFilename());
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    const root = path.resolve(__dirname, '..');
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, 'node_modules/ts-node/dist/bin.js'), '-r', 'tsconfig-paths/register', '--transpile-only', 'scripts/audit-verify.ts', '--file', file], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: db.url },
    });
    expect(stdout).toMatch(/"ok":\s*true/);
  }, 120_000);

  it('verification pinpoints a row edited as a database superuser, with the events around it', async () => {
    const su = new Client({ connectionString: db.url });
    await su.connect();
    const { rows } = await su.query<{ seq: string }>("SELECT seq::text AS seq FROM audit_events WHERE action = 'case_file.create' ORDER BY seq LIMIT 1");
    const seq = rows[0].seq;
    await su.query('BEGIN');
    await su.query('SET LOCAL session_replication_role = replica');
    await su.query("UPDATE audit_events SET actor_sub = 'mallory' WHERE seq = $1", [seq]);
    await su.query('COMMIT');
    await su.end();

    await page.getByRole('link', { name: 'Kettenprüfung' }).click();
    await page.getByRole('heading', { level: 1, name: 'Kettenprüfung' }).waitFor();
    await page.getByRole('button', { name: 'Kette prüfen' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText(`Die Kette ist an Position ${seq} gebrochen`).waitFor();
    await alert.getByText(/Ereignis nachträglich verändert/).waitFor();
    const around = page.getByRole('table', { name: `Ereignisse um Position ${seq}` });
    await around.getByRole('rowheader', { name: new RegExp(`^${seq}\\s*Bruchstelle`) }).waitFor();
    await around.getByRole('cell', { name: /mallory/ }).first().waitFor();
    await checkA11y(page, 'audit-verify');
    await screenshot(page, 'audit-verify');
  }, 120_000);

  it("shows a case file's complete history, denied attempts included", async () => {
    await page.goto(`${stack.baseUrl}/protokoll/akten/${caseFileId}`);
    await page.getByRole('heading', { level: 1, name: /Historie/ }).waitFor();
    const table = page.getByRole('table', { name: 'Ereignisse in ihrer Reihenfolge' });
    await table.getByRole('cell', { name: 'Akte angelegt' }).waitFor();
    await table.getByRole('cell', { name: 'Akte geöffnet' }).first().waitFor();
    await table.getByRole('cell', { name: 'verweigert', exact: true }).first().waitFor();
    await checkA11y(page, 'audit-case-file-history');
    await screenshot(page, 'audit-case-file-history');
  }, 120_000);
});
