import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import Redis from 'ioredis';

/** A free TCP port on 127.0.0.1 (bound once and released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server of the test's own on a free port, keeping nothing on disk (as Redis runs here):
 * `kill()` loses everything, `start()` again brings up an empty one on the same port. Never the
 * shared Redis of the machine.
 */
export class PrivateRedis {
  private proc?: ChildProcess;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.start();
    return r;
  }

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'], { stdio: 'ignore' });
    this.proc = proc;
    const until = Date.now() + 10_000;
    for (;;) {
      const c = new Redis({ port: this.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => undefined); // refused while the server starts
      try {
        await c.connect();
        if ((await c.ping()) === 'PONG') return;
      } catch {
        /* not up yet */
      } finally {
        c.disconnect();
      }
      if (proc.exitCode !== null || Date.now() > until) throw new Error(`private redis-server on port ${this.port} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGKILL without waiting (exit handlers). */
  killSync(): void {
    if (this.proc && this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }

  /** SIGKILL: the data is lost (nothing on disk). */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
    this.proc = undefined;
  }
}
