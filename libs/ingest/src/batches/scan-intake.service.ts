import { Inject, Injectable, Logger } from '@nestjs/common';
import { createReadStream, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { DomainError, ErrorCode } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DocumentProcessor, ScanMimeType } from '@app/ocr';
import { DocumentService } from '@app/records';
import { FilePartInfo, ObjectStorage, sniffContentType, spool, StoredObject } from '@app/storage';

export const SCAN_CONTENT_TYPES: ScanMimeType[] = ['application/pdf', 'image/tiff', 'image/jpeg', 'image/png'];

/** One received file after storing and checking it, before any database row exists. */
export interface FileIntake {
  position: number;
  filename: string;
  /** The unchanged original in object storage (absent only when nothing could be kept: too large, empty). */
  stored: StoredObject | null;
  mimeType: string | null;
  pageCount: number | null;
  hasTextLayer: boolean;
  /** Why the file cannot be processed; the document is then `rejected`. */
  rejection: string | null;
}

const INSPECT_TIMEOUT_MS = 60_000;

/**
 * At most this many files are inspected at once in the process, whatever the number of requests
 * and files: each inspection of a PDF opens pdf.js in a thread with its own heap, and a batch of
 * 150 files started them all at once (RSS above 2 GB, never fully returned).
 */
const INSPECT_CONCURRENCY = Math.max(1, Math.min(4, os.availableParallelism()));

/** A FIFO of slots: `run` waits for a free one (spooled files wait on disk, not in memory). */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/**
 * Receives one scanned file: streams it to a local spool file (hashing it), stores it unchanged in
 * object storage as the original, and only then checks it (type by content, size, pages) with the
 * DocumentProcessor. A bad file becomes a rejection reason, never an exception for the batch.
 */
@Injectable()
export class ScanIntakeService {
  private readonly logger = new Logger(ScanIntakeService.name);
  private readonly spoolDir = path.join(os.tmpdir(), 'eakte-ingest');
  private readonly inspections = new Slots(INSPECT_CONCURRENCY);

  constructor(
    private readonly storage: ObjectStorage,
    private readonly processor: DocumentProcessor,
    private readonly documents: DocumentService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Removes originals stored for a request that then failed (unless other documents share them). */
  async discard(intakes: FileIntake[]): Promise<void> {
    for (const i of intakes) await this.documents.discardStored(i.stored);
  }

  async receive(stream: Readable, info: FilePartInfo, position: number): Promise<FileIntake> {
    const intake: FileIntake = { position, filename: info.filename, stored: null, mimeType: null, pageCount: null, hasTextLayer: false, rejection: null };
    const maxBytes = this.config.upload.maxBytes;
    let sniffed: string | null = null;
    // throws PayloadTooLarge (the multipart reader then drains the rest of the part; see rejectedIntake)
    const spooled = await spool(stream, this.spoolDir, { maxBytes, inspect: (head) => void (sniffed = sniffContentType(head)) });
    try {
      if (spooled.size === 0) {
        intake.rejection = 'the file is empty';
        return intake;
      }
      // the original first, unchanged, verified against the hash taken while receiving
      intake.stored = await this.storage.put(createReadStream(spooled.path), { expectedSha256: spooled.sha256, maxBytes });
      intake.mimeType = sniffed;
      if (!sniffed || !SCAN_CONTENT_TYPES.includes(sniffed as ScanMimeType)) {
        intake.rejection = `content type ${sniffed ?? 'unknown'} is not a scan (accepted: PDF, TIFF, JPEG, PNG)`;
        return intake;
      }
      try {
        const inspection = await this.inspections.run(() => withTimeout(this.processor.inspect(spooled.path), INSPECT_TIMEOUT_MS, 'inspection timed out'));
        intake.mimeType = inspection.mimeType;
        intake.pageCount = inspection.pageCount;
        intake.hasTextLayer = inspection.hasTextLayer;
        if (inspection.pageCount < 1) intake.rejection = 'the file has no pages';
        else if (inspection.pageCount > this.config.upload.maxPages) {
          intake.rejection = `${inspection.pageCount} pages exceed the limit of ${this.config.upload.maxPages} (MAX_PAGES)`;
        }
      } catch (e) {
        intake.rejection = e instanceof DomainError ? e.message : `the file cannot be read: ${(e as Error).message}`;
        if (!(e instanceof DomainError)) this.logger.warn({ err: e, filename: info.filename }, 'scan inspection failed');
      }
      return intake;
    } finally {
      await fsp.rm(spooled.path, { force: true });
    }
  }
}

/** The intake of a part whose reading failed (too large, aborted…): a rejection, nothing stored. */
export function rejectedIntake(position: number, filename: string, error: Error, maxBytes: number): FileIntake {
  const rejection =
    error instanceof DomainError && error.code === ErrorCode.PayloadTooLarge
      ? `file exceeds the limit of ${Math.round(maxBytes / 1024 / 1024)} MB (MAX_UPLOAD_MB); nothing was stored`
      : error instanceof DomainError
        ? error.message
        : `the file could not be received: ${error.message}`;
  return { position, filename, stored: null, mimeType: null, pageCount: null, hasTextLayer: false, rejection };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new DomainError(ErrorCode.UnprocessableContent, message)), ms);
    }),
  ]);
}
