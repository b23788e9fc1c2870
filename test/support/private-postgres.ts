import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './private-redis';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of its own (initdb in a temporary directory, a free port on 127.0.0.1,
 * trust authentication, user `postgres`), for tests that stop or restart the database server:
 * never the shared server of the machine. As root the server runs as the `postgres` OS user.
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly asUser: string[],
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eakte-pg-'));
    const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
    if (asUser.length) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(dir, uid, gid);
    }
    const pg = new PrivatePostgres(await freePort(), dir, asUser);
    try {
      await pg.run('initdb', ['-D', pg.dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
      await pg.ctl('start', ['-l', path.join(dir, 'server.log'), '-o', pg.serverOptions()]);
    } catch (e) {
      pg.destroy();
      throw e;
    }
    return pg;
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /** Connection URL of a database on this cluster. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** `pg_ctl restart -m <mode>`: every connection is cut, the server is back when this returns. */
  restart(mode: 'fast' | 'immediate' | 'smart' = 'fast'): Promise<void> {
    return this.ctl('restart', ['-m', mode, '-l', path.join(this.dir, 'server.log'), '-o', this.serverOptions()]);
  }

  stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    return this.ctl('stop', ['-m', mode]);
  }

  /** Stops the server (immediately) and removes its files; safe to call more than once and from exit handlers. */
  destroy(): void {
    spawnSync(this.asUser[0] ?? path.join(BIN, 'pg_ctl'), [...this.asUser.slice(1), ...(this.asUser.length ? [path.join(BIN, 'pg_ctl')] : []), 'stop', '-D', this.dataDir, '-m', 'immediate', '-w'], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }

  private serverOptions(): string {
    return `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400`;
  }

  private ctl(command: string, args: string[]): Promise<void> {
    return this.run('pg_ctl', [command, '-D', this.dataDir, '-w', '-t', '60', ...args]);
  }

  /** Runs a PostgreSQL tool without blocking the event loop (load keeps running during a restart). */
  private run(tool: string, args: string[]): Promise<void> {
    const [cmd, ...pre] = this.asUser.length ? [...this.asUser, path.join(BIN, tool)] : [path.join(BIN, tool)];
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, [...pre, ...args], { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${tool} ${args[0]} failed (${code}): ${out.trim().slice(-500)}`))));
    });
  }
}
