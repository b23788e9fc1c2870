import './register-paths';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../libs/config/src';
import { preflight } from '../../libs/health/src/preflight';
import { runMigrations } from '../../libs/database/src';

/**
 * One fresh PostgreSQL database (migrated once), one Redis key prefix and one storage directory
 * per test run, so that runs never collide. Handed to the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/eakte_test_${runId}`;
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
  process.env.DATABASE_URL = base.toString();
  process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.QUEUE_PREFIX = `eakte-test-${runId}`;
  process.env.STORAGE_DRIVER = 'fs';
  process.env.STORAGE_DIR = mkdtempSync(path.join(os.tmpdir(), `eakte-test-${runId}-`));
  process.env.AUTH_JWT_SECRET = 'test-secret-for-the-e-akte-suite';
  process.env.SEED_DEMO_DATA = 'true';
  // suites keep their objects in storage directories of their own: a worker's fixity sweep over
  // the shared database would report the others' objects missing (test/fixity.e2e-spec.ts turns it on)
  process.env.FIXITY_SWEEP_EVERY_MINUTES = '0';
  process.env.ORPHAN_SWEEP_EVERY_MINUTES = '0'; // suites share one storage directory across databases: no suite may judge another's objects
  process.env.EAKTE_TEST_RUN_ID = runId;
  const config = loadConfig();
  await preflight(config, { createDatabase: true });
  await runMigrations(config.database.url);
}
