/**
 * Ingest memory: the ingest service runs as its own process (as deployed) and receives several
 * large batch uploads of distinct scanned letters; its RSS is printed before, after each batch,
 * at the peak and after a quiet period, so growth that does not come back shows.
 *
 *   npm run bench:ingest-memory [-- --batches=5 --files=150 --idle-seconds=20]
 *
 * No worker runs (the scans stay queued): what is measured is receiving, spooling, inspecting and
 * storing. Runs the compiled service (dist/, built when missing) with MALLOC_ARENA_MAX=2 as
 * `npm start` and the Docker image do (override through the environment to compare).
 * Uses its own database, Redis prefix and storage directory; removes them afterwards.
 */
import { ChildProcess, execSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../test/support/private-redis';
import { arg, rssOf } from './process-memory';

const repoRoot = path.resolve(__dirname, '..');
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

async function main(): Promise<void> {
  const batches = Number(arg('batches', '5'));
  const files = Number(arg('files', '150'));
  const idleSeconds = Number(arg('idle-seconds', '20'));
  const runId = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const dbUrl = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  dbUrl.pathname = `/eakte_bench_ingest_memory_${runId}`;
  const storageDir = mkdtempSync(path.join(os.tmpdir(), 'eakte-bench-ingest-memory-'));
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `eakte-bench-${runId}`,
    STORAGE_DRIVER: 'fs',
    STORAGE_DIR: storageDir,
    AUTH_JWT_SECRET: 'bench-secret-for-the-ingest-memory-benchmark',
    SEED_DEMO_DATA: 'true',
    INGEST_PORT: String(port),
    INGEST_MAX_FILES: String(Math.max(files, 200)),
    HOST: '127.0.0.1',
  };
  Object.assign(process.env, env);
  const { ensureDatabase, runMigrations, dropDatabase } = await import('@app/database');
  const { loadConfig } = await import('@app/config');
  const { signDevToken } = await import('@app/auth');
  const gen = await import('../test/support/scan-generator');
  const config = loadConfig();
  await ensureDatabase(config.database.url);
  await runMigrations(config.database.url);

  console.log(`ingest memory benchmark: ${batches} batches of ${files} distinct scanned letters, ${os.cpus().length} cores`);
  console.log('generating scans ...');
  // a few rendered pages, each letter made distinct by its own scan noise seed
  const letters: Buffer[] = [];
  for (let i = 0; i < files; i++) {
    const page = await gen.renderLetter(gen.germanLetter({ subject: `Betreff: Antrag Nr. ${i + 1}` }), { skewDegrees: (i % 5) * 0.3 - 0.6, noise: 0.02, seed: 5000 + i });
    letters.push(await gen.toScannedPdf([page]));
  }
  const totalBytes = letters.reduce((n, b) => n + b.length, 0);
  console.log(`scans: ${files} PDFs, ${mb(totalBytes)} per batch`);

  let child: ChildProcess | undefined;
  try {
    // as deployed: the compiled service (ts-node's compiler alone would add ~150 MB), with the
    // allocator setting npm start and the Docker image give it
    const main = path.join(repoRoot, 'dist/apps/ingest/src/main.js');
    if (!existsSync(main)) execSync('npx tsc -p tsconfig.build.json && npx tsc-alias -p tsconfig.build.json', { cwd: repoRoot, stdio: 'inherit' });
    const arenas = process.env.MALLOC_ARENA_MAX ?? '2';
    console.log(`ingest process: node ${path.relative(repoRoot, main)}, MALLOC_ARENA_MAX=${arenas}`);
    child = spawn(process.execPath, [main], {
      cwd: repoRoot,
      env: { ...process.env, ...env, MALLOC_ARENA_MAX: arenas },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/health/ready`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 600 || child.exitCode !== null) throw new Error('the ingest service did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    const token = await signDevToken(config, { sub: 'bench.scan', name: 'Bench Scan', roles: ['scan_operator'], departments: [] });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(child!.pid!).rss)), 100);
    const rows: string[] = [];
    const show = (label: string) => rows.push(`${label.padEnd(22)} ${mb(rssOf(child!.pid!).rss).padStart(8)}`);
    show('ready, before uploads');
    for (let b = 0; b < batches; b++) {
      const form = new FormData();
      form.set('scanner', 'bench');
      // every batch is new content (content addressing would otherwise store nothing twice)
      letters.forEach((pdf, i) => form.append('files', new Blob([pdf, Buffer.from(`\n% batch ${b} ${runId}\n`)], { type: 'application/pdf' }), `brief-${b}-${i}.pdf`));
      const started = Date.now();
      const res = await fetch(`${base}/api/v1/batches`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
      const body = (await res.json()) as { documents?: unknown[]; error?: unknown };
      if (res.status !== 202) throw new Error(`batch ${b + 1}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      show(`after batch ${b + 1} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    show(`idle ${idleSeconds} s later`);
    clearInterval(sampler);
    console.log('\ningest RSS');
    for (const r of rows) console.log(r);
    console.log(`${'peak'.padEnd(22)} ${mb(Math.max(peak, rssOf(child.pid!).hwm)).padStart(8)}`);
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 2000));
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await dropDatabase(config.database.url).catch(() => undefined);
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
