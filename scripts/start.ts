import { ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { AppConfig, loadConfig } from '@app/config';
import { runMigrations } from '@app/database';
import { preflight } from '@app/health';
import { DEMO_PASSWORD, DEMO_USERS } from '@app/sign-in';

/**
 * `npm start`: checks PostgreSQL and Redis (creating the database if missing), applies migrations,
 * then runs the records API, the ingest service and the worker as child processes; in development
 * without a configured issuer also the development issuer (apps/dev-issuer), which the records
 * API then uses for browser sign-in.
 */
const APPS = ['records-api', 'ingest', 'worker'];
const DEV_CLIENT_ID = 'eakte-web-dev';

/**
 * Starts the development issuer with the demo accounts on loopback; resolves with the records
 * API's sign-in settings once it listens. The client secret is new on every start and known only
 * to the two processes.
 */
async function startDevIssuer(config: AppConfig): Promise<{ child: ChildProcess; env: Record<string, string> }> {
  const secret = randomBytes(32).toString('base64url');
  const issuerConfig = {
    port: config.devIssuerPort,
    passwordlessLoginHint: true,
    accounts: DEMO_USERS.map((u) => ({ sub: u.loginHint, name: u.name, password: DEMO_PASSWORD, roles: [u.role], departments: u.departments })),
    clients: [{ client_id: DEV_CLIENT_ID, client_secret: secret, redirect_uris: [config.oidc.redirectUri], post_logout_redirect_uris: [config.oidc.postLogoutRedirectUri] }],
    claims: config.auth.claims,
    ttl: { session: Math.round(config.session.ttlMinutes * 60) },
  };
  const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'apps', 'dev-issuer', 'main.mjs')], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', DEV_ISSUER_CONFIG: JSON.stringify(issuerConfig) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      process.stdout.write(d);
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the development issuer exited (${code}); is port ${config.devIssuerPort} (DEV_ISSUER_PORT) free?`)));
  });
  return { child, env: { OIDC_ISSUER: url, OIDC_CLIENT_ID: DEV_CLIENT_ID, OIDC_CLIENT_SECRET: secret } };
}

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
  let signInEnv: Record<string, string> = {};
  if (config.env === 'development' && !config.oidc.issuer) {
    const dev = await startDevIssuer(config);
    signInEnv = dev.env;
    children.push(dev.child);
    dev.child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`[start] dev-issuer exited (${signal ?? code}); stopping the others`);
        stop(code || 1);
      }
    });
    console.log(`[start] development sign-in: ${dev.env.OIDC_ISSUER} with the demo users (${DEMO_USERS.map((u) => u.loginHint).join(', ')}; password "${DEMO_PASSWORD}")`);
  }
  for (const app of APPS) {
    // glibc arenas per OCR thread fragment the worker's memory; two arenas keep its RSS bounded
    // glibc's default of 8 arenas per core keeps freed memory of the worker's OCR threads resident;
    // the Docker image sets the same. (For ingest it made no difference: bench:ingest-memory,
    // 3 × 60 letters, idle 185 MB with 16 arenas, 181 MB with 2.)
    const env = app === 'records-api' ? { ...process.env, ...signInEnv } : { MALLOC_ARENA_MAX: '2', ...process.env };
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
