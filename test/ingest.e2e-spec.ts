import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { IngestAppModule } from '../apps/ingest/src/ingest.module';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { freshDatabase } from './support/database';
import { startApp, TestApp, users } from './support/app';
import { keyFor, ObjectStorage } from '@app/storage';
import { germanLetter, renderLetter, toJpeg, toScannedPdf } from './support/scan-generator';

/**
 * Scanned mail end to end: the ingest service receives a batch of generated German letters
 * (rendered, rasterised, noisy, slightly skewed) mixed with bad files; the worker runs the real
 * pipeline (BullMQ on Redis, tesseract.js OCR, searchable PDF, classification); the records API
 * shows the filed documents, the inbox, the capture record and the transfer note.
 */
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A PDF whose trailer names a Standard security handler with a password we do not know. */
function encryptedPdf(): Buffer {
  const objects = [
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj',
    '4 0 obj << /Length 8 >> stream\nqwertzui\nendstream endobj',
    `5 0 obj << /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -44 >> endobj`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (const o of objects) {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${o}\n`;
  }
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer << /Size ${objects.length + 1} /Root 1 0 R /Encrypt 5 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

describe('scanned-mail ingest (e2e)', () => {
  let ingest: TestApp;
  let records: TestApp;
  let worker: TestApp;
  let sina: string;
  let anna: string;
  let bernd: string;
  let otherOperator: string;
  let isolated: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    // a database of its own: the classifier retrains on every filed document in the database, so
    // other suites' letters (running at the same time) must not shift its predictions
    isolated = await freshDatabase('ingest');
    const env = { DATABASE_URL: isolated.url, OCR_WORKERS: '2', CLASSIFIER_RETRAIN_EVERY: '1', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-ingest` };
    records = await startApp(RecordsApiModule, { env });
    ingest = await startApp(IngestAppModule, { env });
    worker = await startApp(WorkerModule, { env });
    sina = await ingest.token(users.scanOperator);
    otherOperator = await ingest.token({ sub: 'otto.scan', name: 'Otto Scan', roles: ['scan_operator'] });
    anna = await records.token(users.caseworker32);
    bernd = await records.token(users.caseworker50);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await ingest?.close();
    await records?.close();
    await isolated?.drop();
  });

  const createCaseFile = async (token: string, filePlanCode: string, title: string) =>
    (await records.http().post('/api/v1/case-files').set('Authorization', `Bearer ${token}`).send({ filePlanCode, title }).expect(201)).body as { id: string; reference: string };

  const waitForBatch = async (id: string, timeoutMs = 200_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const res = await ingest.http().get(`/api/v1/batches/${id}`).set('Authorization', `Bearer ${sina}`).expect(200);
      if (res.body.status === 'completed') return res.body;
      if (Date.now() > until) throw new Error(`batch ${id} not completed: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  it('files, routes to inboxes, rejects and deduplicates a mixed batch', async () => {
    const open = await createCaseFile(anna, '32.1.2', 'Gaststättenerlaubnis Café Sonnenschein');
    const closed = await createCaseFile(anna, '32.1.2', 'Gaststättenerlaubnis Imbiss Eck');
    await records.http().post(`/api/v1/case-files/${closed.id}/close`).set('Authorization', `Bearer ${anna}`).send({ reason: 'erledigt' }).expect((r) => expect([200, 201]).toContain(r.status));
    const year = new Date().getUTCFullYear();
    const unknownReference = `32.1.2-${year}/09999`;

    const letterOpen = await renderLetter(
      germanLetter({
        reference: open.reference,
        subject: 'Betreff: Nachweis Schankerlaubnis Café Sonnenschein',
        body: ['Sehr geehrte Damen und Herren,', 'anbei reiche ich die Bescheinigung über die Belehrung nach dem Infektionsschutzgesetz nach. Die Kopie der Schankerlaubnis liegt bei.'],
      }),
      { skewDegrees: 0.8, noise: 0.04, seed: 11 },
    );
    const letterClosed = await renderLetter(
      germanLetter({ reference: closed.reference, subject: 'Betreff: Rückfrage zur Gaststättenerlaubnis Imbiss Eck' }),
      { skewDegrees: -0.6, noise: 0.04, seed: 12 },
    );
    const letterUnknown = await renderLetter(
      germanLetter({
        reference: unknownReference,
        recipient: ['Stadt Musterstadt', 'Sozialamt', 'Rathausplatz 1', '12345 Musterstadt'],
        subject: 'Betreff: Widerspruch gegen den Wohngeldbescheid',
        body: [
          'Sehr geehrte Damen und Herren,',
          'gegen Ihren Bescheid über das Wohngeld vom 02.03.2026 lege ich hiermit fristgerecht Widerspruch ein. Mein Einkommen wurde falsch berechnet; die Grundsicherung meiner Mutter gehört nicht zu meinem Haushalt.',
        ],
      }),
      { skewDegrees: 1.0, noise: 0.05, seed: 13 },
    );
    const pngOpen = letterOpen.png;
    const pdfClosed = await toScannedPdf([letterClosed]);
    const jpgUnknown = await toJpeg(letterUnknown, 88);
    const textFile = Buffer.from('Dies ist keine eingescannte Datei, sondern Text.\n');
    const corruptPdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4096, 0x41), Buffer.from('\n%%EOF\n')]);

    const started = Date.now();
    const upload = await ingest
      .http()
      .post('/api/v1/batches')
      .set('Authorization', `Bearer ${sina}`)
      .field('scanner', 'Fujitsu fi-7160 Poststelle')
      .field('profile', '300dpi-grau')
      .field('anomalies', 'copy')
      .field('receivedAt', '2026-03-13T08:30:00Z')
      .attach('files', pngOpen, 'brief-offen.png')
      .attach('files', pdfClosed, 'brief-geschlossen.pdf')
      .attach('files', jpgUnknown, 'brief-unbekannt.jpg')
      .attach('files', textFile, 'notiz.pdf')
      .attach('files', corruptPdf, 'kaputt.pdf')
      .attach('files', encryptedPdf(), 'verschluesselt.pdf')
      .attach('files', pngOpen, 'brief-offen-nochmal.png')
      .expect(202);
    expect(Date.now() - started).toBeLessThan(15_000);
    const docs = upload.body.documents as Array<{ id: string; filename: string; status: string; error?: string; duplicateOf?: string }>;
    expect(docs.map((d) => [d.filename, d.status])).toEqual([
      ['brief-offen.png', 'queued'],
      ['brief-geschlossen.pdf', 'queued'],
      ['brief-unbekannt.jpg', 'queued'],
      ['notiz.pdf', 'rejected'],
      ['kaputt.pdf', 'rejected'],
      ['verschluesselt.pdf', 'rejected'],
      ['brief-offen-nochmal.png', 'duplicate'],
    ]);
    expect(docs[3].error).toMatch(/text\/plain.*not a scan/);
    expect(docs[4].error).toBeTruthy();
    expect(docs[5].error).toMatch(/encrypt|password/i);
    expect(docs[6].duplicateOf).toBe(docs[0].id);
    const batchId = upload.body.id as string;

    // another scan operator cannot see the batch; it does not even exist for them
    await ingest.http().get(`/api/v1/batches/${batchId}`).set('Authorization', `Bearer ${otherOperator}`).expect(404);
    await ingest.http().get(`/api/v1/batches/${batchId}`).set('Authorization', `Bearer ${await ingest.token(users.caseworker32)}`).expect(403);

    // progress as server-sent events, ending when the batch completes
    const sse = await ingest
      .http()
      .get(`/api/v1/batches/${batchId}/events`)
      .set('Authorization', `Bearer ${sina}`)
      .buffer(true)
      .parse((res, cb) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => cb(null, text));
      })
      .timeout(220_000)
      .expect(200);
    expect(sse.headers['content-type']).toMatch(/text\/event-stream/);
    expect(sse.body).toMatch(/event: document/);
    expect(sse.body).toMatch(/event: batch\n(id: \d+\n)?data: \{"id":"[^"]+","status":"completed"\}/);

    const batch = await waitForBatch(batchId);
    const byName = Object.fromEntries((batch.documents as Array<{ filename: string }>).map((d) => [d.filename, d])) as Record<string, any>;
    expect(byName['brief-offen.png']).toMatchObject({ status: 'filed', caseFileId: open.id });
    expect(byName['brief-geschlossen.pdf']).toMatchObject({ status: 'needs_review', departmentCode: '32' });
    expect(byName['brief-unbekannt.jpg'].status).toBe('needs_review');
    expect(byName['verschluesselt.pdf']).toMatchObject({ status: 'rejected' });
    expect(byName['brief-offen-nochmal.png']).toMatchObject({ status: 'duplicate', duplicateOf: docs[0].id });

    // the filed letter: classification, OCR summary, capture record and transfer note
    const filed = (await records.http().get(`/api/v1/documents/${docs[0].id}`).set('Authorization', `Bearer ${anna}`).expect(200)).body;
    expect(filed).toMatchObject({ status: 'filed', caseFileId: open.id, departmentCode: '32', source: 'scan', batchId, sha256: sha256(pngOpen), title: expect.stringMatching(/^Nachweis Schankerlaubnis Caf. Sonnenschein$/) });
    expect(filed.classification).toMatchObject({ caseFileReference: open.reference, departmentCode: '32', confidence: 1 });
    expect(filed.classification.reasons.join(' ')).toContain(open.reference);
    expect(filed.ocr.pageCount).toBe(1);
    expect(filed.ocr.meanConfidence).toBeGreaterThan(60);
    expect(filed.capture).toMatchObject({
      capturedBy: { sub: users.scanOperator.sub, name: users.scanOperator.name },
      scanner: 'Fujitsu fi-7160 Poststelle',
      profile: '300dpi-grau',
      pageCount: 1,
      originalSha256: sha256(pngOpen),
      originalFilename: 'brief-offen.png',
      anomalies: ['copy'],
      receivedAt: '2026-03-13T08:30:00.000Z',
    });
    expect(Date.parse(filed.capture.capturedAt)).toBeGreaterThanOrEqual(started - 1000);
    expect(filed.capture.processingSteps.map((s: { step: string }) => s.step).join('\n')).toMatch(/original stored unchanged[\s\S]*searchable PDF stored[\s\S]*filed into case file/);
    expect(filed.transferNote).toMatchObject({ documentId: docs[0].id, originalSha256: sha256(pngOpen), qaResult: expect.stringMatching(/^passed/), transferredBy: { sub: users.scanOperator.sub } });
    expect(filed.transferNote.statement).toMatch(/stimmt .* mit dem Original überein/);
    expect(filed.transferNote.noteSha256).toMatch(/^[0-9a-f]{64}$/);
    const variants = filed.versions[0].files.map((f: { variant: string; mimeType: string }) => [f.variant, f.mimeType]).sort();
    expect(variants).toEqual([
      ['original', 'image/png'],
      ['searchable', 'application/pdf'],
    ]);

    // the searchable rendition carries the recognised text (pdftotext where installed)
    const searchable = await records
      .http()
      .get(`/api/v1/documents/${docs[0].id}/content?variant=searchable`)
      .set('Authorization', `Bearer ${anna}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(searchable.headers['content-type']).toMatch(/application\/pdf/);
    const pdfBytes = searchable.body as Buffer;
    expect(pdfBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    if (existsSync('/usr/bin/pdftotext')) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ingest-e2e-'));
      writeFileSync(path.join(dir, 's.pdf'), pdfBytes);
      const text = execFileSync('pdftotext', [path.join(dir, 's.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toMatch(/Schankerlaubnis/);
    }
    const text = (await records.http().get(`/api/v1/documents/${docs[0].id}/text`).set('Authorization', `Bearer ${anna}`).expect(200)).body;
    expect(text.text).toContain(open.reference);

    // the letter quoting the closed case file waits in the inbox of department 32, not filed
    const inbox32 = (await records.http().get('/api/v1/inbox?departmentCode=32').set('Authorization', `Bearer ${anna}`).expect(200)).body;
    const waiting = inbox32.items.find((i: { id: string }) => i.id === docs[1].id);
    expect(waiting).toBeDefined();
    expect(waiting.classification.caseFileReference).toBe(closed.reference);
    expect(waiting.classification.reasons.join(' ')).toMatch(/closed/);
    await records.http().get('/api/v1/inbox?departmentCode=32').set('Authorization', `Bearer ${bernd}`).expect(403);

    // the unknown reference: inbox with a type prediction and its reasons
    const unknown = (await records.http().get(`/api/v1/documents/${docs[2].id}`).set('Authorization', `Bearer ${await records.token({ sub: 'x', roles: ['records_manager'] })}`).expect(200)).body;
    expect(unknown.status).toBe('needs_review');
    expect(unknown.classification.documentType).toBe('widerspruch');
    expect(unknown.classification.departmentCode).toBe('50');
    expect(unknown.classification.confidence).toBeGreaterThan(0);
    expect(unknown.classification.reasons.join(' ')).toMatch(/matches no case file/);
    expect(unknown.classification.reasons.join(' ')).toMatch(/widerspruch/i);

    // filing from the inbox: never into a closed file, only by the department's caseworkers
    await records.http().post(`/api/v1/documents/${docs[1].id}/filing`).set('Authorization', `Bearer ${anna}`).send({ caseFileId: closed.id }).expect(409);
    await records.http().post(`/api/v1/documents/${docs[1].id}/filing`).set('Authorization', `Bearer ${bernd}`).send({ caseFileId: open.id }).expect(404);
    const hand = await records.http().post(`/api/v1/documents/${docs[1].id}/filing`).set('Authorization', `Bearer ${anna}`).send({ caseFileId: open.id, documentType: 'anfrage' }).expect(200);
    expect(hand.body).toMatchObject({ status: 'filed', caseFileId: open.id, documentType: 'anfrage' });
    await records.http().post(`/api/v1/documents/${docs[1].id}/filing`).set('Authorization', `Bearer ${anna}`).send({ caseFileId: open.id }).expect(409);
    const social = await createCaseFile(bernd, '50.1.1', 'Wohngeld Weiß');
    await records.http().post(`/api/v1/documents/${docs[2].id}/filing`).set('Authorization', `Bearer ${bernd}`).send({ caseFileId: social.id }).expect(200);

    // the corrections feed the classifier: a retraining job runs in the worker and stores new models
    const db0 = records.app.get(DataSource);
    for (let i = 0; ; i++) {
      const models = await db0.query(`SELECT name, version, document_count FROM classifier_models ORDER BY name`);
      if (models.length === 2 && models.every((m: { document_count: number }) => m.document_count >= 3)) break;
      if (i > 60) throw new Error(`classifier not retrained: ${JSON.stringify(models)}`);
      await new Promise((r) => setTimeout(r, 500));
    }

    // rejected files keep their reason; corrupt/encrypted uploads are kept as evidence but never processed
    const db = records.app.get(DataSource);
    const [rejected] = await db.query(`SELECT status, error FROM documents WHERE id = $1`, [docs[5].id]);
    expect(rejected).toMatchObject({ status: 'rejected', error: expect.stringMatching(/encrypt|password/i) });

    // every step audited
    const actions = (await db.query(`SELECT action FROM audit_events WHERE object_id = ANY($1) ORDER BY seq`, [[batchId, docs[0].id, docs[1].id]])).map((r: { action: string }) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['batch.create', 'document.capture', 'document.file', 'document.inbox', 'batch.read', 'batch.events.read']));

    // a second upload of the same letter is a duplicate, nothing stored twice
    const again = await ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`).attach('files', pngOpen, 'nochmal.png').expect(202);
    expect(again.body).toMatchObject({ status: 'completed', documents: [{ status: 'duplicate', duplicateOf: docs[0].id, id: docs[0].id }] });
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM document_files WHERE sha256 = $1`, [sha256(pngOpen)]);
    expect(n).toBe(1);

    // search over the recognised text (once the search route exists)
    const search = await records.http().get('/api/v1/search?q=Schankerlaubnis').set('Authorization', `Bearer ${anna}`);
    if (search.status !== 404) {
      expect(search.status).toBe(200);
      expect(JSON.stringify(search.body)).toContain(docs[0].id);
    }
  }, 300_000);

  it('refuses bad requests with a reason', async () => {
    await ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`).field('scanner', 'x').expect(400);
    const unknownDept = await ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`).field('departmentCode', '99').attach('files', Buffer.from('%PDF-1.4\n'), 'a.pdf').expect(400);
    expect(unknownDept.body.error.message).toMatch(/unknown department 99/);
    await ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`).attach('file', Buffer.from('%PDF-1.4\n'), 'a.pdf').expect(400);
    await ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`).set('Content-Type', 'application/json').send({}).expect(415);
    await ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${await ingest.token(users.caseworker32)}`).attach('files', Buffer.from('%PDF-1.4\n'), 'a.pdf').expect(403);
    await ingest.http().get('/api/v1/batches/not-a-uuid').set('Authorization', `Bearer ${sina}`).expect(400);
    await ingest.http().get('/api/v1/batches/00000000-0000-4000-8000-000000000000').set('Authorization', `Bearer ${sina}`).expect(404);
  });

  it('leaves no stored original behind when a request is refused after its files were stored', async () => {
    const storage = ingest.app.get(ObjectStorage);
    const letters = [1, 2].map((i) => Buffer.from(`%PDF-1.4\n% verworfen ${i} ${process.pid} ${Date.now()}\n%%EOF\n`, 'latin1'));
    const keys = letters.map((b) => keyFor(createHash('sha256').update(b).digest('hex')));
    const before = await ingest.app.get(DataSource).query('SELECT count(*)::int AS n FROM scan_batches');
    // the long field comes after both files: they are in storage when the request is refused
    const res = await ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`)
      .attach('files', letters[0], 'a.pdf').attach('files', letters[1], 'b.pdf').field('scanner', 'x'.repeat(70 * 1024)).expect(400);
    expect(res.body.error.message).toMatch(/field scanner is too long/);
    for (const key of keys) expect(await storage.stat(key)).toBeNull();
    expect(await ingest.app.get(DataSource).query('SELECT count(*)::int AS n FROM scan_batches')).toEqual(before);
  });
});
