import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, users } from './support/app';

function pdfBytes(text: string): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj <<>> endobj\n% ${text}\ntrailer <<>>\n%%EOF\n`, 'latin1');
}

function countObjects(dir: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (!p.endsWith('.part')) n++;
    }
  };
  walk(path.join(dir, 'sha256'));
  return n;
}

describe('records API (e2e)', () => {
  let t: TestApp;
  let anna: string;
  let bernd: string;
  let rita: string;

  beforeAll(async () => {
    // its own storage directory: the suite counts objects, and other suites upload concurrently
    t = await startApp(RecordsApiModule, { env: { MAX_UPLOAD_MB: '1', STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'eakte-records-e2e-')) } });
    anna = await t.token(users.caseworker32);
    bernd = await t.token(users.caseworker50);
    rita = await t.token(users.recordsManager);
  });
  afterAll(() => t.close());

  const auditFor = async (requestId: string) =>
    t.app.get(DataSource).query('SELECT action, outcome, object_id, reason FROM audit_events WHERE request_id = $1 ORDER BY seq', [requestId]);

  it('walks a case file through create, upload, download, close and reopen', async () => {
    const created = await t.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Gaststättenerlaubnis Café Müller' }).expect(201);
    expect(created.body).toMatchObject({ title: 'Gaststättenerlaubnis Café Müller', departmentCode: '32', filePlanCode: '32.1.2', status: 'open' });
    expect(created.body.reference).toMatch(new RegExp(`^32\\.1\\.2-${new Date().getUTCFullYear()}/\\d{5}$`));
    const id = created.body.id;

    const content = pdfBytes('Antrag auf Erlaubnis');
    const up = await t.http().post(`/api/v1/case-files/${id}/documents`).set('Authorization', `Bearer ${anna}`).field('title', 'Antrag').field('documentType', 'antrag').attach('file', content, 'antrag.pdf').expect(201);
    expect(up.body).toMatchObject({ title: 'Antrag', documentType: 'antrag', status: 'filed', mimeType: 'application/pdf', size: content.length, caseFileId: id });
    expect(up.body.sha256).toBe(createHash('sha256').update(content).digest('hex'));

    const dl = await t.http().get(`/api/v1/documents/${up.body.id}/content`).set('Authorization', `Bearer ${anna}`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(dl.headers['content-type']).toMatch(/^application\/pdf/);
    expect(dl.headers.etag).toBe(`"${up.body.sha256}"`);
    expect(Buffer.compare(dl.body, content)).toBe(0);

    const part = await t.http().get(`/api/v1/documents/${up.body.id}/content`).set('Authorization', `Bearer ${anna}`).set('Range', 'bytes=0-7').expect(206);
    expect(part.headers['content-range']).toBe(`bytes 0-7/${content.length}`);
    expect(part.text ?? part.body.toString()).toBe('%PDF-1.4');
    await t.http().get(`/api/v1/documents/${up.body.id}/content`).set('Authorization', `Bearer ${anna}`).set('Range', `bytes=${content.length + 5}-`).expect(416);
    await t.http().get(`/api/v1/documents/${up.body.id}/content`).set('Authorization', `Bearer ${anna}`).set('If-None-Match', `"${up.body.sha256}"`).expect(304);

    const opened = await t.http().get(`/api/v1/case-files/${id}`).set('Authorization', `Bearer ${anna}`).expect(200);
    expect(opened.body.documents.map((d: { id: string }) => d.id)).toEqual([up.body.id]);

    const v2 = await t.http().post(`/api/v1/documents/${up.body.id}/versions`).set('Authorization', `Bearer ${anna}`).field('comment', 'korrigiert').attach('file', pdfBytes('v2'), 'antrag-v2.pdf').expect(201);
    expect(v2.body.currentVersion).toBe(2);
    expect(v2.body.versions).toHaveLength(2);

    const closed = await t.http().post(`/api/v1/case-files/${id}/close`).set('Authorization', `Bearer ${anna}`).expect(200);
    expect(closed.body.status).toBe('closed');
    expect(closed.body.retainUntil).toBeTruthy();
    const refused = await t.http().post(`/api/v1/case-files/${id}/documents`).set('Authorization', `Bearer ${anna}`).field('title', 'late').attach('file', pdfBytes('late'), 'late.pdf').expect(409);
    expect(refused.body.error.code).toBe('CaseFileClosed');
    await t.http().post(`/api/v1/case-files/${id}/reopen`).set('Authorization', `Bearer ${anna}`).send({}).expect(400);
    const reopened = await t.http().post(`/api/v1/case-files/${id}/reopen`).set('Authorization', `Bearer ${anna}`).set('X-Request-Id', `reopen-${id}`).send({ reason: 'Widerspruch eingegangen' }).expect(200);
    expect(reopened.body).toMatchObject({ status: 'open', closedAt: null });
    expect(await auditFor(`reopen-${id}`)).toEqual([expect.objectContaining({ action: 'case_file.reopen', outcome: 'success', reason: 'Widerspruch eingegangen' })]);
  });

  it('hands out unique Aktenzeichen under concurrency', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => t.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.2.1', title: `Bußgeld ${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(new Set(results.map((r) => r.body.reference)).size).toBe(12);
  });

  it('hides other departments and records the denied attempt', async () => {
    const created = await t.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Vertraulich' }).expect(201);
    const res = await t.http().get(`/api/v1/case-files/${created.body.id}`).set('Authorization', `Bearer ${bernd}`).set('X-Request-Id', `deny-${created.body.id}`).expect(404);
    expect(res.body.error.code).toBe('NotFound');
    expect(await auditFor(`deny-${created.body.id}`)).toEqual([expect.objectContaining({ action: 'access.denied', outcome: 'denied', object_id: created.body.id })]);
    const list = await t.http().get('/api/v1/case-files').set('Authorization', `Bearer ${bernd}`).expect(200);
    expect(list.body.items.every((c: { departmentCode: string }) => c.departmentCode === '50')).toBe(true);
    await t.http().get('/api/v1/case-files?departmentCode=32').set('Authorization', `Bearer ${bernd}`).expect(403);
    // records managers see metadata of every department, but no content
    await t.http().get(`/api/v1/case-files/${created.body.id}`).set('Authorization', `Bearer ${rita}`).expect(200);
    await t.http().post('/api/v1/case-files').set('Authorization', `Bearer ${bernd}`).send({ filePlanCode: '32.1.2', title: 'fremd' }).expect(403);
  });

  it('answers a burst of concurrent reads (read together in one statement) each with its own case file and access decision', async () => {
    const own = await Promise.all(
      [1, 2, 3].map(async (i) => {
        const cf = await t.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: `Burst ${i}` }).expect(201);
        await t.http().post(`/api/v1/case-files/${cf.body.id}/documents`).set('Authorization', `Bearer ${anna}`).field('title', `Anlage ${i}`).attach('file', pdfBytes(`burst ${i}`), 'a.pdf').expect(201);
        return cf.body as { id: string; reference: string };
      }),
    );
    const theirs = (await t.http().post('/api/v1/case-files').set('Authorization', `Bearer ${bernd}`).send({ filePlanCode: '50.1.1', title: 'Burst 50' }).expect(201)).body;
    // an id made elsewhere (import, md5-derived) without an RFC 4122 version nibble is still a UUID to PostgreSQL
    const imported = (await t.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Burst importiert' }).expect(201)).body;
    const h = createHash('md5').update(`import-${imported.id}`).digest('hex');
    const importedId = `${h.slice(0, 8)}-${h.slice(8, 12)}-a${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    await t.app.get(DataSource).query('UPDATE case_files SET id = $2 WHERE id = $1', [imported.id, importedId]);
    const missing = '00000000-0000-4000-8000-000000000000';
    const asks = [
      ...own.map((cf) => ({ token: anna, id: cf.id.toUpperCase(), status: 200, reference: cf.reference })),
      { token: anna, id: importedId, status: 200, reference: imported.reference },
      { token: anna, id: theirs.id, status: 404 },
      { token: bernd, id: theirs.id, status: 200, reference: theirs.reference },
      { token: bernd, id: own[0].id, status: 404 },
      { token: anna, id: missing, status: 404 },
      ...own.map((cf) => ({ token: rita, id: cf.id, status: 200, reference: cf.reference })),
    ];
    const burst = [...asks, ...asks, ...asks];
    const results = await Promise.all(burst.map((a) => t.http().get(`/api/v1/case-files/${a.id}`).set('Authorization', `Bearer ${a.token}`)));
    results.forEach((res, i) => {
      expect(res.status).toBe(burst[i].status);
      if (res.status === 200) {
        expect(res.body).toMatchObject({ id: burst[i].id.toLowerCase(), reference: burst[i].reference });
        expect(res.body.documents).toHaveLength([theirs.id, importedId].includes(burst[i].id.toLowerCase()) ? 0 : 1);
      }
    });
  });

  it('answers bad input with 4xx and a reason, and leaves nothing behind', async () => {
    const auth = `Bearer ${anna}`;
    const malformed = await t.http().post('/api/v1/case-files').set('Authorization', auth).set('Content-Type', 'application/json').send('{"title": ').expect(400);
    expect(malformed.body.error.message).toMatch(/malformed JSON/);
    const unknown = await t.http().post('/api/v1/case-files').set('Authorization', auth).send({ filePlanCode: '32.1.2', title: 'x', colour: 'red' }).expect(400);
    expect(unknown.body.error).toMatchObject({ code: 'ValidationFailed', details: [expect.objectContaining({ field: 'colour' })] });
    const wrongType = await t.http().post('/api/v1/case-files').set('Authorization', auth).send({ filePlanCode: 32, title: ['x'] }).expect(400);
    expect(wrongType.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['filePlanCode', 'title']);
    await t.http().post('/api/v1/case-files').set('Authorization', auth).send({ filePlanCode: '99.9', title: 'x' }).expect(400);
    await t.http().get('/api/v1/case-files/not-a-uuid').set('Authorization', auth).expect(400);
    await t.http().get('/api/v1/case-files/00000000-0000-4000-8000-000000000000').set('Authorization', auth).expect(404);
    await t.http().get('/api/v1/case-files').set('Authorization', auth).query({ pageSize: 5000 }).expect(400);
    // NUL and control characters never reach PostgreSQL (it refuses NUL in text: was a 500)
    const fieldError = (res: { body: { error: { code: string; details: { field: string; errors: string[] }[] } } }, field: string, reason: RegExp) => {
      expect(res.body.error.code).toBe('ValidationFailed');
      expect(res.body.error.details).toEqual([{ field, errors: [expect.stringMatching(reason)] }]);
    };
    fieldError(await t.http().get('/api/v1/case-files?reference=%00').set('Authorization', auth).expect(400), 'reference', /must not contain control characters \(NUL\)/);
    fieldError(await t.http().get('/api/v1/case-files?status=open%1B').set('Authorization', auth).expect(400), 'status', /must not contain control characters/);
    const nulTitle = await t.http().post('/api/v1/case-files').set('Authorization', auth).set('X-Request-Id', `nul-title-${process.pid}`).send({ filePlanCode: '32.1.2', title: 'Nul\u0000Byte' }).expect(400);
    fieldError(nulTitle, 'title', /must not contain control characters \(NUL\)/);
    fieldError(await t.http().post('/api/v1/case-files').set('Authorization', auth).send({ filePlanCode: '32.1.2', title: 'Escape\u001bByte' }).expect(400), 'title', /must not contain control characters/);
    const ds = t.app.get(DataSource);
    expect(await ds.query("SELECT id FROM case_files WHERE title LIKE 'Nul%Byte' OR title LIKE 'Escape%Byte'")).toEqual([]);
    expect(await auditFor(`nul-title-${process.pid}`)).toEqual([]);

    const cf = await t.http().post('/api/v1/case-files').set('Authorization', auth).send({ filePlanCode: '32.1.2', title: 'Uploads' }).expect(201);
    const before = countObjects(t.config.storage.driver === 'fs' ? t.config.storage.dir : '');
    const exe = await t.http().post(`/api/v1/case-files/${cf.body.id}/documents`).set('Authorization', auth).field('title', 'x').attach('file', Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 0xff]), 'evil.pdf').expect(415);
    expect(exe.body.error.code).toBe('UnsupportedMediaType');
    const big = await t.http().post(`/api/v1/case-files/${cf.body.id}/documents`).set('Authorization', auth).field('title', 'big').attach('file', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1024 * 1024 + 10, 0x20)]), 'big.pdf').expect(413);
    expect(big.body.error.code).toBe('PayloadTooLarge');
    await t.http().post(`/api/v1/case-files/${cf.body.id}/documents`).set('Authorization', auth).attach('file', pdfBytes('no title'), 'x.pdf').expect(400);
    await t.http().post(`/api/v1/case-files/${cf.body.id}/documents`).set('Authorization', auth).send({ title: 'json instead of multipart' }).expect(415);
    fieldError(await t.http().post(`/api/v1/case-files/${cf.body.id}/documents`).set('Authorization', auth).field('title', 'Nul\u0000Byte').attach('file', pdfBytes('nul title'), 'nul.pdf').expect(400), 'title', /must not contain control characters \(NUL\)/);
    expect(await ds.query("SELECT id FROM documents WHERE title LIKE 'Nul%Byte'")).toEqual([]);
    // refused as a whole after files were stored: too many file parts, a field too long after the file
    const tooMany = await t.http().post(`/api/v1/case-files/${cf.body.id}/documents`).set('Authorization', auth).field('title', 'drei')
      .attach('file', pdfBytes('erste Datei'), 'a.pdf').attach('file', pdfBytes('zweite Datei'), 'b.pdf').attach('file', pdfBytes('dritte Datei'), 'c.pdf').expect(413);
    expect(tooMany.body.error.message).toMatch(/at most 2 files/);
    await t.http().post(`/api/v1/case-files/${cf.body.id}/documents`).set('Authorization', auth).attach('file', pdfBytes('vor dem langen Feld'), 'd.pdf').field('title', 'x'.repeat(70 * 1024)).expect(400);
    expect(countObjects(t.config.storage.driver === 'fs' ? t.config.storage.dir : '')).toBe(before);

    const traversal = await t.http().post(`/api/v1/case-files/${cf.body.id}/documents`).set('Authorization', auth).field('title', 'pfad').attach('file', pdfBytes('path'), '../../etc/passwd.pdf').expect(201);
    expect(traversal.body.versions[0].files[0].filename).toBe('passwd.pdf');
    // version numbers are int4: a larger one is a 400, never a database error
    const content = (version: string) => t.http().get(`/api/v1/documents/${traversal.body.id}/content?version=${version}`).set('Authorization', auth);
    fieldError(await content('2147483648').expect(400), 'version', /must not be greater than 2147483647/);
    fieldError(await content('99999999999').expect(400), 'version', /must not be greater than 2147483647/);
    await content('2147483647').expect(404);
  });

  it('requires a valid token', async () => {
    await t.http().get('/api/v1/case-files').expect(401);
    await t.http().get('/api/v1/case-files').set('Authorization', 'Bearer nonsense').expect(401);
    await t.http().get('/health').expect(200);
    await t.http().get('/api/docs-json').expect(200);
  });
});
