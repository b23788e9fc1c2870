import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, users } from './support/app';

/**
 * German full-text search over real PostgreSQL: the DocumentSearch migration's triggers build the
 * vectors from what the ingest pipeline writes (title, type, OCR text, case file reference).
 * Every document carries a marker word unique to this run, so other suites' data never interferes.
 */
describe('search API (e2e)', () => {
  let t: TestApp;
  let ds: DataSource;
  let anna: string;
  let bernd: string;
  const marker = `zq${randomBytes(4).toString('hex')}x`;

  interface DocInput {
    title: string;
    text?: string | null;
    departmentCode?: string;
    caseFileId?: string | null;
    documentType?: string | null;
    status?: string;
    createdAt?: string;
  }
  const insertDocument = async (d: DocInput): Promise<string> => {
    const [row] = await ds.query(
      `INSERT INTO documents (case_file_id, department_code, title, document_type, status, source, text_content, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, 'scan', $6, 'test', coalesce($7::timestamptz, now())) RETURNING id`,
      [d.caseFileId ?? null, d.departmentCode ?? '32', d.title, d.documentType ?? null, d.status ?? 'filed', d.text ?? null, d.createdAt ?? null],
    );
    return row.id;
  };
  const createCaseFile = async (token: string, filePlanCode: string, title: string): Promise<{ id: string; reference: string }> =>
    (await t.http().post('/api/v1/case-files').set('Authorization', `Bearer ${token}`).send({ filePlanCode, title }).expect(201)).body;
  const search = (token: string, query: Record<string, string | number>) =>
    t.http().get('/api/v1/search').query(query).set('Authorization', `Bearer ${token}`);
  const ids = (body: { items: { documentId: string }[] }) => body.items.map((i) => i.documentId);

  let caseFile32: { id: string; reference: string };
  const doc: Record<string, string> = {};

  beforeAll(async () => {
    // a small candidate limit, so that the widening window and the cap are exercised with few documents
    t = await startApp(RecordsApiModule, { env: { SEARCH_CANDIDATES: '20' } });
    ds = t.app.get(DataSource);
    anna = await t.token(users.caseworker32);
    bernd = await t.token(users.caseworker50);
    caseFile32 = await createCaseFile(anna, '32.1.2', `Gaststättenerlaubnis Café Müller ${marker}`);
    const caseFile50 = await createCaseFile(bernd, '50.1.1', `Hilfe zum Lebensunterhalt ${marker}`);

    doc.antrag = await insertDocument({
      caseFileId: caseFile32.id,
      title: 'Antrag auf Erteilung einer Gaststättenerlaubnis',
      documentType: 'antrag',
      text: `Stadt Musterstadt\nOrdnungsamt\nBetreff: Gaststättenerlaubnis\n\nSehr geehrte Damen und Herren,\nhiermit stelle ich den Antrag auf Erteilung einer Erlaubnis für das Café in der Hauptstraße 5. ${marker}\nMit freundlichen Grüßen\nMaria Müller`,
      createdAt: '2026-03-10T09:00:00Z',
    });
    doc.widerspruch = await insertDocument({
      caseFileId: caseFile32.id,
      title: 'Widerspruch gegen den Gebührenbescheid',
      documentType: 'widerspruch',
      text: `Sehr geehrte Damen und Herren,\ngegen Ihren Bescheid lege ich Widerspruch ein. Die Gebühren für die Sondernutzung der Straße sind zu hoch. ${marker}`,
      createdAt: '2026-05-20T09:00:00Z',
    });
    // the word only deep in the body, once: must rank below a title match
    doc.bodyOnly = await insertDocument({
      caseFileId: caseFile32.id,
      title: 'Schreiben zur Außengastronomie',
      documentType: 'anfrage',
      text: `${'Die Außengastronomie ist bis 22 Uhr gestattet. '.repeat(30)} Nebenbei: ein Widerspruch ist nicht geplant. ${marker}`,
      createdAt: '2026-06-01T09:00:00Z',
    });
    // waiting in department 32's inbox, quoting the case file's reference
    doc.inbox = await insertDocument({
      caseFileId: null,
      status: 'needs_review',
      title: 'Eingangspost ohne Zuordnung',
      documentType: 'mahnung',
      text: `Ihr Zeichen: ${caseFile32.reference.replace('-', ' - ')}\nBetreff: Mahnung wegen offener Rechnungen ${marker}`,
      createdAt: '2026-07-01T09:00:00Z',
    });
    // another department: never visible to Anna
    doc.other = await insertDocument({
      caseFileId: caseFile50.id,
      departmentCode: '50',
      title: 'Antrag auf Leistungen',
      documentType: 'antrag',
      text: `Ich stelle einen Antrag auf Hilfe zum Lebensunterhalt. ${marker}`,
    });
    // not searchable: rejected at upload, still being processed
    doc.rejected = await insertDocument({ title: 'Antrag (abgelehnte Datei)', status: 'rejected', text: `Antrag ${marker}` });
    doc.queued = await insertDocument({ title: 'Antrag (in Bearbeitung)', status: 'queued', text: null });
  });
  afterAll(() => t?.close());

  it('finds inflected forms (Anträge → Antrag) and folds umlauts and ß', async () => {
    const stemmed = await search(anna, { q: `Anträge ${marker}` }).expect(200);
    expect(ids(stemmed.body)).toEqual(expect.arrayContaining([doc.antrag]));
    expect(ids(stemmed.body)).not.toContain(doc.other);

    const street = await search(anna, { q: `Hauptstrasse ${marker}` }).expect(200);
    expect(ids(street.body)).toEqual([doc.antrag]);
    const upper = await search(anna, { q: `GASTSTÄTTENERLAUBNIS ${marker}` }).expect(200);
    expect(ids(upper.body)).toEqual([doc.antrag]);
    const plural = await search(anna, { q: `Gebühr ${marker}` }).expect(200);
    expect(ids(plural.body)).toEqual([doc.widerspruch]);
  });

  it('finds documents by Aktenzeichen, whole or in parts, including letters that quote it', async () => {
    const whole = await search(anna, { q: caseFile32.reference }).expect(200);
    expect(ids(whole.body)).toEqual(expect.arrayContaining([doc.antrag, doc.widerspruch, doc.bodyOnly, doc.inbox]));
    expect(whole.body.items.find((i: { documentId: string }) => i.documentId === doc.antrag)).toMatchObject({ reference: caseFile32.reference, caseFileId: caseFile32.id, departmentCode: '32' });
    // the reference is highlighted where the text quotes it, even with spaces around the dash
    const quoted = whole.body.items.find((i: { documentId: string }) => i.documentId === doc.inbox);
    expect(quoted.snippet).toMatch(/Zeichen: <mark>32\.1\.2<\/mark> - <mark>\d{4}\/\d{5}<\/mark>/);

    const [, yearAndNumber] = caseFile32.reference.split('-'); // 2026/00017
    const part = await search(anna, { q: `${yearAndNumber} ${marker}` }).expect(200);
    expect(ids(part.body)).toEqual(expect.arrayContaining([doc.antrag, doc.inbox]));
    const labelled = await search(anna, { q: `Az. ${caseFile32.reference.replace('/', ' / ')} Mahnung` }).expect(200);
    expect(ids(labelled.body)).toEqual([doc.inbox]);
    expect(labelled.body.items[0]).toMatchObject({ caseFileId: null, reference: null });
  });

  it('follows a renumbered case file and text that arrives after OCR', async () => {
    const own = `${marker}u`;
    const cf = await createCaseFile(anna, '32.1.2', `Umzug ${own}`);
    const id = await insertDocument({ caseFileId: cf.id, title: 'Scan', status: 'filed', text: null });
    expect(ids((await search(anna, { q: `Umzugsunternehmen ${own}` }).expect(200)).body)).toEqual([]);
    await ds.query(`UPDATE documents SET text_content = $2 WHERE id = $1`, [id, `Anmeldung eines Umzugsunternehmens ${own}`]);
    expect(ids((await search(anna, { q: `Umzugsunternehmen ${own}` }).expect(200)).body)).toEqual([id]);

    const renumbered = `32.1.2-1999/${marker.slice(2, 7)}`;
    await ds.query(`UPDATE case_files SET reference = $2 WHERE id = $1`, [cf.id, renumbered]);
    expect(ids((await search(anna, { q: renumbered }).expect(200)).body)).toEqual([id]);
    expect(ids((await search(anna, { q: cf.reference }).expect(200)).body)).not.toContain(id);
  });

  it('never returns another department’s documents, not even when asked for by departmentCode', async () => {
    const own = await search(anna, { q: marker }).expect(200);
    expect(ids(own.body).sort()).toEqual([doc.antrag, doc.widerspruch, doc.bodyOnly, doc.inbox].sort());
    expect(own.body.items.every((i: { departmentCode: string }) => i.departmentCode === '32')).toBe(true);

    const denied = await search(anna, { q: marker, departmentCode: '50' }).set('X-Request-Id', `search-denied-${marker}`).expect(403);
    expect(denied.body.error.code).toBe('Forbidden');
    const [event] = await ds.query(`SELECT action, outcome FROM audit_events WHERE request_id = $1`, [`search-denied-${marker}`]);
    expect(event).toEqual({ action: 'access.denied', outcome: 'denied' });

    const theirs = await search(bernd, { q: `Antrag ${marker}` }).expect(200);
    expect(ids(theirs.body)).toEqual([doc.other]);
    await search(await t.token(users.recordsManager), { q: marker }).expect(403);
    await search(await t.token(users.auditor), { q: marker }).expect(403);
    await t.http().get('/api/v1/search').query({ q: marker }).expect(401);
  });

  it('leaves out documents that are rejected or still being processed', async () => {
    const res = await search(anna, { q: `Antrag ${marker}` }).expect(200);
    expect(ids(res.body)).not.toContain(doc.rejected);
    expect(ids(res.body)).not.toContain(doc.queued);
  });

  it('filters by department, document type and period', async () => {
    expect(ids((await search(anna, { q: marker, departmentCode: '32', documentType: 'widerspruch' }).expect(200)).body)).toEqual([doc.widerspruch]);
    expect(ids((await search(anna, { q: marker, from: '2026-05-01', to: '2026-05-31' }).expect(200)).body)).toEqual([doc.widerspruch]);
    // `to` as a date includes that day; as a date-time it is exclusive
    expect(ids((await search(anna, { q: marker, from: '2026-05-21', to: '2026-06-01' }).expect(200)).body)).toEqual([doc.bodyOnly]);
    expect(ids((await search(anna, { q: marker, from: '2026-05-21', to: '2026-06-01T09:00:00Z' }).expect(200)).body)).toEqual([]);
    expect(ids((await search(anna, { q: marker, documentType: 'kuendigung' }).expect(200)).body)).toEqual([]);
  });

  it('ranks title matches above a passing mention and highlights matches in the snippet', async () => {
    const word = `${marker}r`;
    const filler = 'Die Außengastronomie ist bis 22 Uhr gestattet. '.repeat(30);
    const mention = await insertDocument({ title: 'Schreiben zur Außengastronomie', text: `${filler} Nebenbei erwähnt: ${word}.`, createdAt: '2026-08-02T00:00:00Z' });
    const inTitle = await insertDocument({ title: `Widerspruch ${word}`, text: `Sehr geehrte Damen und Herren, hiermit lege ich Widerspruch ${word} ein.`, createdAt: '2026-08-01T00:00:00Z' });
    const inType = await insertDocument({ title: 'Schreiben', documentType: 'kuendigung', text: `Betreff: ${word}`, createdAt: '2026-08-03T00:00:00Z' });
    const res = await search(anna, { q: word }).expect(200);
    expect(ids(res.body)).toEqual([inTitle, inType, mention]);
    const [first, , last] = res.body.items;
    expect(first.rank).toBeGreaterThan(last.rank);
    expect(first.snippet).toContain(`<mark>${word}</mark>`);
    // a match deep in a long text is still found for the snippet, and the snippet stays short
    expect(last.snippet).toContain(`<mark>${word}</mark>`);
    expect(last.snippet.length).toBeLessThan(600);
    expect(res.body).toMatchObject({ page: 1, pageSize: 20, total: 3, totalCapped: false, hasMore: false });

    const both = await search(anna, { q: `Widerspruch ${marker}` }).expect(200);
    expect(ids(both.body).sort()).toEqual([doc.widerspruch, doc.bodyOnly].sort());
    expect(both.body.items[0].snippet).toContain('<mark>Widerspruch</mark>');
    // the type code "kuendigung" is found by the German word
    expect(ids((await search(anna, { q: `Kündigung ${word}` }).expect(200)).body)).toEqual([inType]);

    const mahnung = await search(anna, { q: `Mahnungen ${marker}` }).expect(200);
    expect(mahnung.body.items[0].snippet).toMatch(/<mark>Mahnung<\/mark>/);
  });

  it('pages through the ranked matches', async () => {
    const p1 = await search(anna, { q: marker, pageSize: 3 }).expect(200);
    const p2 = await search(anna, { q: marker, pageSize: 3, page: 2 }).expect(200);
    expect(p1.body).toMatchObject({ page: 1, pageSize: 3, total: 4, hasMore: true });
    expect(p2.body).toMatchObject({ page: 2, total: 4, hasMore: false });
    expect(p2.body.items).toHaveLength(1);
    expect(new Set([...ids(p1.body), ...ids(p2.body)]).size).toBe(4);
    const beyond = await search(anna, { q: marker, pageSize: 3, page: 3 }).expect(200);
    expect(beyond.body).toMatchObject({ items: [], total: 4, hasMore: false });
  });

  it('ranks the newest matches: widens its window month by month, caps the total, finds old rare documents', async () => {
    const word = `${marker}w`;
    const now = new Date();
    // one letter a month for 30 months, newest first in the answer
    const monthly: string[] = [];
    for (let i = 0; i < 30; i++) {
      const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 10));
      monthly.push(await insertDocument({ title: `Schreiben ${i}`, text: `Laufende Angelegenheit ${word}`, createdAt: at.toISOString() }));
    }
    const res = await search(anna, { q: word, pageSize: 50 }).expect(200);
    expect(res.body).toMatchObject({ total: 20, totalCapped: true, hasMore: false });
    expect(ids(res.body)).toEqual(monthly.slice(0, 20));

    const old = await insertDocument({ title: 'Altakte', text: `Ein sehr altes Schreiben ${word}x`, createdAt: '2009-02-03T00:00:00Z' });
    expect(ids((await search(anna, { q: `${word}x` }).expect(200)).body)).toEqual([old]);
    // within an explicit period, the window starts at its end
    const monthStart = (back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString();
    const period = await search(anna, { q: word, from: monthStart(26), to: monthStart(23) }).expect(200);
    expect(ids(period.body)).toEqual(monthly.slice(24, 27));
  });

  it('audits every search with its query, filters and result count', async () => {
    const requestId = `search-audit-${marker}`;
    await search(anna, { q: `Widerspruch ${marker}`, documentType: 'widerspruch' }).set('X-Request-Id', requestId).expect(200);
    const [event] = await ds.query(`SELECT action, outcome, actor_sub, object_type, details FROM audit_events WHERE request_id = $1`, [requestId]);
    expect(event).toMatchObject({ action: 'search', outcome: 'success', actor_sub: 'anna.32', object_type: 'search' });
    expect(event.details).toMatchObject({ q: `Widerspruch ${marker}`, documentType: 'widerspruch', departments: ['32'], resultCount: 1, total: 1, documentIds: [doc.widerspruch] });
  });

  it('answers bad queries with 400 and a reason', async () => {
    const bad = async (query: Record<string, string | number>, field: string) => {
      const res = await search(anna, query).expect(400);
      expect(res.body.error.code).toBe('ValidationFailed');
      expect(JSON.stringify(res.body.error.details)).toContain(field);
    };
    await bad({}, 'q');
    await bad({ q: '' }, 'q');
    await bad({ q: '   ' }, 'q');
    await bad({ q: 'Antrag '.repeat(40) }, 'q');
    await bad({ q: 'der die das und' }, 'stop word');
    await bad({ q: '-Antrag' }, 'excluded');
    await bad({ q: 'Antrag\u0000' }, 'control characters');
    await bad({ q: 'Antrag', from: '2026-13-45' }, 'from');
    await bad({ q: 'Antrag', to: 'gestern' }, 'to');
    await bad({ q: 'Antrag', from: '2026-06-01', to: '2026-05-01' }, 'from');
    await bad({ q: 'Antrag', pageSize: 500 }, 'pageSize');
    await bad({ q: 'Antrag', departmentCode: "32' OR 1=1" }, 'departmentCode');
    await bad({ q: 'Antrag', sort: 'date' }, 'sort');
    // operators and stray quotes are not errors
    await search(anna, { q: `"Erteilung einer ${marker}` }).expect(200);
    await search(anna, { q: `Antrag & | ! ( :* ${marker}` }).expect(200);
  });
});
