import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { loadConfig } from '@app/config';
import { runMigrations } from '@app/database';
import { preflight } from '@app/health';

/**
 * `npm start`: checks PostgreSQL and Redis (creating the database if missing), applies migrations,
 * then runs the records API, the ingest service and the worker as child processes.
 */
const APPS = ['records-api', 'ingest', 'worker'];

async function main(): Promise<void> {
  const config = loadConfig();
  await preflight(config, { createDatabase: true });
  await runMigrations(config.database.url, (m) => console.log(`[start] ${m}`));
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    setTimeout(() => process.exit(code), 15_000).unref();
    Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => process.exit(code));
  };
  for (const app of APPS) {
    // glibc arenas per OCR thread fragment the worker's memory; two arenas keep its RSS bounded
    const env = app === 'worker' ? { MALLOC_ARENA_MAX: '2', ...process.env } : process.env;
    const child = fork(path.join(__dirname, '..', 'apps', app, 'src', 'main.js'), [], { stdio: 'inherit', env });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`[start] ${app} exited (${signal ?? code}); stopping the others`);
        stop(code || 1);
      }
    });
    children.push(child);
  }
  console.log(`[start] records API on :${config.ports.records}, ingest on :${config.ports.ingest}, worker health on :${config.ports.workerHealth}`);
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
}

main().catch((e) => {
  console.error(`[start] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
