import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'minio';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { ObjectStorage } from '../libs/storage/src';
import { startApp, TestApp, users } from './support/app';
import { RunningS3, startS3rver } from './support/s3rver';

/** The records walk-through once more with STORAGE_DRIVER=s3 against s3rver on loopback. */
describe('records API on S3 storage (e2e, s3rver)', () => {
  let s3: RunningS3;
  let t: TestApp;
  let anna: string;

  beforeAll(async () => {
    s3 = await startS3rver();
    t = await startApp(RecordsApiModule, { env: { ...s3.env, MAX_UPLOAD_MB: '2' } });
    anna = await t.token(users.caseworker32);
  });
  afterAll(async () => {
    await t?.close();
    await s3?.stop();
  });

  const binary = (res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  };

  it('creates a case file, uploads, downloads whole and by range, with the object in the bucket', async () => {
    expect(t.config.storage.driver).toBe('s3');
    expect(t.app.get(ObjectStorage).driver).toBe('s3');
    const auth = `Bearer ${anna}`;
    const created = await t.http().post('/api/v1/case-files').set('Authorization', auth).send({ filePlanCode: '32.1.2', title: 'Gaststätte Zur Linde' }).expect(201);
    const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300 * 1024), Buffer.from('\n%%EOF\n')]);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const up = await t.http().post(`/api/v1/case-files/${created.body.id}/documents`).set('Authorization', auth).field('title', 'Antrag').attach('file', content, 'antrag.pdf').expect(201);
    expect(up.body).toMatchObject({ sha256, size: content.length, mimeType: 'application/pdf' });

    // the object really is in the S3 bucket, under its content address
    const url = new URL(s3.endpoint);
    const raw = new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey, pathStyle: true });
    expect((await raw.statObject(s3.bucket, `sha256/${sha256.slice(0, 2)}/${sha256}`)).size).toBe(content.length);

    const dl = await t.http().get(`/api/v1/documents/${up.body.id}/content`).set('Authorization', auth).buffer(true).parse(binary as never).expect(200);
    expect(dl.headers['content-type']).toMatch(/^application\/pdf/);
    expect(dl.headers.etag).toBe(`"${sha256}"`);
    expect(Buffer.compare(dl.body, content)).toBe(0);

    const part = await t.http().get(`/api/v1/documents/${up.body.id}/content`).set('Authorization', auth).set('Range', 'bytes=100000-100099').buffer(true).parse(binary as never).expect(206);
    expect(part.headers['content-range']).toBe(`bytes 100000-100099/${content.length}`);
    expect(Buffer.compare(part.body, content.subarray(100000, 100100))).toBe(0);

    const opened = await t.http().get(`/api/v1/case-files/${created.body.id}`).set('Authorization', auth).expect(200);
    expect(opened.body.documents.map((d: { id: string }) => d.id)).toEqual([up.body.id]);

    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.details.storage).toEqual({ status: 'up', driver: 's3' });
  });

  it('rejects an oversized upload and leaves nothing in the bucket', async () => {
    const auth = `Bearer ${anna}`;
    const created = await t.http().post('/api/v1/case-files').set('Authorization', auth).send({ filePlanCode: '32.1.2', title: 'Zu groß' }).expect(201);
    const url = new URL(s3.endpoint);
    const raw = new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey, pathStyle: true });
    const count = async () => {
      let n = 0;
      for await (const _ of raw.listObjectsV2(s3.bucket, '', true)) n++;
      return n;
    };
    const before = await count();
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2 * 1024 * 1024 + 10, 0x20)]);
    const res = await t.http().post(`/api/v1/case-files/${created.body.id}/documents`).set('Authorization', auth).field('title', 'big').attach('file', big, 'big.pdf').expect(413);
    expect(res.body.error.code).toBe('PayloadTooLarge');
    expect(await count()).toBe(before);
  });
});
