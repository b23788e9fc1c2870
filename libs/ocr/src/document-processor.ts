import { DomainError, ErrorCode } from '@app/common';

/**
 * The contract between the ingest pipeline and the OCR library. The pipeline hands over a local
 * file (the unchanged original, fetched from object storage); the processor rasterises it page by
 * page, corrects orientation and skew, recognises text (German + English, offline) and writes a
 * searchable PDF (page images + invisible text layer) into `workDir`.
 */

/** The scan cannot be processed, for a reason worth telling the scan centre (encrypted, corrupt, too many pages, pixel bomb…). */
export class ScanRejectedError extends DomainError {
  constructor(reason: string) {
    super(ErrorCode.UnprocessableContent, reason);
    this.name = 'ScanRejectedError';
  }
}

export type ScanMimeType = 'application/pdf' | 'image/tiff' | 'image/jpeg' | 'image/png';

export interface ScanInspection {
  mimeType: ScanMimeType;
  pageCount: number;
  /** PDFs only: whether the pages already carry a usable text layer (OCR can be skipped). */
  hasTextLayer: boolean;
}

export interface ProcessedPage {
  /** 1-based. */
  pageNo: number;
  text: string;
  /** Mean word confidence 0–100; null when no OCR ran (text layer, blank page). */
  meanConfidence: number | null;
  /** Clockwise rotation applied before recognition. */
  rotation: 0 | 90 | 180 | 270;
  /** Skew corrected, in degrees. */
  skewDegrees: number;
  source: 'ocr' | 'text-layer' | 'blank';
}

export interface ProcessedDocument {
  pageCount: number;
  pages: ProcessedPage[];
  /** All pages' text, pages separated by form feeds (\f). */
  text: string;
  meanConfidence: number | null;
  /** True when the PDF's own text layer was used instead of OCR. */
  skippedOcr: boolean;
  /** A PDF in workDir: page images with an invisible text layer (extractable with pdftotext). */
  searchablePdfPath: string;
  /** Processing steps, for the capture record (TR-RESISCAN: processing is logged). */
  steps: string[];
}

export interface ProcessOptions {
  /** A directory the processor may write into (the caller removes it). */
  workDir: string;
  /** Called as each page finishes (progress events). */
  onPage?: (page: ProcessedPage) => void;
  signal?: AbortSignal;
}

export abstract class DocumentProcessor {
  /** Fast check at upload time: type by content, page count, limits. Throws ScanRejectedError. */
  abstract inspect(filePath: string): Promise<ScanInspection>;
  /** Full processing in the worker. Throws ScanRejectedError for permanent failures. */
  abstract process(filePath: string, options: ProcessOptions): Promise<ProcessedDocument>;
}
