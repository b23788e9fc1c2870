import { DataSource } from 'typeorm';
import { IngestAppModule } from '../apps/ingest/src/ingest.module';
import { startApp, TestApp, users } from './support/app';
import { RunningS3, startS3rver } from './support/s3rver';
import { renderLetter, germanLetter, toScannedPdf } from './support/scan-generator';

/**
 * Found by the fault suite (npm run test:faults, scenario storage-outage): while S3 storage was
 * unreachable, POST /batches answered 503 without Retry-After. A lost dependency is a 503 with
 * Retry-After; nothing of the batch is kept.
 */
describe('ingest while storage is unreachable (e2e, s3rver halted)', () => {
  let s3: RunningS3;
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    s3 = await startS3rver();
    t = await startApp(IngestAppModule, { env: s3.env });
    ds = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await s3?.stop();
  });

  it('answers 503 with Retry-After and stores nothing; accepts the batch once storage is back', async () => {
    const token = await t.token(users.scanOperator);
    const pdf = await toScannedPdf([await renderLetter(germanLetter({ subject: `Betreff: Speicher weg ${process.pid}` }), { dpi: 100 })]);
    const count = async () => (await ds.query(`SELECT (SELECT count(*)::int FROM scan_batches) AS b, (SELECT count(*)::int FROM documents) AS d`))[0];
    const before = await count();
    await s3.halt();
    try {
      const res = await t.http().post('/api/v1/batches').set('Authorization', `Bearer ${token}`).field('scanner', 'e2e').attach('files', pdf, 'brief.pdf');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.body.error.code).toBe('ServiceUnavailable');
      expect(await count()).toEqual(before);
    } finally {
      await s3.resume();
    }
    await t.http().post('/api/v1/batches').set('Authorization', `Bearer ${token}`).field('scanner', 'e2e').attach('files', pdf, 'brief.pdf').expect(202);
  });
});
