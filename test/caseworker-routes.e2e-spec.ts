import { DataSource } from 'typeorm';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, users } from './support/app';

/**
 * The routes the caseworker's screens need beyond the records core: the case-file list's file
 * plan unit and text filters (the inbox's case-file picker types into the text filter), the
 * inbox's suggestion with its reasons and suggested case file, and forwarding a letter to another
 * department's inbox.
 */
describe('caseworker routes (e2e)', () => {
  let t: TestApp;
  let ds: DataSource;
  let anna: string;
  let bernd: string;
  let rita: string;
  const stamp = `${Date.now()}`.slice(-6);

  beforeAll(async () => {
    t = await startApp(RecordsApiModule);
    ds = t.app.get(DataSource);
    anna = await t.token(users.caseworker32);
    bernd = await t.token(users.caseworker50);
    rita = await t.token(users.recordsManager);
  });
  afterAll(() => t?.close());

  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string) => t.http().post(path).set('Authorization', `Bearer ${token}`),
  });
  const create = async (token: string, filePlanCode: string, title: string) =>
    (await as(token).post('/api/v1/case-files').send({ filePlanCode, title }).expect(201)).body as { id: string; reference: string; title: string };

  /** A letter waiting in a department's inbox with the pipeline's classification (the pipeline itself runs in ingest.e2e-spec). */
  async function inboxLetter(departmentCode: string, classification: Record<string, unknown>): Promise<string> {
    const [row] = await ds.query(
      `INSERT INTO documents (title, status, source, department_code, classification, created_by)
       VALUES ('Widerspruch gegen den Bescheid', 'needs_review', 'scan', $1, $2, 'test') RETURNING id`,
      [departmentCode, JSON.stringify(classification)],
    );
    return row.id;
  }

  it('finds case files by part of the Aktenzeichen or title words, within the caller\'s departments', async () => {
    const cafe = await create(anna, '32.1.2', `Gaststättenerlaubnis Café Zitrone ${stamp}`);
    const imbiss = await create(anna, '32.1.2', `Gaststättenerlaubnis Imbiss Zitrone ${stamp}`);
    const fine = await create(anna, '32.2.1', `Bußgeld Parken ${stamp}`);
    const social = await create(bernd, '50.1.1', `Hilfe Zitrone ${stamp}`);
    await as(anna).post(`/api/v1/case-files/${imbiss.id}/close`).expect(200);
    const refs = (body: { items: Array<{ reference: string }> }) => body.items.map((i) => i.reference).sort();

    // title words, in any order, case-insensitive; only department 32 for anna
    let res = await as(anna).get('/api/v1/case-files').query({ q: `zitrone ${stamp}` }).expect(200);
    expect(refs(res.body)).toEqual([cafe.reference, imbiss.reference].sort());
    expect(res.body.total).toBe(2);
    // open files only (the picker for filing)
    res = await as(anna).get('/api/v1/case-files').query({ q: `ZITRONE ${stamp}`, status: 'open' }).expect(200);
    expect(refs(res.body)).toEqual([cafe.reference]);
    expect(res.body.total).toBe(1);
    // part of the Aktenzeichen: its running number, or its start
    const runningNo = cafe.reference.split('/').pop()!;
    res = await as(anna).get('/api/v1/case-files').query({ q: `/${runningNo}`, departmentCode: '32' }).expect(200);
    expect(refs(res.body)).toContain(cafe.reference);
    expect(res.body.items.every((i: { reference: string }) => i.reference.includes(`/${runningNo}`))).toBe(true);
    res = await as(anna).get('/api/v1/case-files').query({ q: cafe.reference.slice(0, -1), pageSize: 100 }).expect(200);
    expect(refs(res.body)).toContain(cafe.reference);
    // LIKE wildcards are plain characters
    res = await as(anna).get('/api/v1/case-files').query({ q: '%' }).expect(200);
    expect(res.body.total).toBe(0);
    // the other department's case file is not found for anna, but for its own caseworker and the records manager
    res = await as(bernd).get('/api/v1/case-files').query({ q: `zitrone ${stamp}` }).expect(200);
    expect(refs(res.body)).toEqual([social.reference]);
    res = await as(rita).get('/api/v1/case-files').query({ q: `zitrone ${stamp}` }).expect(200);
    expect(res.body.total).toBe(3);

    // file plan unit: the unit and the units below it
    res = await as(anna).get('/api/v1/case-files').query({ filePlanCode: '32.2', q: stamp }).expect(200);
    expect(refs(res.body)).toEqual([fine.reference]);
    res = await as(anna).get('/api/v1/case-files').query({ filePlanCode: '32', q: stamp }).expect(200);
    expect(res.body.total).toBe(3);
    res = await as(anna).get('/api/v1/case-files').query({ filePlanCode: '32.1.2', q: stamp, pageSize: 1, page: 2 }).expect(200);
    expect(res.body).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(res.body.items).toHaveLength(1);

    await as(anna).get('/api/v1/case-files').query({ q: 'x'.repeat(201) }).expect(400);
  });

  it('shows each inbox letter\'s suggestion with its reasons and the suggested case file', async () => {
    const target = await create(anna, '32.1.2', `Gaststättenerlaubnis Sonne ${stamp}`);
    const foreign = await create(bernd, '50.1.1', `Wohngeld Mond ${stamp}`);
    const withFile = await inboxLetter('32', {
      documentType: 'widerspruch',
      departmentCode: '32',
      caseFileReference: target.reference,
      confidence: 0.64,
      documentTypeConfidence: 0.9,
      reasons: [`reference ${target.reference} belongs to department 32, but the scan centre routed the letter to 50`, 'document type widerspruch (p=0.90): widerspruch', 'something new'],
    });
    const quotingForeign = await inboxLetter('32', { documentType: null, departmentCode: '32', caseFileReference: foreign.reference, confidence: 0.3, reasons: [] });
    const res = await as(anna).get('/api/v1/inbox').query({ departmentCode: '32', pageSize: 100 }).expect(200);
    const item = res.body.items.find((i: { id: string }) => i.id === withFile);
    expect(item.suggestion).toEqual({
      departmentCode: '32',
      documentType: 'widerspruch',
      documentTypeConfidence: 0.9,
      confidence: 0.64,
      caseFileReference: target.reference,
      caseFile: { id: target.id, reference: target.reference, title: target.title, departmentCode: '32', status: 'open' },
      reasons: [
        { code: 'reference_other_department', params: { reference: target.reference, departmentCode: '32', routedTo: '50' }, text: expect.any(String) },
        { code: 'document_type_predicted', params: { documentType: 'widerspruch', probability: '0.90', evidence: 'widerspruch' }, text: expect.any(String) },
        { code: 'other', params: {}, text: 'something new' },
      ],
    });
    expect(item.forwarded).toBeNull();
    // a quoted case file of another department: the reference (it is on the letter), not the file
    const other = res.body.items.find((i: { id: string }) => i.id === quotingForeign);
    expect(other.suggestion).toMatchObject({ caseFileReference: foreign.reference, caseFile: null });
  });

  it('forwards a letter to another department\'s inbox: audited, only by the inbox\'s caseworkers', async () => {
    const id = await inboxLetter('32', { documentType: 'widerspruch', departmentCode: '32', caseFileReference: null, confidence: 0.4, reasons: ['no file reference found'] });
    // refusals: another department (not found, denied attempt recorded), unknown or same department, bad input
    await as(bernd).post(`/api/v1/documents/${id}/forward`).set('X-Request-Id', `fwd-denied-${stamp}`).send({ departmentCode: '50' }).expect(404);
    const [denied] = await ds.query(`SELECT outcome FROM audit_events WHERE request_id = $1`, [`fwd-denied-${stamp}`]);
    expect(denied).toEqual({ outcome: 'denied' });
    await as(rita).post(`/api/v1/documents/${id}/forward`).send({ departmentCode: '50' }).expect(403);
    const unknown = await as(anna).post(`/api/v1/documents/${id}/forward`).send({ departmentCode: '99' }).expect(400);
    expect(unknown.body.error.message).toMatch(/unknown department 99/);
    await as(anna).post(`/api/v1/documents/${id}/forward`).send({ departmentCode: '32' }).expect(409);
    await as(anna).post(`/api/v1/documents/${id}/forward`).send({}).expect(400);
    await as(anna).post(`/api/v1/documents/${id}/forward`).send({ departmentCode: '50', comment: 'a\u0000b' }).expect(400);

    const res = await as(anna).post(`/api/v1/documents/${id}/forward`).set('X-Request-Id', `fwd-${stamp}`).send({ departmentCode: '50', comment: 'Wohngeld: Sozialamt' }).expect(200);
    expect(res.body).toMatchObject({ id, departmentCode: '50', status: 'needs_review', forwarded: { fromDepartmentCode: '32', toDepartmentCode: '50', by: users.caseworker32.sub, comment: 'Wohngeld: Sozialamt' } });
    const [event] = await ds.query(`SELECT action, outcome, reason, details FROM audit_events WHERE request_id = $1 AND action = 'document.forward'`, [`fwd-${stamp}`]);
    expect(event).toMatchObject({ outcome: 'success', reason: 'Wohngeld: Sozialamt', details: { from: '32', to: '50' } });

    // gone from 32's inbox, waiting in 50's with the note and the original suggestion
    const inbox32 = await as(anna).get('/api/v1/inbox').query({ departmentCode: '32', pageSize: 100 }).expect(200);
    expect(inbox32.body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    const inbox50 = await as(bernd).get('/api/v1/inbox').query({ departmentCode: '50', pageSize: 100 }).expect(200);
    const arrived = inbox50.body.items.find((i: { id: string }) => i.id === id);
    expect(arrived.forwarded).toMatchObject({ fromDepartmentCode: '32', toDepartmentCode: '50', byName: users.caseworker32.name, comment: 'Wohngeld: Sozialamt' });
    expect(arrived.suggestion.reasons).toEqual([{ code: 'no_reference', params: {}, text: 'no file reference found' }]);
    // now anna may no longer forward it, and a filed letter is not in an inbox
    await as(anna).post(`/api/v1/documents/${id}/forward`).send({ departmentCode: '33' }).expect(404);
    const social = await create(bernd, '50.1.1', `Wohngeld ${stamp}`);
    await as(bernd).post(`/api/v1/documents/${id}/filing`).send({ caseFileId: social.id }).expect(200);
    await as(bernd).post(`/api/v1/documents/${id}/forward`).send({ departmentCode: '32' }).expect(409);
  });
});
