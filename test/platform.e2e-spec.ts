import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import request from 'supertest';
import { IngestAppModule } from '../apps/ingest/src/ingest.module';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { GENESIS_HASH, formatMicros, hashEvent } from '../libs/audit/src';
import { signDevToken } from '../libs/auth/src';
import { APP_CONFIG, loadConfig } from '../libs/config/src';
import { dropDatabase } from '../libs/database/src';
import { preflight } from '../libs/health/src';
import { startApp, users } from './support/app';
import { freshDatabase } from './support/database';

const repoRoot = path.resolve(__dirname, '..');
const run = promisify(execFile);
const SECRET = process.env.AUTH_JWT_SECRET!;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  stop: () => Promise<void>;
}

function spawnNode(args: string[], env: Record<string, string | undefined>): Proc {
  const started = Date.now();
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - started })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function waitForHealth(port: number, proc: Proc, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.child.exitCode !== null) throw new Error(`exited early (${proc.child.exitCode}):\n${proc.stderr()}\n${proc.stdout().slice(-2000)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no /health on :${port} within ${timeoutMs} ms:\n${proc.stderr()}`);
}

function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...jsFiles(p));
    else if (p.endsWith('.js')) out.push(p);
  }
  return out;
}

describe('platform (e2e)', () => {
  describe('health and readiness (in process)', () => {
    it('records API and ingest report liveness and readiness of database, Redis and storage', async () => {
      for (const module of [RecordsApiModule, IngestAppModule]) {
        const t = await startApp(module, { seed: false });
        try {
          expect((await t.http().get('/health').expect(200)).body).toEqual({ status: 'ok' });
          const ready = await t.http().get('/health/ready').expect(200);
          expect(ready.body.status).toBe('ok');
          expect(ready.body.details).toEqual({ database: { status: 'up' }, redis: { status: 'up' }, storage: { status: 'up', driver: 'fs' } });
        } finally {
          await t.close();
        }
      }
    });

    it('the worker serves /health and /health/ready and nothing else', async () => {
      const config = loadConfig(process.env);
      const moduleRef = await Test.createTestingModule({ imports: [WorkerModule] }).overrideProvider(APP_CONFIG).useValue(config).compile();
      const app: INestApplication = moduleRef.createNestApplication({ bodyParser: false, logger: false });
      app.useLogger(app.get(Logger));
      await app.init();
      try {
        await request(app.getHttpServer()).get('/health').expect(200);
        const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
        expect(Object.keys(ready.body.details).sort()).toEqual(['database', 'redis', 'storage']);
        await request(app.getHttpServer()).get('/api/v1/case-files').expect(404);
        await request(app.getHttpServer()).get('/api/docs').expect(404);
      } finally {
        await app.close();
      }
    });

    it('readiness answers 503 naming the dependency that is down', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'eakte-ready-'));
      const t = await startApp(RecordsApiModule, { env: { STORAGE_DIR: dir }, seed: false });
      try {
        await t.http().get('/health/ready').expect(200);
        rmSync(dir, { recursive: true, force: true });
        const res = await t.http().get('/health/ready').expect(503);
        // answered through the app's error filter: { error: { code, message, details: <per dependency> } }
        expect(res.body.error.code).toBe('ServiceUnavailable');
        expect(res.body.error.details.storage).toMatchObject({ status: 'down', driver: 'fs' });
        expect(res.body.error.details.database).toEqual({ status: 'up' });
        await t.http().get('/health').expect(200); // liveness is not readiness
      } finally {
        await t.close();
      }
    });
  });

  describe('preflight', () => {
    it('fails within seconds naming PostgreSQL and Redis and how to provide them', async () => {
      const [pgPort, redisPort] = [await freePort(), await freePort()];
      const started = Date.now();
      const err = await preflight(loadConfig({ DATABASE_URL: `postgres://postgres:pw-not-for-logs@127.0.0.1:${pgPort}/eakte`, REDIS_URL: `redis://127.0.0.1:${redisPort}` })).catch((e) => e);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toMatch(/PostgreSQL is unreachable at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/eakte/);
      expect(err.message).toMatch(/set DATABASE_URL/);
      expect(err.message).toMatch(/Redis is unreachable at redis:\/\/127\.0\.0\.1:\d+/);
      expect(err.message).toMatch(/set REDIS_URL/);
      expect(err.message).not.toContain('pw-not-for-logs');
    });

    it('passes when both answer', async () => {
      await expect(preflight(loadConfig(process.env))).resolves.toBeUndefined();
    });
  });

  describe('built apps (npm run build, node dist/...)', () => {
    const rel = path.join('tmp', `platform-build-${process.env.EAKTE_TEST_RUN_ID ?? process.pid}`);
    const dist = path.join(repoRoot, rel);
    const entry = (app: string) => path.join(dist, 'apps', app, 'src', 'main.js');
    const procs: Proc[] = [];
    const spawnTracked = (args: string[], env: Record<string, string | undefined>) => {
      const p = spawnNode(args, env);
      procs.push(p);
      return p;
    };

    let typeErrors = '';
    beforeAll(async () => {
      // the same two steps as `npm run build`, into a directory of this run; tsc emits even when it
      // reports type errors, so the other tests still run and only the first one fails on them
      try {
        await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', rel], { cwd: repoRoot, maxBuffer: 10 * 1024 * 1024 });
      } catch (e) {
        typeErrors = (e as { stdout?: string }).stdout || (e as Error).message;
      }
      await run(process.execPath, [require.resolve('tsc-alias/dist/bin/index.js'), '-p', 'tsconfig.build.json', '--outDir', rel], { cwd: repoRoot });
    }, 240_000);
    afterEach(async () => {
      await Promise.all(procs.splice(0).map((p) => p.stop()));
    });
    afterAll(() => rmSync(dist, { recursive: true, force: true }));

    it('compiles without type errors (npm run build, and so npm start, would fail otherwise)', () => {
      expect(typeErrors).toBe('');
    });

    it('rewrites every @app/* import to a relative path', () => {
      const files = jsFiles(dist);
      expect(files.length).toBeGreaterThan(20);
      const unresolved = files.filter((f) => /require\(["']@app\//.test(readFileSync(f, 'utf8'))).map((f) => path.relative(dist, f));
      expect(unresolved).toEqual([]);
      for (const app of ['records-api', 'ingest', 'worker']) expect(statSync(entry(app)).isFile()).toBe(true);
    });

    it('runs the audit verify threads from the built worker file (no TypeScript at run time)', async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { VerifyThreads } = require(path.join(dist, 'libs', 'audit', 'src', 'chain', 'verify-threads.js'));
      const fresh = await freshDatabase('verify_threads');
      const db = new Client({ connectionString: fresh.url });
      await db.connect();
      try {
        let prevHash = GENESIS_HASH;
        for (let seq = 1; seq <= 5; seq++) {
          const e = { seq: String(seq), id: randomUUID(), occurredAt: formatMicros(BigInt(Date.now()) * 1000n + BigInt(seq)), actorSub: 'anna.schmidt', actorName: 'Anna Schmidt', actorRoles: ['caseworker'], actorDepartments: ['32'], action: 'document.read', objectType: 'document', objectId: randomUUID(), caseFileId: null, outcome: 'success' as const, requestId: null, clientIp: null, reason: null, details: seq % 2 ? { reference: `32.1.2-2026/0000${seq}` } : null, prevHash };
          const hash = hashEvent(e);
          await db.query(
            `INSERT INTO audit_events (seq, id, occurred_at, actor_sub, actor_name, actor_roles, actor_departments, action, object_type, object_id, outcome, details, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
            [e.seq, e.id, e.occurredAt, e.actorSub, e.actorName, e.actorRoles, e.actorDepartments, e.action, e.objectType, e.objectId, e.outcome, e.details && JSON.stringify(e.details), e.prevHash, hash],
          );
          prevHash = hash;
        }
        const verifyAll = async () => {
          const threads = new VerifyThreads(2, fresh.url, new Map());
          try {
            return await threads.run(1, 5);
          } finally {
            await threads.close();
          }
        };
        expect(await verifyAll()).toMatchObject({ checked: 5, firstSeq: 1, lastSeq: 5, lastHash: prevHash, failure: null });
        await db.query('BEGIN');
        await db.query('SET LOCAL session_replication_role = replica');
        await db.query("UPDATE audit_events SET actor_name = 'Mallory' WHERE seq = 3");
        await db.query('COMMIT');
        expect(await verifyAll()).toMatchObject({ checked: 2, failure: { seq: 3, type: 'hash_mismatch' } });
      } finally {
        await db.end();
        await fresh.drop();
      }
    });

    it.each([
      ['records-api', 'RECORDS_PORT', true],
      ['ingest', 'INGEST_PORT', true],
      ['worker', 'WORKER_HEALTH_PORT', false],
    ])('%s starts from dist, is ready, logs JSON without credentials and stops on SIGTERM', async (app, portVar, hasApi) => {
      const port = await freePort();
      const p = spawnTracked([entry(app)], { [portVar]: String(port), LOG_LEVEL: 'info', NODE_ENV: 'development' });
      await waitForHealth(port, p, 120_000);
      const base = `http://127.0.0.1:${port}`;
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(Object.keys(((await ready.json()) as { details: object }).details).sort()).toEqual(['database', 'redis', 'storage']);

      const token = await signDevToken(loadConfig(process.env), { sub: users.caseworker32.sub, roles: ['caseworker'], departments: ['32'] });
      const requestId = `platform-log-${app}-${port}`;
      const res = await fetch(`${base}/api/v1/case-files`, { headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': requestId } });
      if (app === 'records-api') expect(res.status).toBe(200);
      else expect(res.status).toBe(404); // ingest and worker do not serve case files
      await fetch(`${base}/api/v1/case-files`, { headers: { Authorization: 'Bearer forged.token-value-never-logged', 'X-Request-Id': `${requestId}-bad` } });
      const docs = await fetch(`${base}/api/docs-json`);
      expect(docs.status).toBe(hasApi ? 200 : 404);

      const stopped = Date.now();
      p.child.kill('SIGTERM');
      const exit = await p.exited;
      expect(Date.now() - stopped).toBeLessThan(10_000);
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);

      const out = p.stdout();
      const lines = out.split('\n').filter(Boolean);
      const json = lines.map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return null;
        }
      });
      expect(json.filter((j) => j === null)).toEqual([]); // every stdout line is structured JSON
      if (hasApi) expect(json.some((j) => j!.requestId === requestId)).toBe(true); // the request was logged with its id
      expect(out + p.stderr()).not.toContain(token);
      expect(out + p.stderr()).not.toContain('forged.token-value-never-logged');
      expect(out + p.stderr()).not.toContain(SECRET);
      expect(out.toLowerCase()).not.toMatch(/"authorization":"bearer/);
    }, 180_000);

    it.each(['records-api', 'ingest', 'worker'])('%s fails within seconds naming PostgreSQL and Redis when they are unreachable', async (app) => {
      const [pgPort, redisPort] = [await freePort(), await freePort()];
      const p = spawnTracked([entry(app)], { DATABASE_URL: `postgres://postgres:pw-not-for-logs@127.0.0.1:${pgPort}/eakte`, REDIS_URL: `redis://127.0.0.1:${redisPort}` });
      const exit = await p.exited;
      expect(exit.code).toBe(1);
      // About 2 s on an idle machine, nearly all of it loading the app's modules; under a loaded CI
      // run loading alone took 20 s, so this bound only proves it does not hang. The check itself
      // is bounded above (preflight < 5 s).
      expect(exit.ms).toBeLessThan(60_000);
      expect(p.stderr()).toMatch(/PostgreSQL is unreachable .*set DATABASE_URL/);
      expect(p.stderr()).toMatch(/Redis is unreachable .*set REDIS_URL/);
      expect(p.stderr() + p.stdout()).not.toContain('pw-not-for-logs');
    }, 90_000);

    it('refuses to start on invalid configuration, listing every bad variable', async () => {
      const p = spawnTracked([entry('records-api')], { RECORDS_PORT: 'abc', MAX_UPLOAD_MB: '-1', STORAGE_DRIVER: 'ftp', AUTH_JWT_SECRET: 'short' });
      const exit = await p.exited;
      expect(exit.code).toBe(1);
      expect(exit.ms).toBeLessThan(60_000);
      for (const v of ['RECORDS_PORT', 'MAX_UPLOAD_MB', 'STORAGE_DRIVER', 'AUTH_JWT_SECRET']) expect(p.stderr()).toContain(v);
      expect(p.stderr()).not.toContain('short"');
    }, 90_000);

    it.each([
      ['records-api', 'apps/records-api/src/records-api.module.js', 'RecordsApiModule'],
      ['ingest', 'apps/ingest/src/ingest.module.js', 'IngestAppModule'],
      ['worker', 'apps/worker/src/worker.module.js', 'WorkerModule'],
    ])('%s closes without leaving handles open (the process ends by itself)', async (_app, modulePath, exportName) => {
      const script = `
        require('reflect-metadata');
        const { NestFactory } = require('@nestjs/core');
        const mod = require(${JSON.stringify(path.join(dist, modulePath))});
        (async () => {
          const app = await NestFactory.create(mod[${JSON.stringify(exportName)}], { logger: false, bodyParser: false, abortOnError: false });
          app.enableShutdownHooks();
          await app.listen(0, '127.0.0.1');
          const res = await fetch('http://127.0.0.1:' + app.getHttpServer().address().port + '/health/ready');
          if (res.status !== 200) throw new Error('not ready: ' + res.status);
          await app.close();
          setTimeout(() => { console.error('still open: ' + JSON.stringify(process.getActiveResourcesInfo())); process.exit(3); }, 8000).unref();
        })().catch((e) => { console.error(e); process.exit(2); });
      `;
      const p = spawnTracked(['-e', script], { LOG_LEVEL: 'silent' });
      const exit = await p.exited;
      expect(p.stderr()).toBe('');
      expect(exit.code).toBe(0);
    }, 120_000);

    it('npm start (dist/scripts/start.js) creates the database, migrates, seeds and runs all three apps until SIGTERM', async () => {
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `${url.pathname}_start`;
      const dbUrl = url.toString();
      const [records, ingest, worker] = [await freePort(), await freePort(), await freePort()];
      const p = spawnTracked([path.join(dist, 'scripts', 'start.js')], {
        DATABASE_URL: dbUrl,
        RECORDS_PORT: String(records),
        INGEST_PORT: String(ingest),
        WORKER_HEALTH_PORT: String(worker),
        LOG_LEVEL: 'warn',
      });
      try {
        await Promise.all([waitForHealth(records, p, 180_000), waitForHealth(ingest, p, 180_000), waitForHealth(worker, p, 180_000)]);
        for (const port of [records, ingest, worker]) expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
        const db = new Client({ connectionString: dbUrl });
        await db.connect();
        try {
          const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM departments')).rows;
          expect(n).toBeGreaterThanOrEqual(8);
          expect((await db.query("SELECT 1 FROM file_plan_units WHERE code = '32.1.2'")).rowCount).toBe(1);
        } finally {
          await db.end();
        }
        expect(p.stdout()).toMatch(/created database|migrated:/);
        p.child.kill('SIGTERM');
        const exit = await p.exited;
        expect(exit.code).toBe(0);
        for (const port of [records, ingest, worker]) await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toBeTruthy();
      } finally {
        await p.stop();
        await dropDatabase(dbUrl);
      }
    }, 300_000);
  });
});
