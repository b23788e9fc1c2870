import { IngestAppModule } from '../apps/ingest/src/ingest.module';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { ObjectStorage } from '@app/storage';
import { activeContentPdf } from '../libs/ocr/src/testing/hostile-files';
import { freshDatabase } from './support/database';
import { startApp, TestApp, users } from './support/app';

/** One sample of a Prometheus text exposition: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) throw new Error(`unparseable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
const sum = (samples: Sample[], name: string, labels: Record<string, string> = {}) => find(samples, name, labels).reduce((a, s) => a + s.value, 0);

describe('Prometheus metrics (e2e)', () => {
  let records: TestApp;
  let ingest: TestApp;
  let worker: TestApp;
  let anna: string;
  let sina: string;

  let db: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    // a database of its own: the worker's queue recovery re-enqueues every scan queued in its
    // database, so other suites' scans (other queue prefixes, same database) would count here
    db = await freshDatabase('metrics');
    const env = { DATABASE_URL: db.url, OCR_WORKERS: '1', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-metrics` };
    records = await startApp(RecordsApiModule, { env });
    ingest = await startApp(IngestAppModule, { env, seed: false });
    worker = await startApp(WorkerModule, { env, seed: false });
    anna = await records.token(users.caseworker32);
    sina = await ingest.token(users.scanOperator);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await ingest?.close();
    await records?.close();
    await db?.drop();
  });

  const scrape = async (app: TestApp) => {
    const res = await app.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: res.text, samples: parse(res.text) };
  };

  it('exposes HTTP latency by route template, documents by status, audit latency and storage errors on the records API', async () => {
    const cf = (await records.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Metriken' }).expect(201)).body;
    await records.http().get(`/api/v1/case-files/${cf.id}`).set('Authorization', `Bearer ${anna}`).expect(200);
    await records.http().get(`/api/v1/case-files/${cf.id}`).set('Authorization', `Bearer ${anna}`).expect(200);
    await records.http().get('/api/v1/search?q=Mustermann%20Geburtsdatum').set('Authorization', `Bearer ${anna}`).expect(200);
    await records.http().get('/api/v1/no-such-route/4711-Mustermann').set('Authorization', `Bearer ${anna}`).expect(404);
    await records.http().post(`/api/v1/case-files/${cf.id}/documents`).set('Authorization', `Bearer ${anna}`).field('title', 'Antrag').attach('file', Buffer.from('Antrag Metriken\n'), 'antrag.txt').expect(201);
    // a failing storage call is counted under its operation
    await expect(records.app.get(ObjectStorage).get(`sha256/00/${'0'.repeat(64)}`)).rejects.toThrow();

    const { text, samples } = await scrape(records);
    const http = (route: string, status: string, method = 'GET') => sum(samples, 'eakte_http_request_duration_seconds_count', { method, route, status });
    expect(http('/api/v1/case-files/:id', '200')).toBe(2);
    expect(http('/api/v1/case-files', '201', 'POST')).toBe(1);
    expect(http('/api/v1/search', '200')).toBe(1);
    expect(http('unmatched', '404')).toBe(1);
    expect(sum(samples, 'eakte_http_request_duration_seconds_sum', { route: '/api/v1/case-files/:id' })).toBeGreaterThan(0);
    // no ids, no query text, no personal data in any label
    expect(text).not.toContain(cf.id);
    expect(text).not.toMatch(/Mustermann|4711|anna|Metriken/);

    expect(sum(samples, 'eakte_documents', { status: 'filed' })).toBeGreaterThanOrEqual(1);
    expect(sum(samples, 'eakte_audit_append_duration_seconds_count', { mode: 'transaction' })).toBeGreaterThanOrEqual(2);
    expect(sum(samples, 'eakte_audit_append_duration_seconds_count', { mode: 'group' })).toBeGreaterThanOrEqual(1);
    expect(sum(samples, 'eakte_storage_errors_total', { operation: 'get' })).toBe(1);
    expect(sum(samples, 'eakte_storage_errors_total', { operation: 'put' })).toBe(0);
    expect(find(samples, 'eakte_process_resident_memory_bytes')[0]?.value).toBeGreaterThan(0);
  });

  it('exposes job durations, queue depth and OCR pages on the worker after a processed scan, and upload latency on ingest', async () => {
    const pdf = await activeContentPdf(['Anzeige einer Veranstaltung', `Eingang ${Date.now()}`]);
    const batch = await ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`).field('departmentCode', '32').attach('files', Buffer.from(pdf), 'anzeige.pdf').expect(202);
    const until = Date.now() + 120_000;
    for (;;) {
      const b = (await ingest.http().get(`/api/v1/batches/${batch.body.id}`).set('Authorization', `Bearer ${sina}`).expect(200)).body;
      if (b.status === 'completed') {
        expect(['filed', 'needs_review']).toContain(b.documents[0].status);
        break;
      }
      if (Date.now() > until) throw new Error('scan not processed in time');
      await new Promise((r) => setTimeout(r, 300));
    }
    // the completed event reaches the worker's listener right after the job's state is written
    let w = await scrape(worker);
    for (let i = 0; i < 20 && sum(w.samples, 'eakte_job_duration_seconds_count', { queue: 'ingest', outcome: 'completed' }) < 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      w = await scrape(worker);
    }
    expect(sum(w.samples, 'eakte_job_duration_seconds_count', { queue: 'ingest', outcome: 'completed' })).toBe(1);
    expect(sum(w.samples, 'eakte_job_duration_seconds_sum', { queue: 'ingest', outcome: 'completed' })).toBeGreaterThan(0);
    expect(sum(w.samples, 'eakte_queue_jobs', { queue: 'ingest', state: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(find(w.samples, 'eakte_queue_jobs', { queue: 'ingest', state: 'waiting' })).toHaveLength(1);
    expect(find(w.samples, 'eakte_queue_jobs', { queue: 'retention' }).length).toBeGreaterThan(0);
    expect(sum(w.samples, 'eakte_ocr_pages_total', { source: 'text-layer' })).toBe(1);

    const i = await scrape(ingest);
    expect(sum(i.samples, 'eakte_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/batches', status: '202' })).toBe(1);
    expect(sum(i.samples, 'eakte_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/batches/:id', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(i.text).not.toContain(batch.body.id);
  }, 180_000);

  it('answers only loopback clients without METRICS_TOKEN and only the bearer token with it', async () => {
    // a reverse proxy on this machine forwarding an outsider is not loopback
    const proxied = await records.http().get('/metrics').set('X-Forwarded-For', '203.0.113.7').expect(403);
    expect(proxied.body.error.code).toBe('Forbidden');
    expect(proxied.text).not.toContain('eakte_');

    const guarded = await startApp(RecordsApiModule, { env: { METRICS_TOKEN: 'scrape-token-0123456789' }, seed: false });
    try {
      const none = await guarded.http().get('/metrics').expect(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      await guarded.http().get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
      // a user's token is not the scrape token
      await guarded.http().get('/metrics').set('Authorization', `Bearer ${await guarded.token(users.admin)}`).expect(401);
      const ok = await guarded.http().get('/metrics').set('Authorization', 'Bearer scrape-token-0123456789').expect(200);
      expect(ok.text).toContain('eakte_http_request_duration_seconds');
    } finally {
      await guarded.close();
    }
  });
});
