import { Logger } from '@nestjs/common';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { prepareLangDir } from './traineddata';

export interface TesseractPoolOptions {
  /** Number of recognition workers (each one is a thread running tesseract's wasm core). */
  size: number;
  /** Languages joined by "+", e.g. "deu+eng". */
  langs: string;
  /** Time allowed for creating a worker and for one recognition. */
  timeoutMs: number;
}

export interface RecognizeRequest {
  /** An encoded image (PNG) of one page. */
  image: Buffer;
  dpi: number;
  /** Tesseract page segmentation mode. */
  psm: '3' | '4' | '6';
  /** Also return a one-page PDF carrying only the invisible text layer. */
  textPdf: boolean;
}

export interface RecognizeResult {
  text: string;
  confidence: number;
  textPdf?: Uint8Array;
}

export interface OrientationResult {
  /** Clockwise rotation that makes the page upright. */
  degrees: 0 | 90 | 180 | 270;
  confidence: number;
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * A pool of tesseract.js workers shared by every document in the process. Workers are created
 * lazily (the ingest app only inspects uploads and never starts one), reused across documents,
 * and replaced when one times out or crashes. Failures here are transient (plain Error): the job
 * is retried.
 */
export class TesseractPool {
  private readonly logger = new Logger(TesseractPool.name);
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(w: Worker | null) => void> = [];
  private created = 0;
  private osd?: Promise<Worker>;
  private osdBusy: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: TesseractPoolOptions) {}

  get size(): number {
    return this.options.size;
  }

  /** Recognition workers currently started (0 until the first page is recognised). */
  get startedWorkers(): number {
    return this.created;
  }

  get langs(): string {
    return this.options.langs;
  }

  async recognize(req: RecognizeRequest): Promise<RecognizeResult> {
    const worker = await this.acquire();
    let healthy = true;
    try {
      await worker.setParameters({ tessedit_pageseg_mode: req.psm as any, user_defined_dpi: String(Math.round(req.dpi)) });
      const result = await withTimeout(
        worker.recognize(req.image, req.textPdf ? ({ pdfTitle: 'OCR', pdfTextOnly: true } as any) : {}, {
          text: true,
          pdf: req.textPdf,
        } as any),
        this.options.timeoutMs,
        'OCR of a page',
      );
      const data = result.data as any;
      return {
        text: String(data.text ?? ''),
        confidence: Number(data.confidence ?? 0),
        textPdf: req.textPdf && data.pdf ? Uint8Array.from(data.pdf) : undefined,
      };
    } catch (e) {
      healthy = false;
      throw e instanceof Error ? e : new Error(`OCR failed: ${String(e)}`);
    } finally {
      this.release(worker, healthy);
    }
  }

  /** Orientation and script detection on a (downscaled) page; one legacy-engine worker, serialised. */
  async detectOrientation(image: Buffer): Promise<OrientationResult> {
    const run = async (): Promise<OrientationResult> => {
      if (!this.osd) {
        const langPath = prepareLangDir(['osd'], 'legacy');
        this.osd = withTimeout(
          (async () => {
            const w = await createWorker('osd', OEM.TESSERACT_ONLY, { langPath, cacheMethod: 'none', gzip: true, legacyCore: true, legacyLang: true });
            // Tesseract's OSD chatter ("Too few characters. Skipping this page") goes to its debug file, not to our stdout.
            await w.setParameters({ debug_file: '/dev/null' } as any);
            return w;
          })(),
          this.options.timeoutMs,
          'starting the orientation detector',
        );
        this.osd.catch(() => (this.osd = undefined));
      }
      const worker = await this.osd;
      try {
        const res = await withTimeout(worker.detect(image), this.options.timeoutMs, 'orientation detection');
        const deg = Number(res.data.orientation_degrees ?? 0);
        return {
          degrees: ([0, 90, 180, 270].includes(deg) ? deg : 0) as OrientationResult['degrees'],
          confidence: Number(res.data.orientation_confidence ?? 0),
        };
      } catch (e) {
        this.osd = undefined;
        void worker.terminate().catch(() => undefined);
        throw e instanceof Error ? e : new Error(`orientation detection failed: ${String(e)}`);
      }
    };
    const next = this.osdBusy.then(run, run);
    this.osdBusy = next.catch(() => undefined);
    return next;
  }

  /** Nest lifecycle: terminate the workers on shutdown. */
  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w(null);
    const workers = this.idle.splice(0);
    await Promise.all(workers.map((w) => w.terminate().catch(() => undefined)));
    if (this.osd) {
      const osd = await this.osd.catch(() => undefined);
      await osd?.terminate().catch(() => undefined);
      this.osd = undefined;
    }
  }

  private async acquire(): Promise<Worker> {
    if (this.closed) throw new Error('OCR pool is shut down');
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.created < this.options.size) {
      this.created++;
      try {
        return await this.createRecognizer();
      } catch (e) {
        this.created--;
        this.wakeOne();
        throw e;
      }
    }
    const worker = await new Promise<Worker | null>((resolve) => this.waiting.push(resolve));
    if (!worker) {
      // A slot became free without a worker (one was discarded): create a new one.
      if (this.closed) throw new Error('OCR pool is shut down');
      return this.acquire();
    }
    return worker;
  }

  private release(worker: Worker, healthy: boolean): void {
    if (!healthy || this.closed) {
      this.created--;
      void worker.terminate().catch(() => undefined);
      this.wakeOne();
      return;
    }
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }

  private wakeOne(): void {
    const next = this.waiting.shift();
    if (next) next(null);
  }

  private async createRecognizer(): Promise<Worker> {
    const langs = this.options.langs.split('+');
    const langPath = prepareLangDir(langs, 'lstm'); // throws if a language package is missing
    const started = Date.now();
    const slot = this.created;
    const worker = await withTimeout(
      createWorker(langs, OEM.LSTM_ONLY, { langPath, cacheMethod: 'none', gzip: true }),
      this.options.timeoutMs,
      'starting an OCR worker',
    );
    this.logger.log(`OCR worker ${slot}/${this.options.size} ready (${this.options.langs}) in ${Date.now() - started} ms`);
    return worker;
  }
}
