import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { redactUrl } from '@app/config';
import { dataSourceOptions } from './data-source-options';

export class DependencyUnavailableError extends Error {
  constructor(what: string, url: string, hint: string, cause?: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause ?? '');
    super(`${what} is unreachable at ${redactUrl(url)} (${reason}). ${hint}`);
    this.name = 'DependencyUnavailableError';
  }
}

/** How to provide PostgreSQL, for start-up errors. */
export const PG_HINT =
  'Start PostgreSQL (e.g. `pg_ctlcluster 15 main start` or `docker compose up -d postgres`) or set DATABASE_URL.';

function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name "${name}" must match [A-Za-z0-9_]+`);
  return name;
}

/** Creates the database named in `url` when it does not exist yet. Fails fast when unreachable. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const client = new Client({ connectionString: adminUrl(url), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (e) {
    throw new DependencyUnavailableError('PostgreSQL', url, PG_HINT, e);
  }
  try {
    const name = databaseName(url);
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } catch (e) {
      // another replica created it concurrently
      if ((e as { code?: string }).code !== '42P04') throw e;
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl(url), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${databaseName(url)}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

const MIGRATION_LOCK_KEY = 7_414_212_001;

/** Runs pending migrations under a PostgreSQL advisory lock so that replicas never race. */
export async function runMigrations(url: string, log: (msg: string) => void = () => undefined): Promise<string[]> {
  const ds = new DataSource({ ...dataSourceOptions({ database: { url, poolSize: 2 } }) });
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const done = await ds.runMigrations({ transaction: 'each' });
    for (const m of done) log(`migrated: ${m.name}`);
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
    await ds.destroy();
  }
}

export async function revertLastMigration(url: string): Promise<void> {
  const ds = new DataSource({ ...dataSourceOptions({ database: { url, poolSize: 2 } }) });
  await ds.initialize();
  try {
    await ds.undoLastMigration({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}
