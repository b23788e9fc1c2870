import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ScanRejectedError } from '../document-processor';
import type { PdfRaster, PdfWorkerInit, PdfWorkerRequest, PdfWorkerResponse } from './pdf-worker-protocol';

export interface PdfLimits {
  /** Heap limit of the parsing thread. */
  heapMb: number;
  /** Time allowed to open the document and for each page request. */
  openTimeoutMs: number;
  pageTimeoutMs: number;
  /** Embedded images with more pixels are not decoded (pixel bombs). */
  maxImagePixels: number;
}

export interface PdfPageResult {
  widthPt: number;
  heightPt: number;
  text?: string;
  /** Non-whitespace characters of the text layer. */
  chars: number;
  image?: PdfRaster;
}

const WORKER_FILE = path.join(__dirname, `pdf-page.worker${path.extname(__filename)}`);

let workerCode: string | undefined;

/** The worker's TypeScript source as CommonJS (only when running from sources; swc is a dev dependency). */
function transpiledWorker(): string {
  if (workerCode === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const swc = require('@swc/core');
    workerCode = swc.transformSync(readFileSync(WORKER_FILE, 'utf8'), {
      filename: WORKER_FILE,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    }).code as string;
  }
  return workerCode;
}

/**
 * One PDF opened in its own worker thread. Each request has a timeout; a request that times out,
 * or a thread that runs out of heap, ends the session with a ScanRejectedError (the file is
 * hostile or too complex), so a bad PDF can never hang or crash the process.
 */
export class PdfSession {
  private worker: Worker;
  private pending?: { resolve: (r: PdfWorkerResponse) => void; reject: (e: Error) => void };
  private exitError?: Error;
  private closed = false;

  private constructor(private readonly limits: PdfLimits) {
    const init: PdfWorkerInit = { maxImagePixels: limits.maxImagePixels };
    const resourceLimits = { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: 16 };
    if (WORKER_FILE.endsWith('.ts')) {
      // Running from TypeScript sources (tests, ts-node scripts): the worker (one self-contained
      // file) is transpiled once in this thread and run as a CommonJS module in the new thread.
      const bootstrap = `
        const path = require('node:path'); const Module = require('node:module');
        const { file, code } = require('node:worker_threads').workerData.source;
        const m = new Module(file); m.filename = file; m.paths = Module._nodeModulePaths(path.dirname(file));
        m._compile(code, file);`;
      this.worker = new Worker(bootstrap, { eval: true, workerData: { ...init, source: { file: WORKER_FILE, code: transpiledWorker() } }, resourceLimits, stdout: true, stderr: true });
    } else {
      this.worker = new Worker(WORKER_FILE, { workerData: init, resourceLimits, stdout: true, stderr: true });
    }
    this.worker.unref();
    this.worker.on('message', (msg: PdfWorkerResponse) => {
      const p = this.pending;
      this.pending = undefined;
      p?.resolve(msg);
    });
    this.worker.on('error', (err: any) => {
      this.exitError =
        err?.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ScanRejectedError(`PDF needs more than ${limits.heapMb} MB to parse or render (too complex or a decompression bomb)`)
          : new Error(`PDF worker failed: ${err?.message ?? err}`);
      this.fail(this.exitError);
    });
    this.worker.on('exit', (code) => {
      this.closed = true;
      this.fail(this.exitError ?? new Error(`PDF worker exited with code ${code}`));
    });
  }

  static async open(filePath: string, limits: PdfLimits): Promise<{ session: PdfSession; numPages: number; encrypted: boolean }> {
    const session = new PdfSession(limits);
    try {
      const res = await session.request({ op: 'open', filePath }, limits.openTimeoutMs, 'opening the PDF');
      if (!res.ok) throw session.mapError(res, 'PDF cannot be opened');
      if (!('numPages' in res)) throw new Error('unexpected PDF worker answer');
      return { session, numPages: res.numPages, encrypted: res.encrypted };
    } catch (e) {
      await session.close();
      throw e;
    }
  }

  async page(pageNo: number, opts: { text: boolean; render: boolean; dpi: number; maxPixels: number }): Promise<PdfPageResult> {
    const res = await this.request({ op: 'page', pageNo, ...opts }, this.limits.pageTimeoutMs, `reading page ${pageNo}`);
    if (!res.ok) throw this.mapError(res, `PDF page ${pageNo} cannot be read`);
    if (!('widthPt' in res)) throw new Error('unexpected PDF worker answer');
    return res;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }

  private request(req: PdfWorkerRequest, timeoutMs: number, what: string): Promise<PdfWorkerResponse> {
    if (this.closed) return Promise.reject(this.exitError ?? new Error('PDF session is closed'));
    return new Promise<PdfWorkerResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new ScanRejectedError(`PDF processing timed out while ${what} (${Math.round(timeoutMs / 1000)} s): the file is corrupt or too complex`));
        void this.close();
      }, timeoutMs);
      this.pending = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.worker.postMessage(req);
    });
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
  }

  private mapError(res: { name: string; message: string }, prefix: string): Error {
    if (res.name === 'PasswordException') {
      return new ScanRejectedError('PDF is encrypted and needs a password; upload an unencrypted scan');
    }
    if (res.name === 'InvalidPDFException' || res.name === 'FormatError' || res.name === 'UnknownErrorException') {
      return new ScanRejectedError(`${prefix}: ${res.message}`);
    }
    // Anything pdf.js throws while parsing is a property of the file, not of the system.
    return new ScanRejectedError(`${prefix}: ${res.message}`);
  }
}
