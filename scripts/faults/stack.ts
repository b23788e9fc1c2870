import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { signDevToken } from '@app/auth';
import { AppConfig, loadConfig } from '@app/config';
import { dropDatabase, ensureDatabase, runMigrations } from '@app/database';
import { FsObjectStorage, ObjectStorage, S3ObjectStorage } from '@app/storage';
import { PrivatePostgres } from '../../test/support/private-postgres';
import { PrivateRedis, freePort } from '../../test/support/private-redis';
import { healthy, until } from '../../test/support/processes';
import { RunningS3, startS3rver } from '../../test/support/s3rver';
import type { TestUser } from '../../test/support/app';

export type AppName = 'records-api' | 'ingest' | 'worker';

const repoRoot = path.resolve(__dirname, '..', '..');
const PORT_VARIABLE: Record<AppName, string> = { 'records-api': 'RECORDS_PORT', ingest: 'INGEST_PORT', worker: 'WORKER_HEALTH_PORT' };

/** Everything a run started, stopped on exit whatever happens (also on SIGINT/SIGTERM and uncaught errors). */
const cleanups = new Set<() => void>();
let exitHooked = false;
function onExit(fn: () => void): () => void {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', () => {
      for (const c of [...cleanups].reverse()) {
        try {
          c();
        } catch {
          /* best effort */
        }
      }
    });
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => process.exit(130));
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Kills a detached child and its whole process group. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* gone */
    }
  }
}

/** One private PostgreSQL cluster for the whole run; every stack gets a fresh database on it. */
let cluster: PrivatePostgres | undefined;
export async function privateCluster(): Promise<PrivatePostgres> {
  if (!cluster) {
    cluster = await PrivatePostgres.start();
    const pg = cluster;
    onExit(() => pg.destroy());
  }
  return cluster;
}

/** An app process started from `dist` as deployed (`node dist/apps/<app>/src/main.js`). */
export class AppProcess {
  readonly startedAt = Date.now();
  constructor(
    readonly app: AppName,
    readonly label: string,
    readonly port: number,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.alive) return Promise.resolve();
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    killGroup(this.child, signal);
    return gone;
  }

  /** SIGTERM (graceful shutdown), SIGKILL after `ms`. */
  async stop(ms = 10_000): Promise<void> {
    if (!this.alive) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    killGroup(this.child, 'SIGTERM');
    const t = setTimeout(() => killGroup(this.child, 'SIGKILL'), ms);
    await gone;
    clearTimeout(t);
  }

  logTail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

export interface StackOptions {
  name: string;
  storage?: 'fs' | 's3';
  /** Extra environment of every app process (and of the runner's config). */
  env?: Record<string, string>;
}

/**
 * The service as deployed on private dependencies: a fresh database on the run's private
 * PostgreSQL cluster, a private redis-server, filesystem storage or a private s3rver; app
 * processes from `dist` started and stopped by the scenario. `close()` undoes everything.
 */
export class Stack {
  readonly procs: AppProcess[] = [];
  readonly config: AppConfig;
  readonly db: Pool;
  private readonly queues = new Map<string, Queue>();
  private readonly removeExitHook: () => void;

  private constructor(
    readonly name: string,
    readonly env: Record<string, string>,
    readonly redis: PrivateRedis,
    readonly dir: string,
    readonly s3: RunningS3 | undefined,
    readonly pg: PrivatePostgres,
  ) {
    this.config = loadConfig({ ...env });
    this.db = new Pool({ connectionString: env.DATABASE_URL, max: 4 });
    this.db.on('error', () => undefined); // a restart of the cluster cuts idle clients
    this.removeExitHook = onExit(() => {
      for (const p of this.procs) killGroup(p.child, 'SIGKILL');
      this.redis.killSync();
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  static async start(options: StackOptions): Promise<Stack> {
    const pg = await privateCluster();
    const dir = mkdtempSync(path.join(os.tmpdir(), `eakte-faults-${options.name}-`));
    const redis = await PrivateRedis.start();
    let s3: RunningS3 | undefined;
    try {
      s3 = options.storage === 's3' ? await startS3rver({ bucket: `eakte-faults-${options.name}` }) : undefined;
      const database = `eakte_faults_${options.name.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        HOST: '127.0.0.1',
        DATABASE_URL: pg.url(database),
        REDIS_URL: redis.url,
        QUEUE_PREFIX: 'eakte-faults',
        STORAGE_DRIVER: 'fs',
        STORAGE_DIR: path.join(dir, 'objects'),
        SECRETS_DIR: path.join(dir, 'secrets'),
        AUTH_JWT_SECRET: `faults-${randomBytes(12).toString('hex')}`,
        AUDIT_ANCHOR_KEY: `anchor-${randomBytes(12).toString('hex')}`,
        SEED_DEMO_DATA: 'true',
        OCR_WORKERS: '1',
        MALLOC_ARENA_MAX: '2',
        ...(s3?.env ?? {}),
        ...(options.env ?? {}),
      };
      await ensureDatabase(env.DATABASE_URL);
      await runMigrations(env.DATABASE_URL);
      return new Stack(options.name, env, redis, dir, s3, pg);
    } catch (e) {
      await redis.kill();
      await s3?.stop();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * Starts one app process and waits until it answers (HTTP apps: /health/ready; the worker:
   * /health). `env` adds to the stack's environment; a variable set to undefined is removed.
   */
  async startApp(app: AppName, env: Record<string, string | undefined> = {}, waitMs = 120_000): Promise<AppProcess> {
    const port = await freePort();
    const label = `${app}#${this.procs.filter((p) => p.app === app).length + 1}`;
    const logFile = path.join(this.dir, `${label}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'apps', app, 'src', 'main.js')], {
      cwd: repoRoot,
      env: Object.fromEntries(Object.entries({ ...this.env, ...env, [PORT_VARIABLE[app]]: String(port) }).filter(([, v]) => v !== undefined)) as Record<string, string>,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    const proc = new AppProcess(app, label, port, child, logFile);
    this.procs.push(proc);
    try {
      await until(`${label} to answer`, async () => {
        if (!proc.alive) throw new Error('exited');
        return healthy(port, app === 'worker' ? '/health' : '/health/ready');
      }, waitMs, 250);
    } catch (e) {
      throw new Error(`${label} did not start (${proc.alive ? (e as Error).message : `exit ${child.exitCode ?? child.signalCode}`}):\n${proc.logTail()}`);
    }
    return proc;
  }

  running(app: AppName): AppProcess[] {
    return this.procs.filter((p) => p.app === app && p.alive);
  }

  token(who: TestUser, extra: { expiresIn?: string } = {}): Promise<string> {
    return signDevToken(this.config, { sub: who.sub, name: who.name, roles: who.roles, departments: who.departments ?? [], expiresIn: extra.expiresIn });
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(sql, params)).rows as T[];
  }

  /** The stack's object storage through the product's own driver. */
  storage(): ObjectStorage {
    return this.s3 ? new S3ObjectStorage(this.s3.settings) : new FsObjectStorage(this.env.STORAGE_DIR);
  }

  /**
   * Storage against rows: objects no document file refers to (orphans) and file rows whose object
   * is missing. Empty lists: nothing half-stored.
   */
  async storageConsistency(): Promise<{ orphans: string[]; missing: string[]; objects: number }> {
    const keys = new Set<string>();
    for await (const k of this.storage().keys()) keys.add(k);
    const rows = await this.query<{ k: string }>(`SELECT DISTINCT storage_key AS k FROM document_files`);
    const referenced = new Set(rows.map((r) => r.k));
    return { orphans: [...keys].filter((k) => !referenced.has(k)), missing: [...referenced].filter((k) => !keys.has(k)), objects: keys.size };
  }

  /** A BullMQ handle on one of the service's queues (in the private Redis, with the service's prefix). */
  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: { host: '127.0.0.1', port: this.redis.port, maxRetriesPerRequest: 1, enableOfflineQueue: false }, prefix: this.env.QUEUE_PREFIX });
      q.on('error', () => undefined); // Redis is killed on purpose
      this.queues.set(name, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    await Promise.all(this.procs.map((p) => p.stop(5000)));
    await this.db.end().catch(() => undefined);
    await this.redis.kill();
    await this.s3?.stop().catch(() => undefined);
    await dropDatabase(this.env.DATABASE_URL).catch(() => undefined);
    // the apps' logs outlive the run (test-artifacts/faults/<scenario>/), for reading a failure
    const logs = path.join(repoRoot, 'test-artifacts', 'faults', this.name);
    rmSync(logs, { recursive: true, force: true });
    mkdirSync(logs, { recursive: true });
    for (const p of this.procs) cpSync(p.logFile, path.join(logs, path.basename(p.logFile)), { force: true });
    rmSync(this.dir, { recursive: true, force: true });
    this.removeExitHook();
  }
}
