import * as path from 'node:path';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { XdomeaValidator, build0502 } from '@app/retention';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, users } from './support/app';
import { freshDatabase } from './support/database';
import { binary, unzip } from './retention-support';

/**
 * Vorgänge and record keeping: numbering under concurrency, metadata edits audited with old and
 * new value, moving documents with a reason, access and input checks, and the 0503 of a case file
 * with Vorgänge and changes against the official xdomea 3.1.0 schema.
 */
const SCHEMA_DIR = path.resolve(__dirname, '../../shared/xdomea/3.1.0');
let seq = 0;
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n1 0 obj <<>> endobj\n% ${text} ${Date.now()}-${++seq}\ntrailer <<>>\n%%EOF\n`, 'latin1');

describe('Vorgänge and record keeping (e2e)', () => {
  let t: TestApp;
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let anna: string;
  let bernd: string;
  let rita: string;
  let clerk: string; // caseworker of 32 and 50 (moves between departments)

  beforeAll(async () => {
    db = await freshDatabase('vorgaenge');
    t = await startApp(RecordsApiModule, { env: { DATABASE_URL: db.url } });
    ds = t.app.get(DataSource);
    anna = await t.token(users.caseworker32);
    bernd = await t.token(users.caseworker50);
    rita = await t.token(users.recordsManager);
    clerk = await t.token({ sub: 'clara.clerk', name: 'Clara Clerk', roles: ['caseworker'], departments: ['32', '50'] });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const caseFile = async (token = anna, filePlanCode = '32.1.2', title = 'Gaststättenerlaubnis Café Müller') =>
    (await t.http().post('/api/v1/case-files').set(as(token)).send({ filePlanCode, title }).expect(201)).body as { id: string; reference: string };
  const vorgang = async (caseFileId: string, title = 'Antrag', token = anna) =>
    (await t.http().post(`/api/v1/case-files/${caseFileId}/vorgaenge`).set(as(token)).send({ title }).expect(201)).body as { id: string; reference: string; number: number };
  const upload = (caseFileId: string, title: string, vorgangId?: string, token = anna) => {
    const r = t.http().post(`/api/v1/case-files/${caseFileId}/documents`).set(as(token)).field('title', title);
    if (vorgangId) r.field('vorgangId', vorgangId);
    return r.attach('file', pdf(title), 'schreiben.pdf');
  };
  const events = (objectId: string, action: string) =>
    ds.query(`SELECT actor_sub, outcome, reason, details, case_file_id FROM audit_events WHERE object_id = $1 AND action = $2 ORDER BY seq`, [objectId, action]);

  it('numbers concurrent Vorgänge of a case file 1..n with unique Vorgangszeichen, no gaps', async () => {
    const cf = await caseFile();
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => t.http().post(`/api/v1/case-files/${cf.id}/vorgaenge`).set(as(anna)).send({ title: `Vorgang ${i}` })));
    expect(results.map((r) => r.status)).toEqual(Array(16).fill(201));
    const numbers = results.map((r) => r.body.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    const references = new Set(results.map((r) => r.body.reference));
    expect(references.size).toBe(16);
    for (const r of results) expect(r.body.reference).toBe(`${cf.reference}/${r.body.number}`);
    // a second case file counts on its own
    const other = await caseFile();
    expect((await vorgang(other.id)).number).toBe(1);
    // the case file lists them by number, open
    const detail = await t.http().get(`/api/v1/case-files/${cf.id}`).set(as(anna)).expect(200);
    expect(detail.body.vorgaenge.map((v: { number: number }) => v.number)).toEqual(numbers);
    expect(detail.body.vorgaenge.every((v: { status: string }) => v.status === 'open')).toBe(true);
    const created = await ds.query(`SELECT count(*)::int AS n FROM audit_events WHERE case_file_id = $1 AND action = 'vorgang.create'`, [cf.id]);
    expect(created[0].n).toBe(16);
  });

  it('files documents into a Vorgang and audits edits of case file, Vorgang and document with old and new value', async () => {
    const cf = await caseFile();
    const v = await vorgang(cf.id, 'Antrag Außengastronomie');
    const doc = (await upload(cf.id, 'Antrag', v.id).expect(201)).body;
    expect(doc.vorgangId).toBe(v.id);

    let r = await t.http().patch(`/api/v1/case-files/${cf.id}`).set(as(anna)).send({ title: 'Café Müller, Außengastronomie', confidentiality: 'confidential', reason: 'Schutzbedarf geprüft' }).expect(200);
    expect(r.body).toMatchObject({ title: 'Café Müller, Außengastronomie', confidentiality: 'confidential' });
    const [cfEvent] = await events(cf.id, 'case_file.update');
    expect(cfEvent).toMatchObject({ actor_sub: 'anna.32', outcome: 'success', reason: 'Schutzbedarf geprüft' });
    expect(cfEvent.details.changes).toEqual([
      { field: 'title', old: 'Gaststättenerlaubnis Café Müller', new: 'Café Müller, Außengastronomie' },
      { field: 'confidentiality', old: 'internal', new: 'confidential' },
    ]);

    r = await t.http().patch(`/api/v1/vorgaenge/${v.id}`).set(as(anna)).send({ title: 'Antrag Außengastronomie 2026' }).expect(200);
    expect(r.body).toMatchObject({ title: 'Antrag Außengastronomie 2026', reference: v.reference });
    r = await t.http().patch(`/api/v1/vorgaenge/${v.id}`).set(as(anna)).send({ status: 'closed' }).expect(200);
    expect(r.body.status).toBe('closed');
    expect(r.body.closedAt).toEqual(expect.any(String));
    const vEvents = await events(v.id, 'vorgang.update');
    expect(vEvents.map((e: { details: { changes: unknown } }) => e.details.changes)).toEqual([
      [{ field: 'title', old: 'Antrag Außengastronomie', new: 'Antrag Außengastronomie 2026' }],
      [{ field: 'status', old: 'open', new: 'closed' }],
    ]);
    // a closed Vorgang takes no documents; reopened it does
    await upload(cf.id, 'Nachtrag', v.id).expect(409);
    await t.http().patch(`/api/v1/vorgaenge/${v.id}`).set(as(anna)).send({ status: 'open' }).expect(200);
    await upload(cf.id, 'Nachtrag', v.id).expect(201);

    r = await t.http().patch(`/api/v1/documents/${doc.id}`).set(as(anna)).send({ title: 'Antrag vom 3. März', documentType: 'antrag' }).expect(200);
    expect(r.body).toMatchObject({ title: 'Antrag vom 3. März', documentType: 'antrag' });
    const [docEvent] = await events(doc.id, 'document.update');
    expect(docEvent.details.changes).toEqual([
      { field: 'title', old: 'Antrag', new: 'Antrag vom 3. März' },
      { field: 'documentType', old: null, new: 'antrag' },
    ]);
    // an edit that changes nothing writes no event
    await t.http().patch(`/api/v1/documents/${doc.id}`).set(as(anna)).send({ title: 'Antrag vom 3. März' }).expect(200);
    expect(await events(doc.id, 'document.update')).toHaveLength(1);
    // the case file's history shows the changes
    const history = await t.http().get(`/api/v1/case-files/${cf.id}/history`).set(as(anna)).expect(200);
    expect(history.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['vorgang.create', 'vorgang.update', 'document.update', 'case_file.update']));
  });

  it('moves documents between Vorgänge and case files with a reason, audited in both case files', async () => {
    const cf = await caseFile(clerk);
    const v1 = await vorgang(cf.id, 'Antrag', clerk);
    const v2 = await vorgang(cf.id, 'Widerspruch', clerk);
    const doc = (await upload(cf.id, 'Schreiben', v1.id, clerk).expect(201)).body;

    let r = await t.http().post(`/api/v1/documents/${doc.id}/move`).set(as(clerk)).send({ vorgangId: v2.id, reason: 'gehört zum Widerspruch' }).expect(200);
    expect(r.body).toMatchObject({ caseFileId: cf.id, vorgangId: v2.id });
    const [move] = await events(doc.id, 'document.move');
    expect(move).toMatchObject({ reason: 'gehört zum Widerspruch', case_file_id: cf.id });
    expect(move.details.changes).toEqual([{ field: 'vorgang', old: v1.reference, new: v2.reference }]);

    // out of any Vorgang
    r = await t.http().post(`/api/v1/documents/${doc.id}/move`).set(as(clerk)).send({ vorgangId: null, reason: 'betrifft die ganze Akte' }).expect(200);
    expect(r.body.vorgangId).toBeNull();

    // to a case file of another department (the clerk works for both)
    const target = await caseFile(clerk, '50.1', 'Hilfe zum Lebensunterhalt');
    const tv = await vorgang(target.id, 'Antrag', clerk);
    r = await t.http().post(`/api/v1/documents/${doc.id}/move`).set(as(clerk)).send({ caseFileId: target.id, vorgangId: tv.id, reason: 'falsch zugeordnet' }).expect(200);
    expect(r.body).toMatchObject({ caseFileId: target.id, vorgangId: tv.id, departmentCode: '50' });
    const moves = await events(doc.id, 'document.move');
    expect(moves.slice(2).map((e: { case_file_id: string }) => e.case_file_id).sort()).toEqual([cf.id, target.id].sort());
    expect(moves[2].details.changes).toEqual([
      { field: 'caseFile', old: cf.reference, new: target.reference },
      { field: 'vorgang', old: null, new: tv.reference },
    ]);
    // now department 50's document: anna no longer finds it
    await t.http().get(`/api/v1/documents/${doc.id}`).set(as(anna)).expect(404);

    // a Vorgang of another case file is refused, the reason is required, the same place is refused
    await t.http().post(`/api/v1/documents/${doc.id}/move`).set(as(clerk)).send({ vorgangId: v1.id, reason: 'Versuch' }).expect(400);
    await t.http().post(`/api/v1/documents/${doc.id}/move`).set(as(clerk)).send({ vorgangId: null }).expect(400);
    await t.http().post(`/api/v1/documents/${doc.id}/move`).set(as(clerk)).send({ vorgangId: tv.id, reason: 'noch einmal' }).expect(400);
    expect(await events(doc.id, 'document.move')).toHaveLength(4);
  });

  it('hides another department’s Vorgänge (404, denied event) and refuses records managers (403)', async () => {
    const cf = await caseFile();
    const v = await vorgang(cf.id);
    const doc = (await upload(cf.id, 'Antrag', v.id).expect(201)).body;
    await t.http().post(`/api/v1/case-files/${cf.id}/vorgaenge`).set(as(bernd)).send({ title: 'x' }).expect(404);
    await t.http().patch(`/api/v1/vorgaenge/${v.id}`).set(as(bernd)).send({ title: 'x' }).expect(404);
    await t.http().patch(`/api/v1/case-files/${cf.id}`).set(as(bernd)).send({ title: 'x' }).expect(404);
    await t.http().patch(`/api/v1/documents/${doc.id}`).set(as(bernd)).send({ title: 'x' }).expect(404);
    await t.http().post(`/api/v1/documents/${doc.id}/move`).set(as(bernd)).send({ vorgangId: null, reason: 'Versuch' }).expect(404);
    // moving into another department's case file: its case file is not found
    const foreign = await caseFile(bernd, '50.1', 'Fremde Akte');
    await t.http().post(`/api/v1/documents/${doc.id}/move`).set(as(anna)).send({ caseFileId: foreign.id, reason: 'Versuch' }).expect(404);
    const denied = await ds.query(`SELECT action, object_type FROM audit_events WHERE outcome = 'denied' AND actor_sub = 'bernd.50' AND (object_id = $1 OR object_id = $2 OR object_id = $3)`, [cf.id, v.id, doc.id]);
    expect(denied.length).toBeGreaterThanOrEqual(5);
    expect(denied.map((d: { object_type: string }) => d.object_type)).toEqual(expect.arrayContaining(['vorgang', 'case_file', 'document']));
    await t.http().patch(`/api/v1/vorgaenge/${v.id}`).set(as(rita)).send({ title: 'x' }).expect(403);
    // nothing changed
    const detail = await t.http().get(`/api/v1/case-files/${cf.id}`).set(as(anna)).expect(200);
    expect(detail.body.vorgaenge).toHaveLength(1);
    expect(detail.body.vorgaenge[0].title).toBe('Antrag');
  });

  it('answers bad input with 400 and the field', async () => {
    const cf = await caseFile();
    const v = await vorgang(cf.id);
    let r = await t.http().post(`/api/v1/case-files/${cf.id}/vorgaenge`).set(as(anna)).send({ title: '' }).expect(400);
    expect(r.body.error.code).toBeDefined();
    await t.http().post(`/api/v1/case-files/${cf.id}/vorgaenge`).set(as(anna)).send({}).expect(400);
    await t.http().post(`/api/v1/case-files/${cf.id}/vorgaenge`).set(as(anna)).send({ title: 'a\u0000b' }).expect(400);
    await t.http().post(`/api/v1/case-files/not-a-uuid/vorgaenge`).set(as(anna)).send({ title: 'x' }).expect(400);
    await t.http().patch(`/api/v1/vorgaenge/${v.id}`).set(as(anna)).send({ status: 'archived' }).expect(400);
    await t.http().patch(`/api/v1/vorgaenge/${v.id}`).set(as(anna)).send({}).expect(400);
    await t.http().patch(`/api/v1/case-files/${cf.id}`).set(as(anna)).send({ confidentiality: 'streng geheim' }).expect(400);
    await t.http().patch(`/api/v1/case-files/${cf.id}`).set(as(anna)).send({}).expect(400);
    r = await upload(cf.id, 'Antrag', 'kein-uuid').expect(400);
    const doc = (await upload(cf.id, 'Antrag').expect(201)).body;
    await t.http().patch(`/api/v1/documents/${doc.id}`).set(as(anna)).send({ documentType: 'Antrag!' }).expect(400);
    await t.http().post(`/api/v1/documents/${doc.id}/move`).set(as(anna)).send({ vorgangId: 'x', reason: 'Grund' }).expect(400);
    // a Vorgang of another case file cannot take the upload
    const other = await caseFile();
    const ov = await vorgang(other.id);
    await upload(cf.id, 'Antrag', ov.id).expect(400);
    // unknown Vorgang: not found
    await t.http().patch(`/api/v1/vorgaenge/00000000-0000-4000-8000-000000000000`).set(as(anna)).send({ title: 'x' }).expect(404);
    // a closed case file takes no new Vorgänge, and closing it closed its Vorgänge
    await t.http().post(`/api/v1/case-files/${cf.id}/close`).set(as(anna)).expect(200);
    await t.http().post(`/api/v1/case-files/${cf.id}/vorgaenge`).set(as(anna)).send({ title: 'x' }).expect(409);
    const detail = await t.http().get(`/api/v1/case-files/${cf.id}`).set(as(anna)).expect(200);
    expect(detail.body.vorgaenge[0]).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
  });

  it('hands a case file with Vorgänge and metadata changes over in a 0503 that validates against the XSD', async () => {
    const unit = `32.8.${Date.now().toString(36)}`;
    await t.http().post('/api/v1/file-plan').set(as(rita)).send({ code: unit, title: 'Archivwürdig', parentCode: '32', departmentCode: '32', retention: { years: 0, trigger: 'closed', disposal: 'archive' } }).expect(201);
    const cf = await caseFile(anna, unit, 'Sondernutzung Marktplatz');
    const v1 = await vorgang(cf.id, 'Antrag');
    const v2 = await vorgang(cf.id, 'Widerspruch');
    const inV1 = (await upload(cf.id, 'Antrag', v1.id).expect(201)).body;
    const loose = (await upload(cf.id, 'Aktenvermerk').expect(201)).body;
    await t.http().patch(`/api/v1/vorgaenge/${v2.id}`).set(as(anna)).send({ title: 'Widerspruch vom 4. Mai' }).expect(200);
    await t.http().patch(`/api/v1/case-files/${cf.id}`).set(as(anna)).send({ confidentiality: 'confidential' }).expect(200);
    await t.http().patch(`/api/v1/documents/${inV1.id}`).set(as(anna)).send({ documentType: 'antrag' }).expect(200);
    await t.http().post(`/api/v1/case-files/${cf.id}/close`).set(as(anna)).expect(200);
    await new Promise((r) => setTimeout(r, 5));
    await t.http().post('/api/v1/disposal/sweep').set(as(rita)).expect(200);
    const offer = (await t.http().post('/api/v1/disposal/offers').set(as(rita)).send({ caseFileIds: [cf.id] }).expect(201)).body;
    const validator = new XdomeaValidator({ retention: { xdomeaSchemaDir: SCHEMA_DIR } } as AppConfig);
    // the offer list (0501) names the Vorgänge too, without documents
    const z501 = await t.http().get(`/api/v1/disposal/offers/${offer.id}/0501`).set(as(rita)).buffer(true).parse(binary).expect(200);
    const xml501 = (await unzip(z501.body)).get(`${offer.processId}_Aussonderung.Anbieteverzeichnis.0501.xml`)!.toString('utf8');
    expect(await validator.validate(xml501, '0501')).toMatchObject({ xsd: true, errors: [] });
    expect(xml501).toContain(`<xdomea:Kennzeichen>${v2.reference}</xdomea:Kennzeichen>`);
    expect(xml501).not.toContain(inV1.id);
    const header = { processId: offer.processId, createdAt: new Date(), senderName: 'Stadtarchiv', archiveName: 'Stadtverwaltung' };
    await t.http().post(`/api/v1/disposal/offers/${offer.id}/appraisal`).set(as(rita)).set('Content-Type', 'application/xml').send(build0502(header, [{ id: cf.id, code: 'A' }])).expect(200);
    await t.http().post(`/api/v1/disposal/offers/${offer.id}/execute`).set(as(rita)).expect(200);
    const zip = await t.http().get(`/api/v1/disposal/offers/${offer.id}/0503`).set(as(rita)).buffer(true).parse(binary).expect(200);
    const xml = (await unzip(zip.body)).get(`${offer.processId}_Aussonderung.Aussonderung.0503.xml`)!.toString('utf8');

    const check = await validator.validate(xml, '0503');
    expect(check.xsd).toBe(true);
    expect(check.errors).toEqual([]);
    // Akte → Vorgang → Dokument; the loose document directly in the Akteninhalt, before the Vorgänge
    const inhalt = xml.slice(xml.indexOf('<xdomea:Akteninhalt>'));
    expect(inhalt.indexOf(`<xdomea:ID>${loose.id}</xdomea:ID>`)).toBeLessThan(inhalt.indexOf(`<xdomea:ID>${v1.id}</xdomea:ID>`));
    const v1Block = inhalt.slice(inhalt.indexOf(`<xdomea:ID>${v1.id}</xdomea:ID>`), inhalt.indexOf(`<xdomea:ID>${v2.id}</xdomea:ID>`));
    expect(v1Block).toContain(`<xdomea:Kennzeichen>${v1.reference}</xdomea:Kennzeichen>`);
    expect(v1Block).toContain(`<xdomea:ID>${inV1.id}</xdomea:ID>`);
    expect(xml).toContain('<xdomea:Betreff>Widerspruch vom 4. Mai</xdomea:Betreff>');
    // HistorienProtokollInformation with the changed field, old and new value
    expect(xml).toMatch(/<xdomea:MetadatumName>confidentiality<\/xdomea:MetadatumName>\s*<xdomea:MetadatumAlterWert>internal<\/xdomea:MetadatumAlterWert>\s*<xdomea:MetadatumNeuerWert>confidential<\/xdomea:MetadatumNeuerWert>/);
    expect(xml).toMatch(/<xdomea:MetadatumName>title<\/xdomea:MetadatumName>\s*<xdomea:MetadatumAlterWert>Widerspruch<\/xdomea:MetadatumAlterWert>/);
    expect(xml).toMatch(/<xdomea:MetadatumName>documentType<\/xdomea:MetadatumName>\s*<xdomea:MetadatumNeuerWert>antrag<\/xdomea:MetadatumNeuerWert>/);
  });
});
