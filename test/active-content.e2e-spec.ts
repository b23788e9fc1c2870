import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { IngestAppModule } from '../apps/ingest/src/ingest.module';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { activeContentOf } from '../libs/ocr/src/pdf/pdf-sanitizer';
import { activeContentPdf } from '../libs/ocr/src/testing/hostile-files';
import { startApp, TestApp, users } from './support/app';

/**
 * Issue #11, defect 4: uploaded active content must never run as the user. Types are judged by
 * content only; every content download carries a sandboxing CSP and nosniff; anything but
 * passive types is an attachment; renditions lose scripts, actions and embedded files while the
 * original stays byte-identical.
 */
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const CSP = "sandbox; default-src 'none'";

/** A zip with stored (uncompressed) entries. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const fname = Buffer.from(name);
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fname.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(data.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(fname.length, 28);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, fname, data);
    central.push(cd, fname);
    offset += 30 + fname.length + data.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBuf, end]);
}

const binary = (res: any, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('active content (e2e)', () => {
  let records: TestApp;
  let ingest: TestApp;
  let worker: TestApp;
  let anna: string;
  let sina: string;
  let caseFileId: string;

  beforeAll(async () => {
    const env = { OCR_WORKERS: '1', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-active` };
    records = await startApp(RecordsApiModule, { env });
    ingest = await startApp(IngestAppModule, { env });
    worker = await startApp(WorkerModule, { env });
    anna = await records.token(users.caseworker32);
    sina = await ingest.token(users.scanOperator);
    caseFileId = (await records.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Aktive Inhalte' }).expect(201)).body.id;
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await ingest?.close();
    await records?.close();
  });

  const upload = async (content: Buffer, filename: string, contentType: string) =>
    (
      await records
        .http()
        .post(`/api/v1/case-files/${caseFileId}/documents`)
        .set('Authorization', `Bearer ${anna}`)
        .field('title', filename)
        .attach('file', content, { filename, contentType })
        .expect(201)
    ).body as { id: string; mimeType: string; sha256: string };

  const download = (id: string, variant = 'original') =>
    records.http().get(`/api/v1/documents/${id}/content?variant=${variant}`).set('Authorization', `Bearer ${anna}`).buffer(true).parse(binary).expect(200);

  it.each([
    ['SVG with a script', 'bild.svg', 'image/svg+xml', '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/api/v1/audit/export")</script></svg>', 'image/svg+xml'],
    ['XHTML', 'seite.xhtml', 'application/xml', '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(document.cookie)</script></body></html>', 'application/xhtml+xml'],
    ['HTML quoting a PDF header', 'antrag.pdf', 'application/pdf', '<!DOCTYPE html><html><body>%PDF-1.4 <script>alert(1)</script></body></html>', 'text/html'],
    ['HTML without a doctype', 'brief.txt', 'text/plain', '<script>alert(1)</script>Sehr geehrte Damen und Herren', 'text/html'],
  ])('stores %s by its content and serves it only as a sandboxed attachment', async (_label, filename, declared, body, expected) => {
    const content = Buffer.from(body);
    const doc = await upload(content, filename, declared);
    expect(doc.mimeType).toBe(expected);
    const res = await download(doc.id);
    expect(res.headers['content-type']).toMatch(new RegExp(`^${expected.replace(/[+/]/g, '\\$&')}`));
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=/);
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(sha256(res.body)).toBe(sha256(content));
  });

  it('takes a zip as Office only by its structure, never by the declared type', async () => {
    const plain = await upload(zip({ 'readme.txt': 'hallo', 'index.html': '<script>1</script>' }), 'bescheid.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(plain.mimeType).toBe('application/zip');
    const res = await download(plain.id);
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    expect(res.headers['content-security-policy']).toBe(CSP);

    // LibreOffice writes [Content_Types].xml last: the central directory still lists it
    const docx = await upload(zip({ '_rels/.rels': '<Relationships/>', 'word/document.xml': '<w:document/>', '[Content_Types].xml': '<Types/>' }), 'x.zip', 'application/zip');
    expect(docx.mimeType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect((await download(docx.id)).headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('serves PDFs, images and plain text inline, still sandboxed', async () => {
    const pdf = await upload(Buffer.from(await activeContentPdf()), 'brief.pdf', 'application/pdf');
    expect(pdf.mimeType).toBe('application/pdf');
    const res = await download(pdf.id);
    expect(res.headers['content-disposition']).toMatch(/^inline;/);
    expect(res.headers['content-security-policy']).toBe(CSP);
    const text = await upload(Buffer.from('Sehr geehrte Damen und Herren,\n'), 'brief.html', 'text/html');
    expect(text.mimeType).toBe('text/plain');
    expect((await download(text.id)).headers['content-disposition']).toMatch(/^inline;/);
  });

  it('strips scripts, actions and embedded files from the searchable rendition of a scanned PDF; the original stays byte-identical', async () => {
    const original = await activeContentPdf(['Widerspruch gegen den Bescheid vom 2. Maerz', `Eingang ${Date.now()}`]);
    expect(await activeContentOf(original)).toEqual(expect.arrayContaining(['/OpenAction', '/JavaScript', '/EmbeddedFiles', 'Launch action', 'FileAttachment annotation']));
    const batch = await ingest
      .http()
      .post('/api/v1/batches')
      .set('Authorization', `Bearer ${sina}`)
      .field('departmentCode', '32')
      .attach('files', Buffer.from(original), { filename: 'brief.pdf', contentType: 'application/pdf' })
      .attach('files', Buffer.from('<html><body>%PDF-1.4</body></html>'), { filename: 'tarnung.pdf', contentType: 'application/pdf' })
      .expect(202);
    const [scan, disguised] = batch.body.documents as Array<{ id: string; status: string; error?: string }>;
    expect(scan.status).toBe('queued');
    expect(disguised.status).toBe('rejected');
    expect(disguised.error).toMatch(/text\/html/);

    const until = Date.now() + 120_000;
    let status = '';
    while (Date.now() < until) {
      const b = (await ingest.http().get(`/api/v1/batches/${batch.body.id}`).set('Authorization', `Bearer ${sina}`).expect(200)).body;
      status = (b.documents as Array<{ id: string; status: string }>).find((d) => d.id === scan.id)!.status;
      if (!['queued', 'processing'].includes(status)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(['filed', 'needs_review']).toContain(status);

    const kept = await download(scan.id, 'original');
    expect(sha256(kept.body)).toBe(sha256(original));
    expect(kept.headers['content-security-policy']).toBe(CSP);
    const rendition = await download(scan.id, 'searchable');
    expect(rendition.headers['content-type']).toMatch(/^application\/pdf/);
    expect(rendition.headers['content-security-policy']).toBe(CSP);
    expect(await activeContentOf(rendition.body)).toEqual([]);
    const parsed = await PDFDocument.load(rendition.body);
    expect(parsed.getPageCount()).toBe(1);
    expect(parsed.catalog.keys().map((k) => k.decodeText())).not.toEqual(expect.arrayContaining(['OpenAction']));
    expect(sha256(rendition.body)).not.toBe(sha256(original));
  }, 180_000);
});
