import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, users } from './support/app';

/**
 * The batch routes as the web application reaches them: served by the records API (one origin),
 * which only receives and inspects uploads: no pipeline job is processed in its process. The list
 * of recent batches with counts, and a batch's capture records and transfer notes.
 */
describe('batch routes on the records API (e2e)', () => {
  let records: TestApp;
  let lena: string;
  let otto: string;
  let admin: string;
  const suffix = randomBytes(3).toString('hex');
  const lenaUser = { sub: `lena.scan.${suffix}`, name: 'Lena Scan', roles: ['scan_operator'] };

  beforeAll(async () => {
    // a queue prefix no worker listens on: whatever stays queued was not processed by the API
    records = await startApp(RecordsApiModule, { env: { QUEUE_PREFIX: `${process.env.QUEUE_PREFIX ?? 'eakte-test'}-batchroutes-${suffix}` } });
    lena = await records.token(lenaUser);
    otto = await records.token({ sub: `otto.scan.${suffix}`, name: 'Otto Scan', roles: ['scan_operator'] });
    admin = await records.token(users.admin);
  });
  afterAll(() => records?.close());

  const png = (seed: number) => sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 250, g: 250 - seed, b: 240 } } }).png().toBuffer();

  it('lists the caller\'s batches newest first with counts, and gives capture records without content', async () => {
    const image = await png(1);
    const first = await records
      .http()
      .post('/api/v1/batches')
      .set('Authorization', `Bearer ${lena}`)
      .field('scanner', 'fi-7160')
      .field('profile', '300dpi-grau')
      .field('receivedAt', '2026-03-13T00:00:00Z')
      .attach('files', image, 'brief.png')
      .attach('files', Buffer.from('kein Scan'), 'notiz.pdf')
      .attach('files', image, 'brief-kopie.png')
      .expect(202);
    expect(first.body.documents.map((d: { position: number; status: string }) => [d.position, d.status])).toEqual([
      [0, 'queued'],
      [1, 'rejected'],
      [2, 'duplicate'],
    ]);
    expect(first.body.documents[2]).toMatchObject({ duplicateOf: first.body.documents[0].id, duplicateOfBatchId: first.body.id });
    expect(first.body).toMatchObject({ receivedAt: '2026-03-13T00:00:00.000Z', createdBy: { sub: lenaUser.sub, name: 'Lena Scan' } });
    const second = await records.http().post('/api/v1/batches').set('Authorization', `Bearer ${lena}`).attach('files', await png(2), 'zweiter.png').expect(202);

    const list = await records.http().get('/api/v1/batches?page=1&pageSize=10').set('Authorization', `Bearer ${lena}`).expect(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 10, total: 2 });
    expect(list.body.items.map((b: { id: string }) => b.id)).toEqual([second.body.id, first.body.id]);
    expect(list.body.items[1]).toMatchObject({
      status: 'processing',
      files: 3,
      scanner: 'fi-7160',
      profile: '300dpi-grau',
      receivedAt: '2026-03-13T00:00:00.000Z',
      createdBy: { sub: lenaUser.sub, name: 'Lena Scan' },
      counts: { queued: 1, processing: 0, filed: 0, needs_review: 0, rejected: 1, failed: 0, duplicate: 1 },
    });
    const paged = await records.http().get('/api/v1/batches?page=2&pageSize=1').set('Authorization', `Bearer ${lena}`).expect(200);
    expect(paged.body.items.map((b: { id: string }) => b.id)).toEqual([first.body.id]);
    // another scan operator does not see them; administrators see every batch
    const others = await records.http().get('/api/v1/batches').set('Authorization', `Bearer ${otto}`).expect(200);
    expect(others.body).toMatchObject({ total: 0, items: [] });
    const all = await records.http().get('/api/v1/batches?pageSize=200').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(all.body.items.map((b: { id: string }) => b.id)).toEqual(expect.arrayContaining([first.body.id, second.body.id]));
    await records.http().get('/api/v1/batches?pageSize=500').set('Authorization', `Bearer ${lena}`).expect(400);
    await records.http().get('/api/v1/batches').set('Authorization', `Bearer ${await records.token(users.caseworker32)}`).expect(403);

    const capture = await records.http().get(`/api/v1/batches/${first.body.id}/capture`).set('Authorization', `Bearer ${lena}`).expect(200);
    expect(capture.body.batchId).toBe(first.body.id);
    expect(capture.body.items.map((i: { filename: string; status: string }) => [i.filename, i.status])).toEqual([
      ['brief.png', 'queued'],
      ['notiz.pdf', 'rejected'],
    ]);
    expect(capture.body.items[0].capture).toMatchObject({
      capturedBy: { sub: lenaUser.sub, name: 'Lena Scan' },
      scanner: 'fi-7160',
      profile: '300dpi-grau',
      pageCount: 1,
      mimeType: 'image/png',
      originalSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      receivedAt: '2026-03-13T00:00:00.000Z',
    });
    expect(capture.body.items[0].transferNote).toBeNull(); // written by the pipeline, which has not run
    expect(JSON.stringify(capture.body)).not.toMatch(/"text"|"content"/);
    await records.http().get(`/api/v1/batches/${first.body.id}/capture`).set('Authorization', `Bearer ${otto}`).expect(404);

    // the records API only received the scan: its job waits for a worker
    await new Promise((r) => setTimeout(r, 2500));
    const [doc] = await records.app.get(DataSource).query(`SELECT status FROM documents WHERE id = $1`, [first.body.documents[0].id]);
    expect(doc.status).toBe('queued');
  });
});
