import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

/** An account of the test issuer: a test user plus the password typed on the issuer's page. */
export interface IssuerAccount {
  sub: string;
  name?: string;
  password: string;
  roles: string[];
  departments?: string[];
}

export interface IssuerClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
}

export interface IssuerOptions {
  accounts: IssuerAccount[];
  clients: IssuerClient[];
  /** The development shortcut (login_hint signs in without password); off unless a test asks. */
  passwordlessLoginHint?: boolean;
  claims?: { roles?: string; departments?: string; name?: string };
  ttl?: { session?: number; idToken?: number; accessToken?: number; interaction?: number };
}

export interface TestIssuer {
  /** The issuer URL (AUTH_ISSUER), e.g. http://127.0.0.1:41234 */
  url: string;
  /** What the issuer printed on stderr (for failure messages). */
  stderr: () => string;
  stop: () => Promise<void>;
}

const SCRIPT = path.resolve(__dirname, '..', '..', 'apps', 'dev-issuer', 'main.mjs');

/**
 * Starts the development issuer (apps/dev-issuer/main.mjs, the same script `npm start` runs) as a
 * child process on a free loopback port with the test's own accounts and clients.
 */
export async function startIssuer(options: IssuerOptions): Promise<TestIssuer> {
  const config = { port: 0, passwordlessLoginHint: false, ...options };
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DEV_ISSUER_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the test issuer did not start within 15 s:\n${stderr}`)), 15_000);
    child.stdout!.on('data', (d) => {
      stdout += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the test issuer exited (${code}):\n${stderr}`));
    });
  });
  return {
    url,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
