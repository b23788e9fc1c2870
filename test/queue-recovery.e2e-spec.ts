import { getQueueToken } from '@nestjs/bullmq';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, promises as fsp } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ProcessScanProcessor, SWEEP_STALE_SCANS_SCHEDULER_ID } from '@app/ingest';
import type Redis from 'ioredis';
import { QueueName, REDIS } from '@app/queue';
import { AUDIT_ANCHOR_SCHEDULER_ID } from '@app/audit';
import { RETENTION_SWEEP_SCHEDULER_ID } from '@app/retention';
import { FIXITY_SWEEP_SCHEDULER_ID, ORPHAN_SWEEP_SCHEDULER_ID } from '@app/records';
import { IngestAppModule } from '../apps/ingest/src/ingest.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { startApp, TestApp, users } from './support/app';
import { freshDatabase } from './support/database';
import { freePort, PrivateRedis } from './support/private-redis';
import { germanLetter, renderLetter, toJpeg, toScannedPdf } from './support/scan-generator';

/**
 * Issue 11, defects 2 and 6, against a redis-server of this suite's own (killed and restarted;
 * it keeps nothing on disk, as Redis runs here), real PostgreSQL, the filesystem store and the
 * real pipeline (tesseract.js OCR):
 * - Redis loses everything while scans are queued: POST /batches answers 503 with Retry-After at
 *   once and stores nothing, readiness reports Redis down; when Redis is back the worker
 *   re-creates every schedule and re-enqueues the scans from PostgreSQL, and each ends filed or
 *   in an inbox under the batch id the scan centre was given.
 * - A worker process killed with SIGKILL mid-scan: another worker takes the scan over within the
 *   lock + stall-check time (15 s + 10 s by default).
 * - A failed scan is run again by the scan centre (POST …/documents/:documentId/retry).
 */
const REPO = path.resolve(__dirname, '..');
const OPEN = ['queued', 'processing'];
const DONE = ['filed', 'needs_review'];

describe('recovery after Redis data loss and worker crashes (e2e)', () => {
  let redis: PrivateRedis;
  let isolated: { url: string; drop: () => Promise<void> };
  let storageDir: string;
  let env: Record<string, string>;
  let ingest: TestApp;
  let worker: TestApp | undefined;
  let child: ChildProcess | undefined;
  let childLog = '';
  let sina: string;
  let db: DataSource;
  let letterNo = 0;
  const t0 = Date.now();
  const step = (what: string) => process.env.RECOVERY_TEST_TRACE && process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}\n`);

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    isolated = await freshDatabase('queue_recovery');
    storageDir = mkdtempSync(path.join(os.tmpdir(), 'eakte-queue-recovery-'));
    // its own storage and database: the fixity and orphan sweeps are scheduled here (off elsewhere)
    env = { DATABASE_URL: isolated.url, REDIS_URL: redis.url, QUEUE_PREFIX: 'eakte-recovery', STORAGE_DIR: storageDir, OCR_WORKERS: '1', FIXITY_SWEEP_EVERY_MINUTES: '60', ORPHAN_SWEEP_EVERY_MINUTES: '60' };
    ingest = await startApp(IngestAppModule, { env });
    worker = await startApp(WorkerModule, { env });
    sina = await ingest.token(users.scanOperator);
    db = ingest.app.get(DataSource);
  }, 120_000);

  afterAll(async () => {
    step('afterAll');
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (redis && !redis.running) await redis.start(); // a failed test may leave it down; the apps close cleanly only with it
    await worker?.close();
    step('worker closed');
    await ingest?.close();
    step('ingest closed');
    await redis?.kill();
    await isolated?.drop();
    await fsp.rm(storageDir, { recursive: true, force: true });
  }, 240_000);

  /** A unique one-page letter (identical content would be recognised as a duplicate). */
  const letter = async (pages = 1) => {
    const n = ++letterNo;
    const rendered = await Promise.all(
      Array.from({ length: pages }, (_, p) => renderLetter(germanLetter({ subject: `Betreff: Anfrage Nr. ${n}-${p + 1} (${Date.now()})` }), { dpi: 200, seed: n * 10 + p })),
    );
    return pages === 1 ? { buffer: await toJpeg(rendered[0]), name: `brief-${n}.jpg` } : { buffer: await toScannedPdf(rendered), name: `brief-${n}.pdf` };
  };
  const upload = (files: Array<{ buffer: Buffer; name: string }>) => {
    let req = ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`).field('scanner', 'fi-7160');
    for (const f of files) req = req.attach('files', f.buffer, f.name);
    return req;
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, ms: number, everyMs = 250): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await probe().catch(() => undefined);
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  const statuses = async (ids: string[]) =>
    (await db.query(`SELECT id, status, error FROM documents WHERE id = ANY($1) ORDER BY id`, [ids])) as Array<{ id: string; status: string; error: string | null }>;
  const statusOf = async (id: string) => (await statuses([id]))[0];
  const countObjects = async (dir = storageDir): Promise<number> => {
    let n = 0;
    for (const e of await fsp.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) n += await countObjects(path.join(dir, e.name));
      else n++;
    }
    return n;
  };
  const stored = async () => ({
    ...(await db.query(
      `SELECT (SELECT count(*)::int FROM scan_batches) AS batches, (SELECT count(*)::int FROM documents) AS documents,
              (SELECT count(*)::int FROM capture_records) AS captures, (SELECT count(*)::int FROM document_files) AS files`,
    ))[0],
    objects: await countObjects(),
  });
  const queue = (app: TestApp, name: QueueName) => app.app.get<Queue>(getQueueToken(name), { strict: false });
  const schedulers = async (app: TestApp) => ({
    [SWEEP_STALE_SCANS_SCHEDULER_ID]: !!(await queue(app, QueueName.IngestSweep).getJobScheduler(SWEEP_STALE_SCANS_SCHEDULER_ID)),
    [RETENTION_SWEEP_SCHEDULER_ID]: !!(await queue(app, QueueName.Retention).getJobScheduler(RETENTION_SWEEP_SCHEDULER_ID)),
    [AUDIT_ANCHOR_SCHEDULER_ID]: !!(await queue(app, QueueName.Audit).getJobScheduler(AUDIT_ANCHOR_SCHEDULER_ID)),
    [FIXITY_SWEEP_SCHEDULER_ID]: !!(await queue(app, QueueName.Fixity).getJobScheduler(FIXITY_SWEEP_SCHEDULER_ID)),
    [ORPHAN_SWEEP_SCHEDULER_ID]: !!(await queue(app, QueueName.Fixity).getJobScheduler(ORPHAN_SWEEP_SCHEDULER_ID)),
  });
  const allScheduled = {
    [SWEEP_STALE_SCANS_SCHEDULER_ID]: true,
    [RETENTION_SWEEP_SCHEDULER_ID]: true,
    [AUDIT_ANCHOR_SCHEDULER_ID]: true,
    [FIXITY_SWEEP_SCHEDULER_ID]: true,
    [ORPHAN_SWEEP_SCHEDULER_ID]: true,
  };

  it('refuses uploads with 503 while Redis is down, storing nothing, and processes every queued scan once Redis is back (empty)', async () => {
    expect(await schedulers(worker!)).toEqual(allScheduled);
    const letters = await Promise.all([letter(), letter(), letter()]);
    const res = await upload(letters).expect(202);
    const batchId: string = res.body.id;
    const ids: string[] = res.body.documents.map((d: { id: string }) => d.id);
    expect(res.body.documents.map((d: { status: string }) => d.status)).toEqual(['queued', 'queued', 'queued']);

    step('uploaded');
    await redis.kill(); // every queue, job and schedule is gone
    // a scan the worker finished before the kill has no job to re-create: only the open ones are checked for it
    const openAtKill = (await statuses(ids)).filter((d) => OPEN.includes(d.status)).map((d) => d.id);
    expect(openAtKill.length).toBeGreaterThan(0);

    // during the outage: a bounded 503 with Retry-After, and not a row or object of the refused batch
    step('redis killed');
    const before = await stored();
    const late = await letter();
    const started = Date.now();
    const refused = await upload([late]);
    const refusedMs = Date.now() - started;
    step(`refused ${refused.status} in ${refusedMs} ms`);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.body.error).toMatchObject({ code: 'ServiceUnavailable' });
    expect(refusedMs).toBeLessThan(5000);
    expect(await stored()).toEqual(before);
    step('nothing stored');
    const ready = await ingest.http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error.details.redis).toMatchObject({ status: 'down' });

    // Redis comes back with nothing in it: the worker re-creates the schedules on reconnect …
    step('ready checked');
    await redis.start();
    const back = Date.now();
    const found = await until('the schedules in the new Redis', async () => {
      const s = await schedulers(worker!);
      return Object.values(s).every(Boolean) ? s : undefined;
    }, 30_000).catch(async () => schedulers(worker!));
    expect(found).toEqual(allScheduled);
    const rescheduledMs = Date.now() - back;
    step('rescheduled');
    // … and every scan still queued/processing in PostgreSQL ends filed or in an inbox, under the batch id returned
    const done = await until('every scan filed or in an inbox', async () => {
      const s = await statuses(ids);
      return s.every((d) => DONE.includes(d.status)) ? s : undefined;
    }, 240_000, 500);
    expect(done.map((d) => d.error)).toEqual([null, null, null]);
    const recoveredMs = Date.now() - back;
    const view = (await ingest.http().get(`/api/v1/batches/${batchId}`).set('Authorization', `Bearer ${sina}`).expect(200)).body;
    expect(view.status).toBe('completed');
    // one job per document in the new Redis (dedup jobId), each result committed once
    const ingestQueue = queue(ingest, QueueName.Ingest);
    // a scan the worker held in memory when Redis died may have finished without a new job; a re-created one has the dedup id and the batch
    const jobs = await Promise.all(openAtKill.map((id) => ingestQueue.getJob(id)));
    jobs.forEach((job, i) => job && expect(job.data).toEqual({ documentId: openAtKill[i], batchId }));
    expect(jobs.filter(Boolean).length).toBeGreaterThan(0);
    const [counts] = await db.query(
      `SELECT (SELECT count(*)::int FROM document_files f JOIN document_versions v ON v.id = f.version_id WHERE v.document_id = ANY($1) AND f.variant = 'searchable') AS searchable,
              (SELECT count(*)::int FROM transfer_notes WHERE document_id = ANY($1)) AS notes`,
      [ids],
    );
    expect(counts).toEqual({ searchable: 3, notes: 3 });
    // the retraining counter is rebuilt too
    expect(await worker!.app.get<Redis>(REDIS).exists('eakte-recovery:classifier:filings-since-training')).toBe(1);
    // uploads are accepted again (a file refused at upload: no job for the worker to finish)
    await ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`).attach('files', Buffer.from('kein Scan'), 'notiz.txt').expect(202);
    process.stdout.write(`redis loss: 503 in ${refusedMs} ms; schedules back ${rescheduledMs} ms and all scans done ${recoveredMs} ms after Redis restarted\n`);
  }, 360_000);

  it('recovers a scan whose worker process was killed with SIGKILL mid-job within the lock + stall-check time', async () => {
    // only the child worker runs when the scan arrives
    await worker!.close();
    worker = undefined;
    const healthPort = await freePort();
    child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'apps/worker/src/main.ts'], {
      cwd: REPO,
      env: { ...process.env, ...env, WORKER_HEALTH_PORT: String(healthPort), LOG_LEVEL: 'warn', TS_NODE_SWC: 'true', TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d) => (childLog = (childLog + d.toString()).slice(-4000)));
    await until('the child worker', () => getStatus(healthPort, '/health'), 120_000, 500).catch((e) => {
      throw new Error(`${(e as Error).message}\n${childLog}`);
    });

    const res = await upload([await letter(3)]).expect(202);
    const id: string = res.body.documents[0].id;
    await until('the child worker processing the scan', async () => ((await statusOf(id)).status === 'processing' ? true : undefined), 60_000, 100);
    worker = await startApp(WorkerModule, { env }); // the survivor, idle
    const job = (await queue(ingest, QueueName.Ingest).getJob(id))!;
    expect(await job.getState()).toBe('active');
    const firstStart = job.processedOn!;

    child.kill('SIGKILL');
    const killedAt = Date.now();
    const resumed = await until('the scan taken over by the surviving worker', async () => {
      const j = await queue(ingest, QueueName.Ingest).getJob(id);
      return j && j.processedOn && j.processedOn > firstStart ? j : undefined;
    }, 90_000, 250);
    const recoveryMs = resumed.processedOn! - killedAt;
    process.stdout.write(`worker SIGKILL: scan taken over ${recoveryMs} ms after the kill (lock 15 s, stall check 10 s)\n`);
    // the target is ≤ 30 s (bench:recovery measures it); the bound here leaves room for a loaded CI machine
    expect(recoveryMs).toBeLessThan(45_000);
    expect(resumed.stalledCounter).toBe(1);
    const final = await until('the scan filed or in an inbox', async () => {
      const s = await statusOf(id);
      return DONE.includes(s.status) ? s : undefined;
    }, 180_000, 500);
    expect(final.error).toBeNull();
  }, 420_000);

  it('lets the scan centre run a failed scan again from its stored original (audited; 409 unless failed, 404 for unknown ids)', async () => {
    const bull = worker!.app.get(ProcessScanProcessor).worker;
    await bull.pause();
    const res = await upload([await letter()]).expect(202);
    const batchId: string = res.body.id;
    const id: string = res.body.documents[0].id;
    // the stored original is damaged (e.g. a bad disk), so the pipeline refuses it permanently …
    const [{ storage_key: key }] = await db.query(
      `SELECT f.storage_key FROM document_files f JOIN document_versions v ON v.id = f.version_id WHERE v.document_id = $1 AND f.variant = 'original'`,
      [id],
    );
    const file = path.join(storageDir, key);
    const original = await fsp.readFile(file);
    await fsp.chmod(file, 0o644).catch(() => undefined);
    await fsp.writeFile(file, Buffer.concat([original.subarray(0, 100), Buffer.from('beschädigt'), original.subarray(110)]));
    const retry = (b: string, d: string, token = sina) => ingest.http().post(`/api/v1/batches/${b}/documents/${d}/retry`).set('Authorization', `Bearer ${token}`);
    await retry(batchId, id).expect(409); // still queued
    bull.resume();
    const failed = await until('the scan failed', async () => {
      const s = await statusOf(id);
      return s.status === 'failed' ? s : undefined;
    }, 60_000);
    expect(failed.error).toMatch(/does not match its hash/);

    // … until it is restored from the backup; then the scan centre runs it again
    await fsp.writeFile(file, original);
    const other = await ingest.token({ sub: 'otto.scan', name: 'Otto Scan', roles: ['scan_operator'] });
    await retry(batchId, id, other).expect(404); // another operator's batch
    await retry(batchId, '00000000-0000-4000-8000-000000000000').expect(404);
    await retry('00000000-0000-4000-8000-000000000000', id).expect(404);
    await retry(batchId, 'not-a-uuid').expect(400);
    const accepted = await retry(batchId, id).expect(202);
    expect(accepted.body).toEqual({ id, filename: expect.any(String), status: 'queued' });
    const done = await until('the re-run scan filed or in an inbox', async () => {
      const s = await statusOf(id);
      return DONE.includes(s.status) ? s : undefined;
    }, 120_000, 500);
    expect(done.error).toBeNull();
    await retry(batchId, id).expect(409); // no longer failed
    const [audit] = await db.query(`SELECT actor_sub, details FROM audit_events WHERE object_id = $1 AND action = 'document.ingest.retry'`, [id]);
    expect(audit).toMatchObject({ actor_sub: users.scanOperator.sub, details: { batchId, previousError: failed.error } });
    const [capture] = await db.query(`SELECT processing_steps FROM capture_records WHERE document_id = $1`, [id]);
    expect(JSON.stringify(capture.processing_steps)).toMatch(/retry: run again on request of sina\.scan/);
  }, 240_000);
});

function getStatus(port: number, p: string): Promise<true | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? true : undefined);
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
  });
}
