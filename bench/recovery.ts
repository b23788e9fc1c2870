/**
 * Recovery figures (issue 11, defects 2 and 6), on a redis-server of its own (never the shared one):
 *
 *   npm run bench:recovery [-- --trials=3 --pages=3]
 *
 * 1. Worker crash: a worker process (as deployed, a child process) is killed with SIGKILL while
 *    it OCRs a scan; a second, idle worker is running. Measured: seconds from the kill until the
 *    scan is active again on the survivor, and until it is filed or in an inbox. Repeated
 *    `--trials` times (the survivor of one trial is the victim of the next).
 * 2. Redis data loss: scans are queued, Redis is killed and restarted empty. Measured: how long
 *    POST /batches takes to answer 503 during the outage, and after the restart how long until
 *    the schedules exist again and until every scan is filed or in an inbox.
 * Prints a table and the settings used (INGEST_LOCK_SECONDS, INGEST_STALLED_CHECK_SECONDS,
 * QUEUE_RECOVERY_CHECK_SECONDS from the environment, else the defaults). Exits 1 when a crash
 * recovery took longer than 30 s. Uses its own database and storage directory; removes them.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { healthy, sleep, until } from '../test/support/processes';
import { arg } from './process-memory';

const repoRoot = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const trials = Number(arg('trials', '3'));
  const pages = Number(arg('pages', '3'));
  const { PrivateRedis, freePort } = await import('../test/support/private-redis');
  const redis = await PrivateRedis.start();
  const runId = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const dbUrl = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  dbUrl.pathname = `/eakte_bench_recovery_${runId}`;
  const storageDir = mkdtempSync(path.join(os.tmpdir(), 'eakte-bench-recovery-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redis.url,
    QUEUE_PREFIX: `eakte-bench-recovery`,
    STORAGE_DRIVER: 'fs',
    STORAGE_DIR: storageDir,
    AUTH_JWT_SECRET: 'bench-secret-for-the-recovery-benchmark',
    SEED_DEMO_DATA: 'true',
    OCR_WORKERS: process.env.OCR_WORKERS ?? '1',
  };
  Object.assign(process.env, env);

  // imported after the environment is set
  const { ensureDatabase, runMigrations, dropDatabase } = await import('@app/database');
  const { loadConfig } = await import('@app/config');
  const { startApp, users } = await import('../test/support/app');
  const { IngestAppModule } = await import('../apps/ingest/src/ingest.module');
  const { getQueueToken } = await import('@nestjs/bullmq');
  const { QueueName } = await import('@app/queue');
  const { DataSource } = await import('typeorm');
  const gen = await import('../test/support/scan-generator');

  const config = loadConfig();
  await ensureDatabase(config.database.url);
  await runMigrations(config.database.url);
  const lock = config.queue.ingestLock;
  console.log(
    `recovery benchmark: ${trials} worker crashes on ${pages}-page scans, then one Redis data loss; INGEST_LOCK_SECONDS=${lock.lockMs / 1000}, ` +
      `INGEST_STALLED_CHECK_SECONDS=${lock.stalledIntervalMs / 1000}, INGEST_MAX_STALLED=${lock.maxStalled}, QUEUE_RECOVERY_CHECK_SECONDS=${config.queue.recoveryCheckSeconds}, ` +
      `OCR_WORKERS=${config.ocr.workers}, ${os.cpus().length} cores`,
  );

  const children = new Set<ChildProcess>();
  const startWorker = async (): Promise<ChildProcess> => {
    const port = await freePort();
    const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', path.join(repoRoot, 'apps/worker/src/main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, ...env, WORKER_HEALTH_PORT: String(port), TS_NODE_SWC: 'true', TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    await until('a worker process', () => healthy(port), 180_000, 300);
    return child;
  };

  const ingest = await startApp(IngestAppModule);
  const rows: string[] = [];
  let worst = 0;
  try {
    const db = ingest.app.get(DataSource);
    const queue = ingest.app.get(getQueueToken(QueueName.Ingest), { strict: false });
    const sina = await ingest.token(users.scanOperator);
    let letterNo = 0;
    const scan = async (n: number) => {
      const rendered = [];
      for (let p = 0; p < n; p++) rendered.push(await gen.renderLetter(gen.germanLetter({ subject: `Betreff: Anfrage ${++letterNo} (${runId})` }), { dpi: 200, seed: letterNo }));
      return gen.toScannedPdf(rendered);
    };
    const upload = async (files: Buffer[]) => {
      let req = ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`).field('scanner', 'bench');
      files.forEach((f, i) => (req = req.attach('files', f, `brief-${i}.pdf`)));
      return req;
    };
    const status = async (id: string): Promise<string> => (await db.query(`SELECT status FROM documents WHERE id = $1`, [id]))[0].status;
    const done = (s: string) => s === 'filed' || s === 'needs_review';

    // 1. worker crashes
    rows.push('| scenario | figure | target |', '|---|---|---|');
    let victim = await startWorker();
    for (let t = 1; t <= trials; t++) {
      const file = await scan(pages);
      const res = await upload([file]);
      if (res.status !== 202) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
      const id: string = res.body.documents[0].id;
      await until('the scan processing', async () => ((await status(id)) === 'processing' ? true : undefined), 120_000, 100);
      const survivor = await startWorker();
      const job = await queue.getJob(id);
      if (!job || (await job.getState()) !== 'active') throw new Error(`trial ${t}: the scan is not active on the victim (${job ? await job.getState() : 'no job'}); use more --pages`);
      const firstStart = job.processedOn!;
      victim.kill('SIGKILL');
      const killedAt = Date.now();
      const resumed = await until('the scan taken over', async () => {
        const j = await queue.getJob(id);
        return j && j.processedOn && j.processedOn > firstStart ? j.processedOn : undefined;
      }, 180_000, 100);
      await until('the scan filed or in an inbox', async () => (done(await status(id)) ? true : undefined), 300_000, 250);
      const takeover = (resumed - killedAt) / 1000;
      worst = Math.max(worst, takeover);
      rows.push(`| worker SIGKILL #${t} | taken over after ${takeover.toFixed(1)} s, ${((Date.now() - killedAt) / 1000).toFixed(1)} s until filed/inbox | ≤ 30 s |`);
      victim = survivor;
    }

    // 2. Redis data loss with scans queued
    const files = [];
    for (let i = 0; i < 4; i++) files.push(await scan(1));
    const res = await upload(files);
    if (res.status !== 202) throw new Error(`upload: ${res.status}`);
    const ids: string[] = res.body.documents.map((d: { id: string }) => d.id);
    await redis.kill();
    const late = await scan(1);
    const t0 = Date.now();
    const refused = await upload([late]);
    rows.push(`| POST /batches while Redis is down | ${refused.status} after ${Date.now() - t0} ms, Retry-After ${refused.headers['retry-after'] ?? '-'} | 503 within a few s |`);
    await sleep(2000);
    await redis.start();
    const back = Date.now();
    const sweep = ingest.app.get(getQueueToken(QueueName.IngestSweep), { strict: false });
    await until('the schedules', async () => ((await sweep.getJobScheduler('sweep-stale-scans')) ? true : undefined), 120_000, 100);
    rows.push(`| schedules after Redis restarted empty | back after ${((Date.now() - back) / 1000).toFixed(1)} s | on reconnect, ≤ ${config.queue.recoveryCheckSeconds} s |`);
    await until('every scan', async () => ((await Promise.all(ids.map(status))).every(done) ? true : undefined), 600_000, 250);
    rows.push(`| ${ids.length} scans queued when Redis lost its data | all filed/inbox ${((Date.now() - back) / 1000).toFixed(1)} s after the restart | none stranded |`);
    victim.kill('SIGTERM');
  } finally {
    for (const c of children) c.kill('SIGKILL');
    if (!redis.running) await redis.start();
    await ingest.close();
    await redis.kill();
    await dropDatabase(config.database.url).catch(() => undefined);
    rmSync(storageDir, { recursive: true, force: true });
  }
  console.log('');
  for (const r of rows) console.log(r);
  if (worst > 30) {
    console.log(`\nworst crash recovery ${worst.toFixed(1)} s exceeds 30 s`);
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
