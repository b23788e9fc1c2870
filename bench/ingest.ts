/**
 * Scanned mail end to end: N generated scanned letter pages are uploaded to the ingest service,
 * processed by the worker (a child process, exactly as deployed: BullMQ, tesseract.js, pdf.js) and
 * filed into case files of the records API.
 *
 *   npm run bench:ingest [-- --pages=30 --batch=10 --singles=3 --workers=<OCR_WORKERS>]
 *
 * Prints pages per minute, p50/p95 seconds upload → filed (under load, and for single letters on
 * an otherwise idle system), mean character error rate against the generator's ground truth and
 * the worker's peak RSS. Where `ocrmypdf` is installed it OCRs the same scans with
 * `ocrmypdf -l deu+eng --deskew --rotate-pages` (PYTHONHASHSEED=3) and prints the ratio.
 * Uses its own database, Redis prefix and storage directory; removes them afterwards.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { arg, rssOf } from './process-memory';

const repoRoot = path.resolve(__dirname, '..');
const SUBJECTS = [
  'Betreff: Nachweis zur Gaststättenerlaubnis',
  'Betreff: Widerspruch gegen den Bußgeldbescheid vom 03.02.2026',
  'Betreff: Anfrage zum Stand des Verfahrens',
  'Betreff: Vollmacht für das Verfahren meiner Mutter',
  'Betreff: Beschwerde über Lärmbelästigung in der Schäferstraße',
];

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function main(): Promise<void> {
  const pages = Number(arg('pages', '30'));
  const perBatch = Number(arg('batch', '10'));
  const singles = Number(arg('singles', '3'));
  const runId = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const dbUrl = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  dbUrl.pathname = `/eakte_bench_ingest_${runId}`;
  const storageDir = mkdtempSync(path.join(os.tmpdir(), 'eakte-bench-ingest-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `eakte-bench-${runId}`,
    STORAGE_DRIVER: 'fs',
    STORAGE_DIR: storageDir,
    AUTH_JWT_SECRET: 'bench-secret-for-the-ingest-benchmark',
    SEED_DEMO_DATA: 'true',
    WORKER_HEALTH_PORT: '0',
    ...(process.argv.some((a) => a.startsWith('--workers=')) ? { OCR_WORKERS: arg('workers', '2') } : {}),
  };
  Object.assign(process.env, env);

  // imported after the environment is set
  const { ensureDatabase, runMigrations, dropDatabase } = await import('@app/database');
  const { loadConfig } = await import('@app/config');
  const { preflight } = await import('@app/health');
  const { startApp, users } = await import('../test/support/app');
  const { IngestAppModule } = await import('../apps/ingest/src/ingest.module');
  const { RecordsApiModule } = await import('../apps/records-api/src/records-api.module');
  const gen = await import('../test/support/scan-generator');

  const config = loadConfig();
  await preflight(config, { createDatabase: true });
  await ensureDatabase(config.database.url);
  await runMigrations(config.database.url);
  console.log(`ingest benchmark: ${pages} single-page letters in batches of ${perBatch}, OCR_WORKERS=${config.ocr.workers}, ${os.cpus().length} cores`);

  let worker: ChildProcess | undefined;
  let peakRss = 0;
  let sampler: NodeJS.Timeout | undefined;
  const records = await startApp(RecordsApiModule);
  const ingest = await startApp(IngestAppModule);
  try {
    // the worker as deployed: its own process (so its memory is its own)
    worker = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', path.join(repoRoot, 'apps/worker/src/main.ts')], {
      cwd: repoRoot,
      env: { MALLOC_ARENA_MAX: '2', ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(worker!.pid!).rss)), 250);

    const anna = await records.token(users.caseworker32);
    const sina = await ingest.token(users.scanOperator);
    const caseFiles: Array<{ id: string; reference: string }> = [];
    for (let i = 0; i < 5; i++) {
      const r = await records.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: i % 2 ? '32.2.1' : '32.1.2', title: `Benchmark ${i}` });
      if (r.status !== 201) throw new Error(`case file: ${r.status} ${JSON.stringify(r.body)}`);
      caseFiles.push(r.body);
    }

    console.log('generating scans ...');
    const letters: Array<{ pdf: Buffer; truth: string; caseFileId: string; name: string }> = [];
    for (let i = 0; i < pages + singles; i++) {
      const cf = caseFiles[i % caseFiles.length];
      const page = await gen.renderLetter(gen.germanLetter({ reference: cf.reference, subject: SUBJECTS[i % SUBJECTS.length] }), {
        skewDegrees: [0.8, -0.6, 1.2, -1.0, 0.4][i % 5],
        noise: 0.03 + (i % 3) * 0.01,
        seed: 1000 + i,
      });
      letters.push({ pdf: await gen.toScannedPdf([page]), truth: page.text, caseFileId: cf.id, name: `brief-${i + 1}.pdf` });
    }

    const db = records.app.get(DataSource);
    const waitFiled = async (ids: string[], timeoutMs: number): Promise<Map<string, { at: number; status: string; text: string | null }>> => {
      const until = Date.now() + timeoutMs;
      const done = new Map<string, { at: number; status: string; text: string | null }>();
      while (done.size < ids.length && Date.now() < until) {
        const rows: Array<{ id: string; status: string; text: string | null }> = await db.query(
          `SELECT id, status, text_content AS text FROM documents WHERE id = ANY($1) AND status IN ('filed', 'needs_review', 'failed')`,
          [ids.filter((id) => !done.has(id))],
        );
        for (const r of rows) done.set(r.id, { at: Date.now(), status: r.status, text: r.text });
        await new Promise((r) => setTimeout(r, 200));
      }
      return done;
    };
    const upload = async (batch: typeof letters) => {
      let req = ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`).field('scanner', 'bench').field('profile', '300dpi-grau');
      for (const l of batch) req = req.attach('files', l.pdf, l.name);
      const res = await req;
      if (res.status !== 202) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body.documents as Array<{ id: string; status: string; error?: string }>).map((d, i) => ({ ...d, letter: batch[i], uploadedAt: Date.now() }));
    };

    // warm-up: one letter so that the OCR pool and models are loaded before timing
    const warm = await upload([letters[pages]]);
    await waitFiled([warm[0].id], 300_000);

    // 1. throughput: all pages uploaded in batches, as the scan centre does
    console.log(`uploading ${pages} pages ...`);
    const t0 = Date.now();
    const accepted: Awaited<ReturnType<typeof upload>> = [];
    for (let i = 0; i < pages; i += perBatch) accepted.push(...(await upload(letters.slice(i, i + perBatch))));
    const uploadSecs = (Date.now() - t0) / 1000;
    const results = await waitFiled(accepted.map((a) => a.id), Math.max(600_000, pages * 20_000));
    const tEnd = Math.max(...[...results.values()].map((r) => r.at));
    const minutes = (tEnd - t0) / 60_000;
    const latencies = accepted.filter((a) => results.has(a.id)).map((a) => (results.get(a.id)!.at - a.uploadedAt) / 1000);
    const cers = accepted.filter((a) => results.get(a.id)?.text).map((a) => gen.characterErrorRate(a.letter.truth, results.get(a.id)!.text!));
    const filed = accepted.filter((a) => results.get(a.id)?.status === 'filed').length;
    const placed: Array<{ id: string; case_file_id: string | null }> = await db.query(`SELECT id, case_file_id FROM documents WHERE id = ANY($1) AND status = 'filed'`, [accepted.map((a) => a.id)]);
    const expected = new Map(accepted.map((a) => [a.id, a.letter.caseFileId]));
    const misfiled = placed.filter((p) => p.case_file_id !== expected.get(p.id)).length;

    // 2. single letters on an idle system
    const singleLatencies: number[] = [];
    for (let i = 1; i < singles; i++) {
      const [doc] = await upload([letters[pages + i]]);
      const r = await waitFiled([doc.id], 300_000);
      if (r.has(doc.id)) singleLatencies.push((r.get(doc.id)!.at - doc.uploadedAt) / 1000);
    }
    if (!singleLatencies.length && warm.length) singleLatencies.push(NaN);

    const hwm = rssOf(worker.pid!).hwm;
    const meanCer = cers.reduce((a, b) => a + b, 0) / Math.max(1, cers.length);
    console.log('');
    console.log('| metric | value | target |');
    console.log('|---|---|---|');
    console.log(`| pages | ${pages} (${filed} filed, ${results.size - filed} inbox/failed, ${pages - results.size} unfinished) | |`);
    console.log(`| upload of all batches | ${uploadSecs.toFixed(1)} s | |`);
    console.log(`| throughput | ${(pages / minutes).toFixed(1)} pages/min | ≥ 21 |`);
    console.log(`| upload → filed under load p50 / p95 | ${pct(latencies, 50).toFixed(1)} s / ${pct(latencies, 95).toFixed(1)} s | |`);
    console.log(`| single letter, idle, upload → filed p50 / p95 (n=${singleLatencies.length}) | ${pct(singleLatencies, 50).toFixed(1)} s / ${pct(singleLatencies, 95).toFixed(1)} s | p95 < 30 s |`);
    console.log(`| mean CER | ${(meanCer * 100).toFixed(2)} % (n=${cers.length}) | ≤ 0.5 % |`);
    console.log(`| worker peak RSS | ${(Math.max(peakRss, hwm) / 1024 / 1024).toFixed(0)} MB | ≤ 1536 MB |`);
    console.log(`| misfiled | ${misfiled} | 0 |`);

    // 3. ocrmypdf over the same scans, for comparison
    const which = spawnSync('sh', ['-c', 'command -v ocrmypdf'], { encoding: 'utf8' });
    if (which.status !== 0) {
      console.log('\nocrmypdf is not installed: comparison skipped (apt-get install ocrmypdf to enable it).');
    } else {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'eakte-bench-ocrmypdf-'));
      const files = letters.slice(0, pages).map((l, i) => {
        const f = path.join(dir, `in-${i}.pdf`);
        writeFileSync(f, l.pdf);
        return f;
      });
      const t1 = Date.now();
      for (const f of files) {
        execFileSync('ocrmypdf', ['-q', '-l', 'deu+eng', '--deskew', '--rotate-pages', f, f.replace('in-', 'out-')], {
          env: { ...process.env, PYTHONHASHSEED: '3', OMP_THREAD_LIMIT: '1' },
          stdio: 'ignore',
        });
      }
      const oMinutes = (Date.now() - t1) / 60_000;
      const ocrmypdfRate = pages / oMinutes;
      let oCer = NaN;
      if (existsSync('/usr/bin/pdftotext')) {
        const c = files.map((f, i) => gen.characterErrorRate(letters[i].truth, execFileSync('pdftotext', [f.replace('in-', 'out-'), '-'], { encoding: 'utf8' })));
        oCer = c.reduce((a, b) => a + b, 0) / c.length;
      }
      console.log(`\nocrmypdf: ${ocrmypdfRate.toFixed(1)} pages/min, mean CER ${(oCer * 100).toFixed(2)} %; E-Akte / ocrmypdf throughput ratio ${(pages / minutes / ocrmypdfRate).toFixed(2)}×`);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    if (sampler) clearInterval(sampler);
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 3000));
      if (worker.exitCode === null) worker.kill('SIGKILL');
    }
    await ingest.close().catch(() => undefined);
    await records.close().catch(() => undefined);
    await dropDatabase(config.database.url).catch(() => undefined);
    const { default: Redis } = await import('ioredis');
    const redis = new Redis(env.REDIS_URL);
    for (let cursor = '0'; ; ) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.QUEUE_PREFIX}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      if ((cursor = next) === '0') break;
    }
    await redis.quit();
    rmSync(storageDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
