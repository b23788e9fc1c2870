import { PDFDocument } from 'pdf-lib';
import { DataSource } from 'typeorm';
import { addDays, berlinDay, berlinYear } from '@app/dashboards';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, TestUser, users } from './support/app';
import { bearer, routeFixtures, RouteFixtures, signUsers } from './support/audited-routes';
import { freshDatabase } from './support/database';

const DAY_MS = 86_400_000;

/** A PDF of `pages` blank pages, unique by its title (identical content would be a duplicate). */
async function scanPdf(pages: number, label: string): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`${label} ${Date.now()} ${Math.random()}`);
  for (let i = 0; i < pages; i++) pdf.addPage([595, 842]);
  return Buffer.from(await pdf.save());
}

/**
 * GET /api/v1/dashboards/<name> against a database of its own, so every figure is exactly what
 * this suite created: scans uploaded through the batch route and moved to the pipeline's outcomes
 * (the worker does not run here), one filed from the inbox through the filing route, case files
 * closed under retention rules, disposal offers through the disposal routes, denied attempts made
 * over HTTP.
 */
describe('dashboards (API)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let t: TestApp;
  let ds: DataSource;
  let tokens: Map<string, string>;
  let fx: RouteFixtures;
  const get = (user: TestUser | null, path: string) => {
    const r = t.http().get(path);
    return user ? r.set('Authorization', bearer(tokens, user)) : r;
  };
  const now = new Date();
  const today = berlinDay(now);
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  /** Scans by their part in the story (see beforeAll). */
  const scan: Record<string, { id: string; pages: number }> = {};

  beforeAll(async () => {
    db = await freshDatabase('dashboards');
    t = await startApp(RecordsApiModule, { env: { DATABASE_URL: db.url } });
    ds = t.app.get(DataSource);
    tokens = await signUsers(t);
    fx = routeFixtures(t, tokens);

    // ---- the scan centre's period: one batch of nine letters -------------------------------------
    const files: Array<[string, number]> = [
      ['autoFiled', 2], // filed automatically into a case file of department 32
      ['inbox32TwoDays', 3], // waiting in inbox 32 since two days
      ['filedFromInbox', 1], // went to inbox 32, filed from there by Anna
      ['inbox50EightDays', 1], // waiting in inbox 50 since eight days
      ['queued', 1], // still waiting for the pipeline
      ['failed', 1], // processing failed
      ['inbox32FiveDays', 1], // waiting in inbox 32 since five days
      ['inbox32Today', 1], // waiting in inbox 32 since today
    ];
    let req = t.http().post('/api/v1/batches').set('Authorization', bearer(tokens, users.scanOperator)).field('scanner', 'fi-7160');
    for (const [name, pages] of files) req = req.attach('files', await scanPdf(pages, name), `${name}.pdf`);
    req = req.attach('files', Buffer.from('kein Scan, eine Notiz'), 'notiz.txt'); // rejected at upload
    const batch = await req.expect(202);
    const docs = batch.body.documents as Array<{ id: string; filename: string; status: string }>;
    for (const [name, pages] of files) scan[name] = { id: docs.find((d) => d.filename === `${name}.pdf`)!.id, pages };
    scan.rejected = { id: docs.find((d) => d.filename === 'notiz.txt')!.id, pages: 0 };
    expect(docs.map((d) => d.status).sort()).toEqual([...Array(8).fill('queued'), 'rejected']);

    // the pipeline's outcomes, as the worker would leave them (it does not run in this suite)
    const cf32 = await fx.caseFile();
    await ds.query(`UPDATE documents SET status = 'filed', case_file_id = $2, department_code = '32', ocr = '{"pageCount": 2}' WHERE id = $1`, [scan.autoFiled.id, cf32.id]);
    const toInbox = async (name: string, department: string, daysAgo: number) => {
      const at = ago(daysAgo);
      await ds.query(`UPDATE documents SET status = 'needs_review', department_code = $2, created_at = $3 WHERE id = $1`, [scan[name].id, department, at]);
      await ds.query(`UPDATE capture_records SET captured_at = $2 WHERE document_id = $1`, [scan[name].id, at]);
    };
    await toInbox('inbox32TwoDays', '32', 2);
    await toInbox('inbox32FiveDays', '32', 5);
    await toInbox('inbox50EightDays', '50', 8);
    await toInbox('inbox32Today', '32', 0);
    await toInbox('filedFromInbox', '32', 0);
    await get(users.caseworker32, '/api/v1/inbox').expect(200);
    await t.http().post(`/api/v1/documents/${scan.filedFromInbox.id}/filing`).set('Authorization', bearer(tokens, users.caseworker32)).send({ caseFileId: cf32.id }).expect(200);
    await ds.query(`UPDATE documents SET status = 'failed', error = 'test: OCR failed' WHERE id = $1`, [scan.failed.id]);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('scan centre: letters and pages per day, where they went, the backlog', async () => {
    const res = await get(users.scanOperator, '/api/v1/dashboards/scan-centre?days=10').expect(200);
    const body = res.body;
    expect(body.period).toEqual({ days: 10, from: addDays(today, -9), to: today });
    expect(body.perDay).toHaveLength(10);
    expect(body.perDay[0].day).toBe(addDays(today, -9));
    const byDay = Object.fromEntries(body.perDay.map((d: { day: string }) => [d.day, d]));
    // today: auto-filed (2 pages), filed from inbox, queued, failed, inbox today (1 each), rejected (0 pages)
    expect(byDay[today]).toEqual({ day: today, letters: 6, pages: 6 });
    expect(byDay[berlinDay(ago(2))]).toEqual({ day: berlinDay(ago(2)), letters: 1, pages: 3 });
    expect(byDay[berlinDay(ago(5))]).toEqual({ day: berlinDay(ago(5)), letters: 1, pages: 1 });
    expect(byDay[berlinDay(ago(8))]).toEqual({ day: berlinDay(ago(8)), letters: 1, pages: 1 });
    expect(body.perDay.reduce((n: number, d: { letters: number }) => n + d.letters, 0)).toBe(9);
    expect(body.outcomes).toEqual({ filedAutomatically: 1, inbox: 5, rejected: 1, failed: 1, inProgress: 1, total: 9 });
    const [queued] = await ds.query(`SELECT created_at FROM documents WHERE id = $1`, [scan.queued.id]);
    expect(body.backlog).toEqual({ queued: 1, processing: 0, failed: 1, oldestWaitingSince: new Date(queued.created_at).toISOString() });

    // a shorter period leaves out the older days; the backlog is "now", whatever the period
    const one = (await get(users.admin, '/api/v1/dashboards/scan-centre?days=1').expect(200)).body;
    expect(one.perDay).toEqual([{ day: today, letters: 6, pages: 6 }]);
    expect(one.outcomes).toEqual({ filedAutomatically: 1, inbox: 2, rejected: 1, failed: 1, inProgress: 1, total: 6 });
    expect(one.backlog.queued).toBe(1);
    // the default period is 30 days
    expect((await get(users.scanOperator, '/api/v1/dashboards/scan-centre').expect(200)).body.period.days).toBe(30);
  });

  it("caseworker: inbox size and age of the caller's departments only", async () => {
    const anna = (await get(users.caseworker32, '/api/v1/dashboards/caseworker?days=10').expect(200)).body;
    const [oldest] = await ds.query(`SELECT created_at FROM documents WHERE id = $1`, [scan.inbox32FiveDays.id]);
    expect(anna.inboxes).toEqual([
      { departmentCode: '32', departmentName: expect.any(String), total: 3, underOneDay: 1, oneToThreeDays: 1, threeToSevenDays: 1, overSevenDays: 0, oldestSince: new Date(oldest.created_at).toISOString() },
    ]);
    const incoming = Object.fromEntries(anna.incomingPerDay.map((d: { day: string }) => [d.day, d]));
    expect(anna.incomingPerDay).toHaveLength(10);
    expect(incoming[today]).toEqual({ day: today, filedAutomatically: 1, viaInbox: 2 });
    expect(incoming[berlinDay(ago(2))]).toEqual({ day: berlinDay(ago(2)), filedAutomatically: 0, viaInbox: 1 });
    expect(incoming[berlinDay(ago(5))]).toEqual({ day: berlinDay(ago(5)), filedAutomatically: 0, viaInbox: 1 });
    // department 50's letter is not in Anna's figures on any day
    expect(incoming[berlinDay(ago(8))]).toEqual({ day: berlinDay(ago(8)), filedAutomatically: 0, viaInbox: 0 });

    const bernd = (await get(users.caseworker50, '/api/v1/dashboards/caseworker?days=10').expect(200)).body;
    expect(bernd.inboxes).toEqual([expect.objectContaining({ departmentCode: '50', total: 1, underOneDay: 0, oneToThreeDays: 0, threeToSevenDays: 0, overSevenDays: 1 })]);
    expect(bernd.incomingPerDay.filter((d: { viaInbox: number }) => d.viaInbox > 0)).toEqual([{ day: berlinDay(ago(8)), filedAutomatically: 0, viaInbox: 1 }]);

    // a lead of both departments sees both, side by side
    const lead: TestUser = { sub: 'lea.lead', name: 'Lea Leitung', roles: ['caseworker'], departments: ['50', '32'] };
    const both = (await t.http().get('/api/v1/dashboards/caseworker').set('Authorization', `Bearer ${await t.token(lead)}`).expect(200)).body;
    expect(both.inboxes.map((i: { departmentCode: string; total: number }) => [i.departmentCode, i.total])).toEqual([
      ['32', 3],
      ['50', 1],
    ]);
    // the read is audited with the departments it covered
    const [event] = await ds.query(`SELECT details FROM audit_events WHERE action = 'dashboard.read' AND actor_sub = 'lea.lead' ORDER BY seq DESC LIMIT 1`);
    expect(event.details).toEqual(expect.objectContaining({ departments: ['50', '32'], days: 30 }));
  });

  it('records manager: case files becoming due per year ahead, and disposal offers by state', async () => {
    // closed case files whose retention ends in one year (two) and in three years (one)
    const oneYear = await fx.filePlanUnit({ years: 1, trigger: 'closed', disposal: 'destroy' });
    const threeYears = await fx.filePlanUnit({ years: 3, trigger: 'closed', disposal: 'archive' });
    const closeAs = async (code: string) => {
      const cf = await fx.caseFile({ filePlanCode: code });
      await t.http().post(`/api/v1/case-files/${cf.id}/close`).set('Authorization', bearer(tokens, users.caseworker32)).expect(200);
      const [row] = await ds.query(`SELECT retain_until FROM case_files WHERE id = $1`, [cf.id]);
      return berlinYear(new Date(row.retain_until));
    };
    const inOneYear = [await closeAs(oneYear), await closeAs(oneYear)];
    const inThreeYears = await closeAs(threeYears);
    // an open case file has no retention end yet
    await fx.caseFile({ filePlanCode: threeYears });
    // retention ended but a legal hold keeps it: counted apart, not as due
    const heldUnit = await fx.filePlanUnit({ years: 0, trigger: 'closed', disposal: 'destroy' });
    const held = await fx.caseFile({ filePlanCode: heldUnit });
    await fx.legalHold(held.id);
    await t.http().post(`/api/v1/case-files/${held.id}/close`).set('Authorization', bearer(tokens, users.caseworker32)).expect(200);
    // due (swept), offered, handed over and waiting for the archive, destroyed
    await fx.dueCaseFile('destroy');
    await fx.disposalOffer('review');
    await fx.executedOffer('archive');
    await fx.executedOffer('destroy');

    const body = (await get(users.recordsManager, '/api/v1/dashboards/records-manager?years=5').expect(200)).body;
    const thisYear = berlinYear(new Date());
    expect(body.years).toBe(5);
    expect(body.duePerYear.map((y: { year: number }) => y.year)).toEqual([0, 1, 2, 3, 4].map((i) => thisYear + i));
    const expected = new Map<number, number>();
    for (const y of [...inOneYear, inThreeYears]) expected.set(y, (expected.get(y) ?? 0) + 1);
    expect(body.duePerYear).toEqual([0, 1, 2, 3, 4].map((i) => ({ year: thisYear + i, caseFiles: expected.get(thisYear + i) ?? 0 })));
    expect(body.dueNow).toEqual({ due: 1, onHold: 1, offered: 1 });
    expect(body.offersByState).toEqual([
      { status: 'offered', offers: 1 },
      { status: 'appraised', offers: 0 },
      { status: 'awaiting_confirmation', offers: 1 },
      { status: 'completed', offers: 1 },
    ]);
    // looking two years ahead leaves out the case file due in three years
    const short = (await get(users.recordsManager, '/api/v1/dashboards/records-manager?years=2').expect(200)).body;
    expect(short.duePerYear.reduce((n: number, y: { caseFiles: number }) => n + y.caseFiles, 0)).toBe(inOneYear.filter((y) => y < thisYear + 2).length);
  });

  it('auditor: events and denied attempts per day, denials told apart as the trail records them', async () => {
    const before = (await get(users.auditor, '/api/v1/dashboards/auditor?days=7').expect(200)).body;
    const deniedBefore = before.perDay.find((d: { day: string }) => d.day === today);

    // one of each kind of denial: no token (401), a missing role (403), another department's case file (404)
    const cf = await fx.caseFile();
    await t.http().get('/api/v1/dashboards/auditor').expect(401);
    await get(users.caseworker32, '/api/v1/dashboards/auditor').expect(403);
    await get(users.caseworker50, `/api/v1/case-files/${cf.id}`).expect(404);
    await get(users.caseworker50, `/api/v1/case-files/${cf.id}`).expect(404);

    const body = (await get(users.auditor, '/api/v1/dashboards/auditor?days=7').expect(200)).body;
    expect(body.period).toEqual({ days: 7, from: addDays(today, -6), to: today });
    expect(body.perDay).toHaveLength(7);
    const day = body.perDay.find((d: { day: string }) => d.day === today);
    expect(day.unauthenticated - deniedBefore.unauthenticated).toBe(1);
    expect(day.forbidden - deniedBefore.forbidden).toBe(1);
    expect(day.otherDepartment - deniedBefore.otherDepartment).toBe(2);
    expect(day.denied).toBe(day.unauthenticated + day.forbidden + day.otherDepartment + day.other);
    // every event of today until this read (the read itself is recorded after it was answered)
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE occurred_at >= ($1::date::timestamp AT TIME ZONE 'Europe/Berlin') AND seq < (SELECT max(seq) FROM audit_events WHERE action = 'dashboard.read' AND actor_sub = 'paul.rpa')`,
      [today],
    );
    expect(day.events).toBe(n);
    const [{ denied }] = await ds.query(
      `SELECT count(*)::int AS denied FROM audit_events WHERE outcome = 'denied' AND occurred_at >= ($1::date::timestamp AT TIME ZONE 'Europe/Berlin')`,
      [today],
    );
    expect(day.denied).toBe(denied);
    // nothing happened in this fresh database before today
    expect(body.perDay.filter((d: { day: string; events: number }) => d.day !== today && d.events > 0)).toEqual([]);
  });

  it('each dashboard only for its role(s): 401 without a token, 403 for other roles (audited), 404 for an unknown name', async () => {
    const refused: Array<[TestUser, string]> = [
      [users.caseworker32, 'scan-centre'],
      [users.recordsManager, 'scan-centre'],
      [users.auditor, 'caseworker'],
      [users.admin, 'caseworker'],
      [users.scanOperator, 'caseworker'],
      [users.caseworker32, 'records-manager'],
      [users.auditor, 'records-manager'],
      [users.recordsManager, 'auditor'],
      [users.admin, 'auditor'],
    ];
    for (const [user, name] of refused) {
      const res = await get(user, `/api/v1/dashboards/${name}`).set('X-Request-Id', `dash-refused-${user.sub}-${name}`);
      expect([user.sub, name, res.status, res.body.error?.code]).toEqual([user.sub, name, 403, 'Forbidden']);
      const events = await ds.query(`SELECT action, outcome FROM audit_events WHERE request_id = $1`, [`dash-refused-${user.sub}-${name}`]);
      expect(events).toEqual([{ action: 'access.denied', outcome: 'denied' }]);
    }
    for (const name of ['scan-centre', 'caseworker', 'records-manager', 'auditor']) await get(null, `/api/v1/dashboards/${name}`).expect(401);
    await get(users.admin, '/api/v1/dashboards/scan-centre').expect(200);
    await get(users.auditor, '/api/v1/dashboards/unknown').expect(404);
  });

  it('refuses a bad period with 400 and says why', async () => {
    const bad: Array<[TestUser, string, string]> = [
      [users.scanOperator, 'scan-centre?days=0', 'days'],
      [users.scanOperator, 'scan-centre?days=93', 'days'],
      [users.scanOperator, 'scan-centre?days=abc', 'days'],
      [users.caseworker32, 'caseworker?days=1.5', 'days'],
      [users.caseworker32, 'caseworker?days=-3', 'days'],
      [users.auditor, 'auditor?days=', 'days'],
      [users.auditor, 'auditor?days=7&days=8', 'days'],
      [users.recordsManager, 'records-manager?years=0', 'years'],
      [users.recordsManager, 'records-manager?years=31', 'years'],
      [users.recordsManager, 'records-manager?days=30', 'days'],
      [users.auditor, 'auditor?from=2026-01-01', 'from'],
    ];
    for (const [user, path, field] of bad) {
      const res = await get(user, `/api/v1/dashboards/${path}`);
      expect([path, res.status, res.body.error?.code]).toEqual([path, 400, 'ValidationFailed']);
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    const res = await get(users.scanOperator, '/api/v1/dashboards/scan-centre?days=93');
    expect(res.body.error.details[0].errors.join(' ')).toMatch(/between 1 and 92/);
    // the bounds themselves are accepted
    await get(users.scanOperator, '/api/v1/dashboards/scan-centre?days=92').expect(200);
    await get(users.recordsManager, '/api/v1/dashboards/records-manager?years=30').expect(200);
  });
});
