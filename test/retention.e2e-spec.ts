import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { Clock, ControllableClock } from '@app/common';
import { build0502, build0506, structuralErrors } from '@app/retention';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, users } from './support/app';
import { freshDatabase } from './support/database';
import { binary, storageHits, tablesContaining, unzip, verifyAuditChain, xmllintAvailable, xmllintValidate } from './retention-support';

/**
 * Retention, legal holds and disposal with xdomea hand-over, driven over HTTP with a controllable
 * clock on a database and object store of its own.
 */
const START = new Date('2026-01-15T09:00:00.000Z');
const xmllintSkip = xmllintAvailable();
if (xmllintSkip) console.warn(`retention e2e: xmllint validation against ../shared skipped: ${xmllintSkip}`);

/** A PDF-looking upload whose bytes carry a unique marker (what the byte scans look for). */
function pdfWith(marker: string): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj <<>> endobj\n% ${marker}\ntrailer <<>>\n%%EOF\n`, 'latin1');
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const marker = (label: string) => `MARK-${label}-${randomBytes(6).toString('hex')}`;

describe('retention, legal holds and disposal (e2e)', () => {
  let t: TestApp;
  let db: { url: string; drop: () => Promise<void> };
  let storageDir: string;
  let ds: DataSource;
  const clock = new ControllableClock(START);
  let clerk: string; // caseworker of every department (creates the fixtures)
  let anna: string; // caseworker 32
  let bernd: string; // caseworker 50
  let rita: string; // records manager
  let paul: string; // auditor

  beforeAll(async () => {
    db = await freshDatabase('retention');
    storageDir = mkdtempSync(path.join(os.tmpdir(), 'eakte-retention-'));
    t = await startApp(RecordsApiModule, {
      env: { DATABASE_URL: db.url, STORAGE_DIR: storageDir, XDOMEA_SENDER_NAME: 'Stadtverwaltung Musterstadt', XDOMEA_ARCHIVE_NAME: 'Stadtarchiv Musterstadt' },
      override: (b) => b.overrideProvider(Clock).useValue(clock),
    });
    ds = t.app.get(DataSource);
    clerk = await t.token({ sub: 'clara.clerk', name: 'Clara Clerk', roles: ['caseworker'], departments: ['20', '32', '33', '50', '51', '53', '61', '66'] });
    anna = await t.token(users.caseworker32);
    bernd = await t.token(users.caseworker50);
    rita = await t.token(users.recordsManager);
    paul = await t.token(users.auditor);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
    if (storageDir) rmSync(storageDir, { recursive: true, force: true });
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  async function caseFile(filePlanCode: string, title = `Akte ${filePlanCode}`): Promise<{ id: string; reference: string }> {
    const r = await t.http().post('/api/v1/case-files').set(as(clerk)).send({ filePlanCode, title }).expect(201);
    return r.body;
  }
  async function upload(caseFileId: string, content: Buffer, title = 'Schreiben'): Promise<{ id: string; sha256: string }> {
    const r = await t.http().post(`/api/v1/case-files/${caseFileId}/documents`).set(as(clerk)).field('title', title).attach('file', content, 'schreiben.pdf').expect(201);
    return r.body;
  }
  const close = (id: string) => t.http().post(`/api/v1/case-files/${id}/close`).set(as(clerk)).expect(200);
  const sweep = () => t.http().post('/api/v1/disposal/sweep').set(as(rita)).expect(200);
  const setHold = (id: string, reason = 'Rechtsstreit VG 1 K 17/26') => t.http().post(`/api/v1/case-files/${id}/holds`).set(as(rita)).send({ reason, reference: 'VG 1 K 17/26' });
  const auditOf = (caseFileId: string, action: string) =>
    ds.query(`SELECT action, outcome, reason, details FROM audit_events WHERE case_file_id = $1 AND action = $2 ORDER BY seq`, [caseFileId, action]);

  it('computes retainUntil from the rule and recomputes it on close, reopen and rule change', async () => {
    clock.set(START);
    const cf = await caseFile('20.1.1', 'Rechnung Büromaterial');
    let r = await t.http().get(`/api/v1/case-files/${cf.id}`).set(as(clerk)).expect(200);
    expect(r.body.retainUntil).toBeNull(); // open: the clock has not started

    clock.advanceDays(10);
    r = await close(cf.id);
    const closedAt = new Date(r.body.closedAt);
    expect(r.body.retainUntil).toBe(new Date(Date.UTC(closedAt.getUTCFullYear() + 10, closedAt.getUTCMonth(), closedAt.getUTCDate(), closedAt.getUTCHours(), closedAt.getUTCMinutes(), closedAt.getUTCSeconds(), closedAt.getUTCMilliseconds())).toISOString());

    // a rule change needs a records manager and a reason, and recomputes in the same step
    await t.http().put('/api/v1/file-plan/20.1.1/retention').set(as(clerk)).send({ years: 6, trigger: 'closed', disposal: 'destroy', reason: 'neue Frist' }).expect(403);
    await t.http().put('/api/v1/file-plan/20.1.1/retention').set(as(rita)).send({ years: 6, trigger: 'closed', disposal: 'destroy' }).expect(400);
    await t.http().put('/api/v1/file-plan/20.1.1/retention').set(as(rita)).send({ years: -1, trigger: 'closed', disposal: 'destroy', reason: 'x y z' }).expect(400);
    await t.http().put('/api/v1/file-plan/99.9/retention').set(as(rita)).send({ years: 6, trigger: 'closed', disposal: 'destroy', reason: 'x y z' }).expect(404);
    const change = await t.http().put('/api/v1/file-plan/20.1.1/retention').set(as(rita)).send({ years: 6, trigger: 'closed', disposal: 'destroy', reason: '§ 147 AO geändert' }).expect(200);
    expect(change.body).toMatchObject({ code: '20.1.1', retention: { years: 6 }, previous: { years: 10 }, recomputed: 1 });
    r = await t.http().get(`/api/v1/case-files/${cf.id}`).set(as(clerk)).expect(200);
    expect(new Date(r.body.retainUntil).getUTCFullYear()).toBe(closedAt.getUTCFullYear() + 6);
    const [ev] = await ds.query(`SELECT reason, details FROM audit_events WHERE action = 'retention.change' AND object_id = '20.1.1'`);
    expect(ev.reason).toBe('§ 147 AO geändert');
    expect(ev.details).toMatchObject({ previous: { years: 10 }, retention: { years: 6 }, recomputed: 1 });

    // reopening clears it, closing again restarts it
    r = await t.http().post(`/api/v1/case-files/${cf.id}/reopen`).set(as(clerk)).send({ reason: 'Nachforderung' }).expect(200);
    expect(r.body.retainUntil).toBeNull();
    clock.advanceDays(30);
    r = await close(cf.id);
    expect(new Date(r.body.retainUntil).getTime()).toBeGreaterThan(closedAt.getTime() + 6 * 365 * 86_400_000);

    // years: null keeps forever; back to finite
    await t.http().put('/api/v1/file-plan/20.1.1/retention').set(as(rita)).send({ years: null, trigger: 'closed', disposal: 'archive', reason: 'historisch wertvoll' }).expect(200);
    r = await t.http().get(`/api/v1/case-files/${cf.id}`).set(as(clerk)).expect(200);
    expect(r.body.retainUntil).toBeNull();
  });

  it('stacks legal holds, shows them to the department, refuses shortening and deletion while any is on', async () => {
    clock.set(START);
    const cf = await caseFile('66.1.1', 'Aufbrucherlaubnis Hauptstraße');
    const content = pdfWith(marker('hold'));
    const doc = await upload(cf.id, content);
    await close(cf.id);

    await t.http().post(`/api/v1/case-files/${cf.id}/holds`).set(as(clerk)).send({ reason: 'Klage' }).expect(403);
    await t.http().post(`/api/v1/case-files/${cf.id}/holds`).set(as(rita)).send({}).expect(400);
    const h1 = (await setHold(cf.id).expect(201)).body;
    const h2 = (await setHold(cf.id, 'Rechnungsprüfung 2026').expect(201)).body;
    expect(h1).toMatchObject({ caseFileId: cf.id, active: true, reason: 'Rechtsstreit VG 1 K 17/26', reference: 'VG 1 K 17/26', setBy: users.recordsManager.sub });

    // the department's caseworkers see holds and retainUntil; other departments do not
    const seen = await t.http().get(`/api/v1/case-files/${cf.id}/holds`).set(as(clerk)).expect(200);
    expect(seen.body).toMatchObject({ caseFileId: cf.id, underHold: true });
    expect(seen.body.retainUntil).not.toBeNull();
    expect(seen.body.holds.map((h: { id: string }) => h.id)).toEqual([h1.id, h2.id]);
    await t.http().get(`/api/v1/case-files/${cf.id}/holds`).set(as(bernd)).expect(404);

    // time passes beyond retention: still nothing may go while held
    clock.advanceYears(6);
    for (const [method, url] of [
      ['delete', `/api/v1/documents/${doc.id}`],
      ['delete', `/api/v1/documents/${doc.id}/versions/1`],
      ['delete', `/api/v1/case-files/${cf.id}`],
    ] as const) {
      for (const token of [clerk, rita]) {
        const r = await t.http()[method](url).set(as(token)).send({ reason: 'aufräumen' }).expect(409);
        expect(r.body.error.code).toBe('LegalHold');
        expect(r.body.error.message).toContain(h1.id);
        expect(r.body.error.details.holds.map((h: { id: string }) => h.id)).toEqual([h1.id, h2.id]);
      }
    }
    // shortening refused (409 naming the hold), lengthening allowed
    const short = await t.http().put('/api/v1/file-plan/66.1.1/retention').set(as(rita)).send({ years: 1, trigger: 'closed', disposal: 'destroy', reason: 'kürzer' }).expect(409);
    expect(short.body.error.code).toBe('LegalHold');
    expect(short.body.error.message).toContain(h1.id);
    await t.http().put('/api/v1/file-plan/66.1.1/retention').set(as(rita)).send({ years: 0, trigger: 'created', disposal: 'destroy', reason: 'kürzer' }).expect(409);
    const longer = await t.http().put('/api/v1/file-plan/66.1.1/retention').set(as(rita)).send({ years: 5, trigger: 'closed', disposal: 'destroy', reason: 'unverändert' }).expect(200);
    expect(longer.body.recomputed).toBe(0);

    // the sweep does not mark held files due
    expect((await sweep()).body.marked).toBe(0);
    let due = await t.http().get('/api/v1/disposal/due').set(as(rita)).expect(200);
    expect(due.body.items.map((c: { id: string }) => c.id)).not.toContain(cf.id);

    // lifting needs a reason; one hold lifted, the other still blocks
    await t.http().delete(`/api/v1/case-files/${cf.id}/holds/${h1.id}`).set(as(rita)).send({}).expect(400);
    await t.http().delete(`/api/v1/case-files/${cf.id}/holds/${h1.id}`).set(as(rita)).send({ reason: 'Verfahren beendet' }).expect(200);
    await t.http().delete(`/api/v1/case-files/${cf.id}/holds/${h1.id}`).set(as(rita)).send({ reason: 'Verfahren beendet' }).expect(409);
    let r = await t.http().delete(`/api/v1/documents/${doc.id}`).set(as(clerk)).expect(409);
    expect(r.body.error.code).toBe('LegalHold');
    expect(r.body.error.message).toContain(h2.id);
    expect((await sweep()).body.marked).toBe(0);

    await t.http().delete(`/api/v1/case-files/${cf.id}/holds/${h2.id}`).set(as(rita)).send({ reason: 'Prüfung abgeschlossen' }).expect(200);
    // expired and free: single deletions are still refused: records leave only by disposal
    r = await t.http().delete(`/api/v1/documents/${doc.id}`).set(as(rita)).expect(409);
    expect(r.body.error.code).toBe('DisposalRequired');
    expect((await sweep()).body.marked).toBe(1);
    due = await t.http().get('/api/v1/disposal/due').set(as(rita)).expect(200);
    expect(due.body.items.map((c: { id: string }) => c.id)).toContain(cf.id);
    // a hold set on a due file takes it off the due list again
    const h3 = (await setHold(cf.id, 'neue Klage').expect(201)).body;
    due = await t.http().get('/api/v1/disposal/due').set(as(rita)).expect(200);
    expect(due.body.items.map((c: { id: string }) => c.id)).not.toContain(cf.id);
    await t.http().delete(`/api/v1/case-files/${cf.id}/holds/${h3.id}`).set(as(rita)).send({ reason: 'zurückgenommen' }).expect(200);

    const events = await ds.query(`SELECT action, reason, details FROM audit_events WHERE case_file_id = $1 AND action IN ('hold.set', 'hold.lift') ORDER BY seq`, [cf.id]);
    expect(events.map((e: { action: string }) => e.action)).toEqual(['hold.set', 'hold.set', 'hold.lift', 'hold.lift', 'hold.set', 'hold.lift']);
    expect(events[2]).toMatchObject({ reason: 'Verfahren beendet', details: { holdId: h1.id } });
    const denied = await ds.query(`SELECT count(*)::int AS n FROM audit_events WHERE object_id = $1 AND action = 'document.delete' AND outcome = 'denied'`, [doc.id]);
    expect(denied[0].n).toBeGreaterThanOrEqual(4);
    // the storage object was never touched
    expect(storageHits(storageDir, [content])).toHaveLength(1);
  });

  it('refuses early deletion for every role and treats years: 0 as due once the trigger passed', async () => {
    clock.set(START);
    await t.http().put('/api/v1/file-plan/33.1.1/retention').set(as(rita)).send({ years: 0, trigger: 'closed', disposal: 'destroy', reason: 'sofort nach zdA' }).expect(200);
    const cf = await caseFile('33.1.1', 'Meldebescheinigung');
    const doc = await upload(cf.id, pdfWith(marker('zero')));
    for (const token of [clerk, rita]) {
      const r = await t.http().delete(`/api/v1/case-files/${cf.id}`).set(as(token)).expect(409);
      expect(r.body.error.code).toBe('RetentionNotExpired');
    }
    await t.http().delete(`/api/v1/documents/${doc.id}`).set(as(paul)).expect(404); // auditors see no records
    await t.http().delete(`/api/v1/documents/${doc.id}/versions/abc`).set(as(clerk)).expect(400);
    await t.http().delete(`/api/v1/documents/${doc.id}/versions/7`).set(as(clerk)).expect(404);
    expect((await sweep()).body.marked).toBe(0); // open files are never due
    await close(cf.id);
    clock.advanceDays(1);
    expect((await sweep()).body.marked).toBe(1);
    const r = await t.http().get(`/api/v1/case-files/${cf.id}`).set(as(clerk)).expect(200);
    expect(r.body.status).toBe('due');
    // reopening a due file takes it off the due list
    await t.http().post(`/api/v1/case-files/${cf.id}/reopen`).set(as(clerk)).send({ reason: 'Nachtrag' }).expect(200);
    expect((await t.http().get('/api/v1/disposal/due').set(as(rita)).expect(200)).body.items.map((c: { id: string }) => c.id)).not.toContain(cf.id);
  });

  it('runs the full Aussonderung: due list, 0501, 0502, execute (destruction + 0503), 0506, certificate; no byte remains', async () => {
    clock.set(new Date('2030-03-01T08:00:00.000Z'));
    // V by rule (Bußgeld, 5 years, destroy), A by rule (Gaststätten, 10 years, archive), review (Sozialhilfe)
    const destroyFile = await caseFile('32.2.1', 'Bußgeldverfahren Parkverstoß');
    const archiveFile = await caseFile('32.1.2', 'Gaststättenerlaubnis Zur Linde');
    const reviewFile = await caseFile('50.1.1', 'Hilfe zum Lebensunterhalt M.');
    const heldFile = await caseFile('32.2.1', 'Bußgeldverfahren mit Klage');
    const openFile = await caseFile('32.2.1', 'Bußgeldverfahren offen');
    const youngFile = await caseFile('32.1.2', 'Gaststätte jung');

    const m = { v1: marker('v1'), v2: marker('v2'), v3: marker('v3'), a1: marker('a1'), r1: marker('r1'), held: marker('held'), open: marker('open'), young: marker('young') };
    const bytes = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, pdfWith(v)])) as Record<keyof typeof m, Buffer>;
    const shared = pdfWith(marker('shared')); // identical content in a destroyed and a surviving file
    const dV1 = await upload(destroyFile.id, bytes.v1, 'Anhörungsbogen');
    await t.http().post(`/api/v1/documents/${dV1.id}/versions`).set(as(clerk)).attach('file', bytes.v2, 'v2.pdf').field('comment', 'korrigiert').expect(201);
    const dV3 = await upload(destroyFile.id, bytes.v3, 'Bußgeldbescheid');
    const dShared = await upload(destroyFile.id, shared, 'Zahlungsnachweis');
    const dA1 = await upload(archiveFile.id, bytes.a1, 'Erlaubnisurkunde');
    const dR1 = await upload(reviewFile.id, bytes.r1, 'Bescheid');
    await upload(heldFile.id, bytes.held);
    await upload(openFile.id, bytes.open);
    await upload(openFile.id, shared, 'Zahlungsnachweis (Kopie)');
    await upload(youngFile.id, bytes.young);
    for (const f of [destroyFile, archiveFile, reviewFile, heldFile]) await close(f.id);
    clock.advanceYears(6);
    await close(youngFile.id); // retention runs 10 more years
    const hold = (await setHold(heldFile.id).expect(201)).body;
    clock.advanceYears(5);
    clock.advanceDays(1);

    // only closed, expired, unheld files are due
    await t.http().post('/api/v1/disposal/sweep').set(as(clerk)).expect(403);
    await sweep();
    const due = await t.http().get('/api/v1/disposal/due').query({ pageSize: 100 }).set(as(rita)).expect(200);
    const dueIds = due.body.items.map((c: { id: string }) => c.id);
    expect(dueIds).toEqual(expect.arrayContaining([destroyFile.id, archiveFile.id, reviewFile.id]));
    for (const untouched of [heldFile, openFile, youngFile]) expect(dueIds).not.toContain(untouched.id);

    // offer (0501)
    const r0 = await t.http().post('/api/v1/disposal/offers').set(as(rita)).send({ caseFileIds: [heldFile.id] }).expect(409);
    expect(r0.body.error).toMatchObject({ code: 'LegalHold', details: { holds: [{ id: hold.id, reason: 'Rechtsstreit VG 1 K 17/26' }] } });
    await t.http().post('/api/v1/disposal/offers').set(as(rita)).send({ caseFileIds: ['nope'] }).expect(400);
    const created = await t.http().post('/api/v1/disposal/offers').set(as(rita)).send({ caseFileIds: [destroyFile.id, archiveFile.id, reviewFile.id] }).expect(201);
    expect(created.body).toEqual({ id: expect.any(String), processId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'offered' });
    const { id: offerId, processId } = created.body;
    await t.http().post('/api/v1/disposal/offers').set(as(rita)).send({ caseFileIds: [destroyFile.id] }).expect(409); // already offered
    await t.http().post(`/api/v1/case-files/${destroyFile.id}/reopen`).set(as(clerk)).send({ reason: 'noch gebraucht' }).expect(409);

    const z501 = await t.http().get(`/api/v1/disposal/offers/${offerId}/0501`).set(as(rita)).buffer(true).parse(binary).expect(200);
    expect(z501.headers['content-disposition']).toContain(`${processId}_Aussonderung.Anbieteverzeichnis.0501.zip`);
    const e501 = await unzip(z501.body);
    expect([...e501.keys()]).toEqual([`${processId}_Aussonderung.Anbieteverzeichnis.0501.xml`]);
    const xml501 = e501.get(`${processId}_Aussonderung.Anbieteverzeichnis.0501.xml`)!.toString('utf8');
    expect(structuralErrors(xml501, '0501')).toEqual([]);
    if (!xmllintSkip) expect(xmllintValidate(xml501)).toMatchObject({ ok: true });
    expect(xml501).toContain(`<xdomea:Kennzeichen>${destroyFile.reference}</xdomea:Kennzeichen>`);
    expect(xml501).toContain('<xdomea:ZdA>true</xdomea:ZdA>');
    expect(xml501).not.toContain('Primaerdokument'); // metadata only
    for (const v of Object.values(m)) expect(xml501).not.toContain(v);

    // review rules need the archive's appraisal before anything happens
    let r = await t.http().post(`/api/v1/disposal/offers/${offerId}/execute`).set(as(rita)).expect(409);
    expect(r.body.error.message).toContain(reviewFile.reference);

    // invalid 0502s are rejected with the schema errors
    const header = { processId, createdAt: clock.now(), senderName: 'Stadtarchiv Musterstadt', archiveName: 'Stadtverwaltung Musterstadt' };
    const good0502 = build0502(header, [
      { id: destroyFile.id, code: 'V' },
      { id: archiveFile.id, code: 'A' },
      { id: reviewFile.id, code: 'V' },
    ]);
    const broken = good0502.replace(/<xdomea:Erstellungszeitpunkt>[^<]*<\/xdomea:Erstellungszeitpunkt>/, '');
    r = await t.http().post(`/api/v1/disposal/offers/${offerId}/appraisal`).set(as(rita)).set('Content-Type', 'application/xml').send(broken).expect(422);
    expect(r.body.error.details.schemaErrors.join('\n')).toMatch(/Erstellungszeitpunkt/);
    r = await t.http().post(`/api/v1/disposal/offers/${offerId}/appraisal`).set(as(rita)).set('Content-Type', 'application/xml').send('<not-xml').expect(422);
    r = await t.http().post(`/api/v1/disposal/offers/${offerId}/appraisal`).set(as(rita)).set('Content-Type', 'application/xml').send(build0502({ ...header, processId: '00000000-0000-4000-8000-000000000000' }, [{ id: destroyFile.id, code: 'V' }])).expect(422);
    r = await t.http().post(`/api/v1/disposal/offers/${offerId}/appraisal`).set(as(rita)).set('Content-Type', 'application/xml').send(build0502(header, [{ id: heldFile.id, code: 'V' }])).expect(422);
    await t.http().post(`/api/v1/disposal/offers/${offerId}/appraisal`).set(as(rita)).set('Content-Type', 'text/plain').send('x').expect(415);
    await t.http().post(`/api/v1/disposal/offers/${offerId}/appraisal`).set(as(anna)).set('Content-Type', 'application/xml').send(good0502).expect(403);
    // multipart `file` works as well as the raw body
    r = await t.http().post(`/api/v1/disposal/offers/${offerId}/appraisal`).set(as(rita)).attach('file', Buffer.from(good0502), '0502.xml').expect(200);
    expect(r.body.status).toBe('appraised');
    expect(Object.fromEntries(r.body.items.map((i: { caseFileId: string; decision: string }) => [i.caseFileId, i.decision]))).toEqual({
      [destroyFile.id]: 'V',
      [archiveFile.id]: 'A',
      [reviewFile.id]: 'V',
    });

    // execute: V destroyed, A handed over
    await t.http().get(`/api/v1/disposal/offers/${offerId}/0503`).set(as(rita)).expect(409);
    r = await t.http().post(`/api/v1/disposal/offers/${offerId}/execute`).set(as(rita)).expect(200);
    const outcome = Object.fromEntries(r.body.items.map((i: { caseFileId: string; outcome: string }) => [i.caseFileId, i.outcome]));
    expect(outcome).toEqual({ [destroyFile.id]: 'destroyed', [reviewFile.id]: 'destroyed', [archiveFile.id]: 'handed_over' });
    expect(r.body.status).toBe('awaiting_confirmation');
    // rerunning is harmless
    r = await t.http().post(`/api/v1/disposal/offers/${offerId}/execute`).set(as(rita)).expect(200);
    expect(r.body.items.map((i: { outcome: string }) => i.outcome).sort()).toEqual(['destroyed', 'destroyed', 'handed_over']);
    await t.http().get(`/api/v1/case-files/${destroyFile.id}`).set(as(clerk)).expect(404);
    await t.http().get(`/api/v1/documents/${dV1.id}`).set(as(clerk)).expect(404);

    // 0503: metadata, history and primary files named by UUID
    const z503 = await t.http().get(`/api/v1/disposal/offers/${offerId}/0503`).set(as(rita)).buffer(true).parse(binary).expect(200);
    expect(z503.headers['content-disposition']).toContain(`${processId}_Aussonderung.Aussonderung.0503.zip`);
    const e503 = await unzip(z503.body);
    const xml503 = e503.get(`${processId}_Aussonderung.Aussonderung.0503.xml`)!.toString('utf8');
    expect(structuralErrors(xml503, '0503')).toEqual([]);
    if (!xmllintSkip) expect(xmllintValidate(xml503)).toMatchObject({ ok: true });
    expect(xml503).toContain(`<xdomea:ID>${archiveFile.id}</xdomea:ID>`);
    expect(xml503).toContain(`<xdomea:ID>${dA1.id}</xdomea:ID>`);
    expect(xml503).toContain('<xdomea:Aktion>case_file.create</xdomea:Aktion>');
    expect(xml503).toContain('<xdomea:Aktion>document.create</xdomea:Aktion>');
    expect(xml503).not.toContain(destroyFile.id);
    const primaries = [...e503.keys()].filter((k) => !k.endsWith('.xml'));
    expect(primaries).toHaveLength(1);
    expect(primaries[0]).toMatch(/^[0-9a-f-]{36}\.pdf$/);
    expect(xml503).toContain(`<xdomea:Dateiname>${primaries[0]}</xdomea:Dateiname>`);
    expect(Buffer.compare(e503.get(primaries[0])!, bytes.a1)).toBe(0);

    // the archive confirms the import (0506); invalid confirmations are rejected
    r = await t.http().post(`/api/v1/disposal/offers/${offerId}/confirmation`).set(as(rita)).set('Content-Type', 'application/xml').send(build0506(header, [{ id: destroyFile.id, ok: true }])).expect(422);
    r = await t.http().post(`/api/v1/disposal/offers/${offerId}/confirmation`).set(as(rita)).send({ confirmed: false, reason: 'x y z' }).expect(400);
    r = await t.http().post(`/api/v1/disposal/offers/${offerId}/confirmation`).set(as(rita)).set('Content-Type', 'application/xml').send(build0506(header, [{ id: archiveFile.id, ok: true, archiveId: 'StA-MS 7/2041' }])).expect(200);
    expect(r.body.status).toBe('completed');
    expect(r.body.items.find((i: { caseFileId: string }) => i.caseFileId === archiveFile.id)).toMatchObject({ outcome: 'archived', archiveId: 'StA-MS 7/2041' });
    await t.http().get(`/api/v1/case-files/${archiveFile.id}`).set(as(clerk)).expect(404);

    // destruction certificate (json and pdf)
    const cert = await t.http().get(`/api/v1/disposal/offers/${offerId}/certificate`).query({ format: 'json' }).set(as(rita)).expect(200);
    expect(cert.body.caseFiles).toHaveLength(3);
    const certV = cert.body.caseFiles.find((c: { caseFileId: string }) => c.caseFileId === destroyFile.id);
    expect(certV).toMatchObject({ reference: destroyFile.reference, outcome: 'destroyed', decision: 'V', documents: 3, versions: 4, by: users.recordsManager.sub });
    expect(certV.objects.map((o: { sha256: string }) => o.sha256).sort()).toEqual([sha(bytes.v1), sha(bytes.v2), sha(bytes.v3), sha(shared)].sort());
    expect(certV.objects.find((o: { sha256: string }) => o.sha256 === sha(shared))).toMatchObject({ removed: true, shared: true });
    const pdf = await t.http().get(`/api/v1/disposal/offers/${offerId}/certificate`).query({ format: 'pdf' }).set(as(rita)).buffer(true).parse(binary).expect(200);
    expect(pdf.headers['content-type']).toMatch(/application\/pdf/);
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    await t.http().get(`/api/v1/disposal/offers/${offerId}/certificate`).query({ format: 'doc' }).set(as(rita)).expect(400);

    const offer = await t.http().get(`/api/v1/disposal/offers/${offerId}`).set(as(rita)).expect(200);
    expect(offer.body).toMatchObject({ id: offerId, processId, status: 'completed' });

    // no byte of the destroyed or handed-over documents remains: not in any table, not in storage
    const gone = [m.v1, m.v2, m.v3, m.a1, m.r1];
    for (const needle of gone) expect(await tablesContaining(ds, needle)).toEqual([]);
    for (const h of [sha(bytes.v1), sha(bytes.v2), sha(bytes.v3), sha(bytes.a1), sha(bytes.r1)]) {
      // hashes stay only in the destruction record (audit trail and the offer's items)
      expect(await tablesContaining(ds, h, ['audit_events', 'disposal_offer_items'])).toEqual([]);
    }
    for (const id of [dV1.id, dV3.id, dShared.id, dA1.id, dR1.id]) expect(await tablesContaining(ds, id, ['audit_events', 'disposal_offer_items'])).toEqual([]);
    expect(storageHits(storageDir, [...gone.map((g) => Buffer.from(g)), sha(bytes.v1), sha(bytes.v2), sha(bytes.v3), sha(bytes.a1), sha(bytes.r1)])).toEqual([]);
    // what was not disposed of is intact: held, open, young files and the shared object
    for (const kept of [m.held, m.open, m.young]) expect(storageHits(storageDir, [Buffer.from(kept)])).toHaveLength(1);
    expect(storageHits(storageDir, [shared])).toHaveLength(1);
    for (const f of [heldFile, openFile, youngFile]) {
      const c = await t.http().get(`/api/v1/case-files/${f.id}`).set(as(clerk)).expect(200);
      expect(c.body.documents.length).toBeGreaterThan(0);
    }
    expect((await t.http().get(`/api/v1/case-files/${heldFile.id}/holds`).set(as(anna)).expect(200)).body.holds[0].id).toBe(hold.id);

    // the destruction record is in the audit trail and the chain still verifies
    const [destroyed] = await auditOf(destroyFile.id, 'record.destroyed');
    expect(destroyed.details).toMatchObject({ reference: destroyFile.reference, decision: 'V', destroyedBy: users.recordsManager.sub, rule: { filePlanCode: '32.2.1', years: 5, disposal: 'destroy' } });
    expect(destroyed.details.objects).toEqual(expect.arrayContaining([sha(bytes.v1), sha(bytes.v2)]));
    expect(destroyed.reason).toContain('0502');
    expect(await auditOf(archiveFile.id, 'record.archived')).toHaveLength(1);
    expect((await auditOf(destroyFile.id, 'document.create')).length).toBe(3); // events of destroyed records stay
    expect(await verifyAuditChain(ds)).toMatchObject({ brokenAt: null });
  });

  it('is race-free: holds set while a disposal run executes either block the destruction or are refused', async () => {
    clock.set(new Date('2031-06-01T08:00:00.000Z'));
    const files: { id: string; reference: string; content: Buffer }[] = [];
    for (let i = 0; i < 16; i++) {
      const cf = await caseFile('51.2.1', `Elternbeitrag ${i}`);
      const content = pdfWith(marker(`race${i}`));
      await upload(cf.id, content);
      await close(cf.id);
      files.push({ ...cf, content });
    }
    clock.advanceYears(7);
    await sweep();
    const offer = (await t.http().post('/api/v1/disposal/offers').set(as(rita)).send({ caseFileIds: files.map((f) => f.id) }).expect(201)).body;

    // the run and holds on every other file at the same time
    const targets = files.filter((_, i) => i % 2 === 1);
    const [run, ...holds] = await Promise.all([
      t.http().post(`/api/v1/disposal/offers/${offer.id}/execute`).set(as(rita)),
      ...targets.map((f, i) => new Promise((r) => setTimeout(r, i * 15)).then(() => setHold(f.id, `Klage ${f.reference}`))),
    ]);
    expect(run.status).toBe(200);
    const outcomes = new Map<string, string>(run.body.items.map((i: { caseFileId: string; outcome: string }) => [i.caseFileId, i.outcome]));
    for (const [i, f] of targets.entries()) {
      const h = holds[i];
      expect([201, 409]).toContain(h.status);
      const present = await ds.query(`SELECT count(*)::int AS n FROM case_files WHERE id = $1`, [f.id]);
      if (h.status === 201) {
        // the hold landed first: nothing of the file was destroyed
        expect(outcomes.get(f.id)).toBe('held');
        expect(present[0].n).toBe(1);
        expect(storageHits(storageDir, [f.content])).toHaveLength(1);
      } else {
        // the destruction won: the hold was refused, naming the disposal run
        expect(holds[i].body.error.message).toContain(offer.id);
        expect(outcomes.get(f.id)).toBe('destroyed');
        expect(present[0].n).toBe(0);
        expect(storageHits(storageDir, [f.content])).toHaveLength(0);
      }
    }
    for (const f of files.filter((_, i) => i % 2 === 0)) expect(outcomes.get(f.id)).toBe('destroyed');
    // the race really happened: holds landed while the run was under way
    expect(holds.filter((h) => h.status === 201).length).toBeGreaterThan(0);
    // held files went back to closed and are not due while the hold is on
    expect((await sweep()).body.marked).toBe(0);
    expect(await verifyAuditChain(ds)).toMatchObject({ brokenAt: null });
  });

  it('accepts a records manager\'s confirmation instead of a 0506 and then removes the handed-over file', async () => {
    clock.set(new Date('2032-01-10T08:00:00.000Z'));
    const cf = await caseFile('32.1.2', 'Gaststätte Zum Hirschen');
    const content = pdfWith(marker('manual'));
    await upload(cf.id, content);
    await close(cf.id);
    clock.advanceYears(11);
    await sweep();
    const offer = (await t.http().post('/api/v1/disposal/offers').set(as(rita)).send({ caseFileIds: [cf.id] }).expect(201)).body;
    // archive by rule: no appraisal needed
    let r = await t.http().post(`/api/v1/disposal/offers/${offer.id}/execute`).set(as(rita)).expect(200);
    expect(r.body.items[0]).toMatchObject({ outcome: 'handed_over', decision: null });
    await t.http().post(`/api/v1/disposal/offers/${offer.id}/confirmation`).set(as(rita)).send({ confirmed: true }).expect(400);
    r = await t.http().post(`/api/v1/disposal/offers/${offer.id}/confirmation`).set(as(rita)).send({ confirmed: true, reason: 'Übernahme telefonisch bestätigt' }).expect(200);
    expect(r.body).toMatchObject({ status: 'completed', items: [{ outcome: 'archived' }] });
    await t.http().post(`/api/v1/disposal/offers/${offer.id}/confirmation`).set(as(rita)).send({ confirmed: true, reason: 'nochmal' }).expect(409);
    expect(storageHits(storageDir, [content])).toEqual([]);
    const [ev] = await auditOf(cf.id, 'record.archived');
    expect(ev.reason).toContain('Übernahme telefonisch bestätigt');
  });

  it('previews a rule change and a 0502 without applying them, lists offers and shows holds and steps on an offer', async () => {
    clock.set(new Date('2034-02-01T08:00:00.000Z'));
    const code = `32.7.${randomBytes(3).toString('hex')}`;
    await t.http().post('/api/v1/file-plan').set(as(rita)).send({ code, title: 'Vorschau', parentCode: '32', departmentCode: '32', retention: { years: 2, trigger: 'closed', disposal: 'destroy' } }).expect(201);
    const a = await caseFile(code, 'Vorschau A');
    const b = await caseFile(code, 'Vorschau B');
    await caseFile(code, 'Vorschau offen');
    await close(a.id);
    await close(b.id);
    clock.advanceYears(3);
    await sweep();

    // the rule preview counts what a change would recompute and take off the due list; nothing changes
    let r = await t.http().get(`/api/v1/file-plan/${code}/retention/preview`).query({ years: 10, trigger: 'closed' }).set(as(rita)).expect(200);
    expect(r.body).toEqual({ code, current: { years: 2, trigger: 'closed', disposal: 'destroy' }, caseFiles: 3, recomputed: 2, undue: 2, heldShortened: 0 });
    r = await t.http().get(`/api/v1/file-plan/${code}/retention/preview`).query({ trigger: 'created' }).set(as(rita)).expect(200);
    expect(r.body).toMatchObject({ recomputed: 2, undue: 2 }); // forever: the open file stays open-ended
    r = await t.http().get(`/api/v1/file-plan/${code}/retention/preview`).query({ years: 2, trigger: 'closed' }).set(as(rita)).expect(200);
    expect(r.body).toMatchObject({ recomputed: 0, undue: 0 });
    await t.http().get(`/api/v1/file-plan/${code}/retention/preview`).query({ years: -1, trigger: 'closed' }).set(as(rita)).expect(400);
    await t.http().get(`/api/v1/file-plan/${code}/retention/preview`).query({ years: 'zehn', trigger: 'closed' }).set(as(rita)).expect(400);
    await t.http().get(`/api/v1/file-plan/${code}/retention/preview`).query({ years: 1 }).set(as(rita)).expect(400);
    await t.http().get('/api/v1/file-plan/99.9.9/retention/preview').query({ years: 1, trigger: 'closed' }).set(as(rita)).expect(404);
    await t.http().get(`/api/v1/file-plan/${code}/retention/preview`).query({ years: 1, trigger: 'closed' }).set(as(anna)).expect(403);
    const [ev] = await ds.query(`SELECT details FROM audit_events WHERE action = 'retention.preview' AND object_id = $1 ORDER BY seq LIMIT 1`, [code]);
    expect(ev.details).toMatchObject({ recomputed: 2, undue: 2 });

    // the due list filters by unit and department
    r = await t.http().get('/api/v1/disposal/due').query({ filePlanCode: code }).set(as(rita)).expect(200);
    expect(r.body.items.map((c: { id: string }) => c.id).sort()).toEqual([a.id, b.id].sort());
    r = await t.http().get('/api/v1/disposal/due').query({ filePlanCode: code, departmentCode: '50' }).set(as(rita)).expect(200);
    expect(r.body.total).toBe(0);
    await t.http().get('/api/v1/disposal/due').query({ departmentCode: 'x'.repeat(17) }).set(as(rita)).expect(400);

    // offers are listed newest first with their state
    const offer = (await t.http().post('/api/v1/disposal/offers').set(as(rita)).send({ caseFileIds: [a.id, b.id] }).expect(201)).body;
    r = await t.http().get('/api/v1/disposal/offers').query({ pageSize: 200 }).set(as(rita)).expect(200);
    expect(r.body.items.find((o: { id: string }) => o.id === offer.id)).toMatchObject({ id: offer.id, processId: offer.processId, status: 'offered', createdBy: users.recordsManager.sub, caseFiles: 2, done: 0 });
    expect(r.body.total).toBeGreaterThanOrEqual(1);
    await t.http().get('/api/v1/disposal/offers').set(as(anna)).expect(403);
    await t.http().get('/api/v1/disposal/offers').query({ pageSize: 0 }).set(as(rita)).expect(400);

    // a 0502 preview validates and shows the decisions per case file, without applying them
    const header = { processId: offer.processId, createdAt: clock.now(), senderName: 'Stadtarchiv', archiveName: 'Stadtverwaltung' };
    const xml = build0502(header, [
      { id: a.id, code: 'A' },
      { id: b.id, code: 'V' },
    ]);
    r = await t.http().post(`/api/v1/disposal/offers/${offer.id}/appraisal/preview`).set(as(rita)).attach('file', Buffer.from(xml), '0502.xml').expect(200);
    expect(r.body).toMatchObject({ offerId: offer.id, processId: offer.processId, valid: true });
    expect(Object.fromEntries(r.body.items.map((i: { caseFileId: string; decision: string; effective: string }) => [i.caseFileId, [i.decision, i.effective]]))).toEqual({ [a.id]: ['A', 'A'], [b.id]: ['V', 'V'] });
    r = await t.http().get(`/api/v1/disposal/offers/${offer.id}`).set(as(rita)).expect(200);
    expect(r.body.status).toBe('offered');
    expect(r.body.items.every((i: { decision: string | null }) => i.decision === null)).toBe(true);
    const broken = xml.replace(/<xdomea:Erstellungszeitpunkt>[^<]*<\/xdomea:Erstellungszeitpunkt>/, '');
    r = await t.http().post(`/api/v1/disposal/offers/${offer.id}/appraisal/preview`).set(as(rita)).set('Content-Type', 'application/xml').send(broken).expect(422);
    expect(r.body.error.details.schemaErrors.join('\n')).toMatch(/Erstellungszeitpunkt/);
    await t.http().post(`/api/v1/disposal/offers/${offer.id}/appraisal/preview`).set(as(rita)).set('Content-Type', 'application/xml').send(build0502({ ...header, processId: '00000000-0000-4000-8000-000000000000' }, [{ id: a.id, code: 'V' }])).expect(422);
    await t.http().post(`/api/v1/disposal/offers/${offer.id}/appraisal/preview`).set(as(rita)).set('Content-Type', 'text/plain').send('x').expect(415);
    await t.http().post(`/api/v1/disposal/offers/${offer.id}/appraisal/preview`).set(as(anna)).set('Content-Type', 'application/xml').send(xml).expect(403);
    await t.http().post('/api/v1/disposal/offers/00000000-0000-4000-8000-000000000000/appraisal/preview').set(as(rita)).set('Content-Type', 'application/xml').send(xml).expect(404);

    // a hold set on an offered file marks it on the offer; execute skips it; every step names who and when
    await t.http().post(`/api/v1/disposal/offers/${offer.id}/appraisal`).set(as(rita)).set('Content-Type', 'application/xml').send(xml).expect(200);
    const hold = (await setHold(b.id).expect(201)).body;
    r = await t.http().get('/api/v1/holds').query({ pageSize: 200 }).set(as(rita)).expect(200);
    expect(r.body.items.find((h: { id: string }) => h.id === hold.id)).toMatchObject({ caseFileId: b.id, caseFileReference: b.reference, caseFileTitle: 'Vorschau B', caseFileStatus: 'offered', active: true, reason: 'Rechtsstreit VG 1 K 17/26' });
    expect(r.body.items.every((h: { active: boolean }) => h.active)).toBe(true);
    await t.http().get('/api/v1/holds').set(as(anna)).expect(403);
    await t.http().get('/api/v1/holds').query({ page: 'x' }).set(as(rita)).expect(400);
    // only the holds of some case files (a list page marks its held rows)
    r = await t.http().get('/api/v1/holds').query({ caseFileIds: `${a.id},${b.id}` }).set(as(rita)).expect(200);
    expect(r.body).toMatchObject({ total: 1, items: [{ id: hold.id, caseFileId: b.id }] });
    r = await t.http().get('/api/v1/holds').query({ caseFileIds: a.id }).set(as(rita)).expect(200);
    expect(r.body).toMatchObject({ total: 0, items: [] });
    r = await t.http().get('/api/v1/holds').query({ caseFileIds: `${a.id},nicht-eine-id` }).set(as(rita)).expect(400);
    expect(JSON.stringify(r.body.error)).toMatch(/caseFileIds/);
    await t.http().get('/api/v1/holds').query({ caseFileIds: Array.from({ length: 201 }, () => a.id).join(',') }).set(as(rita)).expect(400);
    r = await t.http().get(`/api/v1/disposal/offers/${offer.id}`).set(as(rita)).expect(200);
    expect(Object.fromEntries(r.body.items.map((i: { caseFileId: string; underHold: boolean }) => [i.caseFileId, i.underHold]))).toEqual({ [a.id]: false, [b.id]: true });
    r = await t.http().post(`/api/v1/disposal/offers/${offer.id}/execute`).set(as(rita)).expect(200);
    expect(r.body.items.find((i: { caseFileId: string }) => i.caseFileId === b.id)).toMatchObject({ outcome: 'held', underHold: true });
    expect(r.body.executedBy).toBe(users.recordsManager.sub);
    expect(r.body.steps.map((s: { action: string }) => s.action)).toEqual(['disposal.offer.create', 'disposal.appraisal', 'disposal.execute']);
    expect(r.body.steps[0]).toMatchObject({ by: users.recordsManager.sub, byName: users.recordsManager.name, at: expect.any(String) });
  });

  it('answers bad input with 4xx, never 500', async () => {
    await t.http().get('/api/v1/disposal/offers/not-a-uuid').set(as(rita)).expect(400);
    await t.http().get('/api/v1/disposal/offers/00000000-0000-4000-8000-000000000000').set(as(rita)).expect(404);
    await t.http().post('/api/v1/disposal/offers').set(as(rita)).send({ caseFileIds: [] }).expect(400);
    await t.http().post('/api/v1/disposal/offers').set(as(rita)).send({ caseFileIds: ['00000000-0000-4000-8000-000000000000'] }).expect(404);
    await t.http().get('/api/v1/disposal/due').set(as(anna)).expect(403);
    await t.http().post('/api/v1/case-files/00000000-0000-4000-8000-000000000000/holds').set(as(rita)).send({ reason: 'Klage' }).expect(404);
    await t.http().delete('/api/v1/case-files/00000000-0000-4000-8000-000000000000/holds/00000000-0000-4000-8000-000000000000').set(as(rita)).send({ reason: 'weg' }).expect(404);
    // version numbers are positive int4s: anything else never reaches the database
    for (const v of ['0', '-1', '1.5', '1e10', '2147483648']) await t.http().delete(`/api/v1/documents/00000000-0000-4000-8000-000000000000/versions/${v}`).set(as(anna)).expect(400);
    await t.http().delete('/api/v1/documents/00000000-0000-4000-8000-000000000000/versions/2147483647').set(as(anna)).expect(404);
    // NUL in a route parameter or a body never reaches PostgreSQL (was a 500)
    const code = await t.http().put('/api/v1/file-plan/32.1%00/retention').set(as(rita)).send({ years: 1, trigger: 'closed', disposal: 'destroy', reason: 'Prüfung' }).expect(400);
    expect(code.body.error).toMatchObject({ code: 'ValidationFailed', details: [{ field: 'code', errors: ['code must not contain control characters (NUL)'] }] });
    const hold = await t.http().post('/api/v1/case-files/00000000-0000-4000-8000-000000000000/holds').set(as(rita)).send({ reason: 'Klage\u0000' }).expect(400);
    expect(hold.body.error).toMatchObject({ code: 'ValidationFailed', details: [{ field: 'reason', errors: ['reason must not contain control characters (NUL)'] }] });
  });
});
