import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RunSummary } from './chain-verifier';
import type { SliceRequest, SliceResponse } from './verify-slice.worker';

const WORKER_FILE = path.join(__dirname, `verify-slice.worker${path.extname(__filename)}`);

/**
 * Runs the worker file. From TypeScript sources (tests, ts-node scripts) the worker and the modules
 * it loads are transpiled here, once, with swc (a dev dependency; native, so it is not loaded into
 * the threads) and handed over as CommonJS; the built app runs the .js file.
 */
const BOOTSTRAP = `
  const { workerData } = require('node:worker_threads');
  const sources = workerData.sources;
  require.extensions['.ts'] = (m, filename) => {
    if (!(filename in sources)) throw new Error('audit verify thread: no transpiled source for ' + filename);
    m._compile(sources[filename], filename);
  };
  require(workerData.file);`;

/** The modules the worker may load: those of this folder and the event model it imports. */
const workerModules = () => [...readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts')), '../audit-event.ts'];
let transpiled: Record<string, string> | undefined;

function workerSources(): Record<string, string> {
  if (!transpiled) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const swc = require('@swc/core');
    const sources: Record<string, string> = {};
    for (const name of workerModules()) {
      const file = path.join(__dirname, name);
      sources[file] = swc.transformSync(readFileSync(file, 'utf8'), {
        filename: file,
        jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022', transform: { legacyDecorator: true, decoratorMetadata: true } },
        module: { type: 'commonjs' },
      }).code as string;
    }
    transpiled = sources;
  }
  return transpiled;
}

interface Thread {
  worker: Worker;
  pending: { resolve: (r: RunSummary) => void; reject: (e: Error) => void } | null;
}

/**
 * A few threads re-hashing slices of the chain in parallel, each over its own database connection
 * (audit verification is CPU-bound in this process otherwise). `run` queues a slice for the next
 * idle thread; `close` ends them all, also in the middle of a slice.
 */
export class VerifyThreads {
  private readonly threads: Thread[] = [];
  private readonly queue: { request: SliceRequest; resolve: (r: RunSummary) => void; reject: (e: Error) => void }[] = [];
  private closed = false;

  constructor(count: number, url: string, anchored: ReadonlyMap<number, string>) {
    const fromSources = WORKER_FILE.endsWith('.ts');
    const workerData = { url, anchors: [...anchored.entries()], file: WORKER_FILE, sources: fromSources ? workerSources() : undefined };
    for (let i = 0; i < count; i++) {
      // execArgv: []: not the loaders of this process (ts-node, say); the bootstrap handles sources
      const worker = fromSources ? new Worker(BOOTSTRAP, { eval: true, workerData, execArgv: [] }) : new Worker(WORKER_FILE, { workerData, execArgv: [] });
      const thread: Thread = { worker, pending: null };
      worker.on('message', (msg: SliceResponse) => {
        const p = thread.pending;
        thread.pending = null;
        if (msg.ok) p?.resolve(msg.run);
        else p?.reject(new Error(`audit verify thread: ${msg.error}`));
        this.next(thread);
      });
      worker.on('error', (e) => this.fail(thread, e));
      worker.on('exit', (code) => this.fail(thread, new Error(`audit verify thread exited (${code})`)));
      this.threads.push(thread);
    }
  }

  run(lo: number, hi: number): Promise<RunSummary> {
    if (this.closed) return Promise.reject(new Error('audit verify threads are closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { lo, hi }, resolve, reject });
      const idle = this.threads.find((t) => !t.pending);
      if (idle) this.next(idle);
    });
  }

  /** Ends the threads; slices still queued or running fail. */
  async close(): Promise<void> {
    this.closed = true;
    const closed = new Error('audit verify threads are closed');
    for (const q of this.queue.splice(0)) q.reject(closed);
    for (const t of this.threads) {
      t.pending?.reject(closed);
      t.pending = null;
    }
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private next(thread: Thread): void {
    if (thread.pending || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    thread.pending = { resolve: job.resolve, reject: job.reject };
    thread.worker.postMessage(job.request);
  }

  /** A thread that failed or ended: whatever was waiting fails (the verification reports an error). */
  private fail(thread: Thread, e: Error): void {
    if (this.closed) return;
    thread.pending?.reject(e);
    thread.pending = null;
    void this.close();
  }
}
