import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { Metrics } from '@app/metrics';
import sharp from 'sharp';

type Sharp = ReturnType<typeof sharp>;
import {
  DocumentProcessor,
  type ProcessedDocument,
  type ProcessedPage,
  type ProcessOptions,
  type ScanInspection,
} from './document-processor';
import { estimateSkew, isBlank, type GreyImage } from './image/page-analysis';
import { sanitizePdf } from './pdf/pdf-sanitizer';
import { openPageSource, type PageRaster, type PageSource, type ScanLimits } from './page-source';
import { SearchablePdfBuilder, type SearchablePage } from './searchable-pdf-builder';
import { TesseractPool } from './tesseract/tesseract-pool';

export const SEARCHABLE_PDF_NAME = 'searchable.pdf';

/** Limits beyond the configured ones; exported so tests and benchmarks can state them. */
export const OCR_DEFAULTS = {
  dpi: 300,
  maxPagePixels: 100_000_000,
  maxRasterPixels: 40_000_000,
  maxPageSizeMm: 1500,
  minTextLayerChars: 16,
  pdfHeapMb: 256,
  pdfOpenTimeoutMs: 20_000,
  pdfPageTimeoutMs: 60_000,
  /** Minimum tesseract OSD confidence to turn a page. */
  minOrientationConfidence: 2,
  /** Skews below this are left alone. */
  minSkewDegrees: 0.1,
  jpegQuality: 70,
  psm: '3' as const,
};

interface PageOutcome {
  page: ProcessedPage;
  searchable: SearchablePage;
  steps: string[];
}

const raw = (img: GreyImage) => sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
  raw: { width: img.width, height: img.height, channels: 1 },
});

async function toGrey(pipeline: Sharp): Promise<GreyImage> {
  const { data, info } = await pipeline.greyscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Scales an image so its longer side is at most `maxSide` pixels. */
function fit(img: GreyImage, maxSide: number): Sharp {
  const longer = Math.max(img.width, img.height);
  const pipeline = raw(img);
  return longer > maxSide ? pipeline.resize({ width: Math.max(1, Math.round((img.width * maxSide) / longer)) }) : pipeline;
}

/**
 * OCR with tesseract.js (German + English, models from npm, offline), page by page: PDFs are
 * rendered with pdf.js in a sandboxed thread, TIFF/PNG/JPEG decoded with sharp; each page is
 * checked for blankness, turned upright (tesseract OSD), deskewed (projection profile) and
 * recognised on the shared worker pool; the searchable PDF gets the corrected page images with
 * an invisible text layer. PDFs with a usable text layer skip OCR.
 */
@Injectable()
export class TesseractDocumentProcessor extends DocumentProcessor {
  private readonly logger = new Logger(TesseractDocumentProcessor.name);
  private readonly limits: ScanLimits;
  /** `eakte_ocr_pages_total{source}`: pages processed (Prometheus derives pages/s with rate()). */
  private readonly pagesProcessed?: { inc(labels: { source: string }, n?: number): void };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pool: TesseractPool,
    @Optional() metrics?: Metrics,
  ) {
    super();
    this.pagesProcessed = metrics?.counter({ name: 'eakte_ocr_pages_total', help: 'Pages processed by source (ocr, text-layer, blank)', labelNames: ['source'] as const });
    this.limits = {
      maxPages: config.upload.maxPages,
      maxPagePixels: OCR_DEFAULTS.maxPagePixels,
      maxRasterPixels: OCR_DEFAULTS.maxRasterPixels,
      maxPageSizeMm: OCR_DEFAULTS.maxPageSizeMm,
      dpi: OCR_DEFAULTS.dpi,
      minTextLayerChars: OCR_DEFAULTS.minTextLayerChars,
      heapMb: OCR_DEFAULTS.pdfHeapMb,
      openTimeoutMs: OCR_DEFAULTS.pdfOpenTimeoutMs,
      pageTimeoutMs: OCR_DEFAULTS.pdfPageTimeoutMs,
      maxImagePixels: OCR_DEFAULTS.maxPagePixels,
    };
  }

  async inspect(filePath: string): Promise<ScanInspection> {
    const source = await openPageSource(filePath, this.limits);
    await source.close();
    return { mimeType: source.mimeType, pageCount: source.pageCount, hasTextLayer: source.hasTextLayer };
  }

  async process(filePath: string, options: ProcessOptions): Promise<ProcessedDocument> {
    const started = Date.now();
    const source = await openPageSource(filePath, this.limits);
    const steps = [`input: ${source.mimeType}, ${source.pageCount} page(s)`];
    try {
      let result: ProcessedDocument | undefined;
      if (source.hasTextLayer) result = await this.useTextLayer(filePath, source, options, steps);
      if (!result) result = await this.recognise(source, options, steps);
      for (const p of result.pages) this.pagesProcessed?.inc({ source: p.source });
      const secs = (Date.now() - started) / 1000;
      steps.push(`finished in ${secs.toFixed(1)} s`);
      this.logger.log(
        `processed ${source.mimeType} with ${result.pageCount} page(s) in ${secs.toFixed(1)} s (${result.skippedOcr ? 'text layer' : `OCR, mean confidence ${result.meanConfidence?.toFixed(0) ?? '-'}`})`,
      );
      return result;
    } finally {
      await source.close();
    }
  }

  /**
   * Born-digital PDF: take the text layer; the searchable rendition is a copy of the original
   * without active content (scripts, automatic actions, launch actions, embedded files). When
   * pdf-lib cannot rewrite it, the pages are rendered and recognised instead.
   */
  private async useTextLayer(filePath: string, source: PageSource, options: ProcessOptions, steps: string[]): Promise<ProcessedDocument | undefined> {
    const pages: ProcessedPage[] = [];
    for (let pageNo = 1; pageNo <= source.pageCount; pageNo++) {
      this.throwIfAborted(options);
      const { text, chars } = await source.pageText(pageNo);
      if (chars < this.limits.minTextLayerChars) {
        steps.push(`text layer incomplete (page ${pageNo} has none): OCR of all pages`);
        return undefined;
      }
      pages.push({ pageNo, text, meanConfidence: null, rotation: 0, skewDegrees: 0, source: 'text-layer' });
    }
    let sanitized;
    try {
      sanitized = await sanitizePdf(await readFile(filePath));
    } catch (e) {
      steps.push(`text layer present but the PDF cannot be rewritten without active content (${(e as Error).message}): OCR of all pages`);
      return undefined;
    }
    const searchablePdfPath = path.join(options.workDir, SEARCHABLE_PDF_NAME);
    await writeFile(searchablePdfPath, sanitized.bytes);
    pages.forEach((p) => options.onPage?.(p));
    steps.push(
      `text layer used on all ${pages.length} page(s): OCR skipped; searchable rendition = copy of the original` +
        (sanitized.removed.length ? ` without active content (removed: ${sanitized.removed.join(', ')})` : ''),
    );
    return {
      pageCount: pages.length,
      pages,
      text: pages.map((p) => p.text).join('\f'),
      meanConfidence: null,
      skippedOcr: true,
      searchablePdfPath,
      steps,
    };
  }

  private async recognise(source: PageSource, options: ProcessOptions, steps: string[]): Promise<ProcessedDocument> {
    const builder = await SearchablePdfBuilder.create('Searchable scan');
    const pages: ProcessedPage[] = [];
    // Pages are produced one at a time and recognised concurrently on the pool; results are
    // written in order. At most `window` pages are in memory at once.
    const window = this.pool.size + 1;
    const inflight = new Map<number, Promise<PageOutcome>>();
    const write = async (pageNo: number) => {
      const outcome = await inflight.get(pageNo)!;
      inflight.delete(pageNo);
      await builder.addPage(outcome.searchable);
      steps.push(...outcome.steps);
      pages.push(outcome.page);
      options.onPage?.(outcome.page);
    };
    let nextToWrite = 1;
    try {
      for (let pageNo = 1; pageNo <= source.pageCount; pageNo++) {
        this.throwIfAborted(options);
        const raster = await source.raster(pageNo);
        const job = this.processPage(raster);
        job.catch(() => undefined); // observed below; avoid unhandled rejections meanwhile
        inflight.set(pageNo, job);
        while (inflight.size >= window) await write(nextToWrite++);
      }
      while (inflight.size > 0) await write(nextToWrite++);
    } catch (e) {
      await Promise.allSettled(inflight.values());
      throw e;
    }
    const searchablePdfPath = path.join(options.workDir, SEARCHABLE_PDF_NAME);
    const bytes = await builder.save(searchablePdfPath);
    const ocrPages = pages.filter((p) => p.meanConfidence !== null);
    const meanConfidence = ocrPages.length ? ocrPages.reduce((s, p) => s + p.meanConfidence!, 0) / ocrPages.length : null;
    steps.push(`searchable PDF: ${pages.length} page(s), JPEG page images (q${OCR_DEFAULTS.jpegQuality}) with invisible text layer, ${(bytes / 1024).toFixed(0)} KiB`);
    return {
      pageCount: pages.length,
      pages,
      text: pages.map((p) => p.text).join('\f'),
      meanConfidence: meanConfidence === null ? null : Math.round(meanConfidence * 10) / 10,
      skippedOcr: false,
      searchablePdfPath,
      steps,
    };
  }

  private async processPage(raster: PageRaster): Promise<PageOutcome> {
    const n = raster.pageNo;
    const steps = [`page ${n}: ${raster.origin}`];
    const widthPt = (raster.width / raster.dpi) * 72;
    const heightPt = (raster.height / raster.dpi) * 72;
    // Working copy at about 100 dpi for the cheap analyses.
    const analysisSide = Math.round((11.7 * 100 * raster.dpi) / Math.max(raster.dpi, 100));
    const small = await toGrey(fit(raster, Math.max(analysisSide, 600)));
    if (isBlank(small)) {
      steps.push(`page ${n}: blank, OCR skipped`);
      const jpeg = await raw(raster).jpeg({ quality: OCR_DEFAULTS.jpegQuality }).toBuffer();
      return {
        page: { pageNo: n, text: '', meanConfidence: null, rotation: 0, skewDegrees: 0, source: 'blank' },
        searchable: { jpeg, widthPt, heightPt },
        steps,
      };
    }

    // Orientation (0/90/180/270) with tesseract OSD on a ~150 dpi copy.
    let page: GreyImage = raster;
    let rotation: ProcessedPage['rotation'] = 0;
    const osdSide = Math.min(1800, Math.max(raster.width, raster.height));
    const osdImage = await fit(raster, osdSide)
      .withDensity(Math.max(70, Math.round((raster.dpi * osdSide) / Math.max(raster.width, raster.height))))
      .png({ compressionLevel: 1 })
      .toBuffer();
    const orientation = await this.pool.detectOrientation(osdImage);
    if (orientation.degrees !== 0 && orientation.confidence >= OCR_DEFAULTS.minOrientationConfidence) {
      rotation = orientation.degrees;
      page = await toGrey(raw(raster).rotate(rotation));
      steps.push(`page ${n}: rotated ${rotation}° (orientation confidence ${orientation.confidence.toFixed(1)})`);
    }

    // Deskew: projection profile on a ~100 dpi copy, ±5°.
    const analysis = rotation === 0 ? small : await toGrey(fit(page, Math.max(analysisSide, 600)));
    const skew = estimateSkew(analysis, 5);
    let skewDegrees = 0;
    if (Math.abs(skew) >= OCR_DEFAULTS.minSkewDegrees) {
      skewDegrees = skew;
      const rotated = await toGrey(raw(page).rotate(-skew, { background: '#ffffff' }));
      // Crop back to the page size (rotation by a small angle enlarges the canvas).
      const left = Math.max(0, Math.floor((rotated.width - page.width) / 2));
      const top = Math.max(0, Math.floor((rotated.height - page.height) / 2));
      page = await toGrey(
        raw(rotated).extract({ left, top, width: Math.min(page.width, rotated.width), height: Math.min(page.height, rotated.height) }),
      );
      steps.push(`page ${n}: deskewed ${skew.toFixed(2)}°`);
    }

    const png = await raw(page).withDensity(raster.dpi).png({ compressionLevel: 1 }).toBuffer();
    const ocrStarted = Date.now();
    const ocr = await this.pool.recognize({ image: png, dpi: raster.dpi, psm: OCR_DEFAULTS.psm, textPdf: true });
    const text = ocr.text.replace(/\n{3,}/g, '\n\n').trim();
    steps.push(
      `page ${n}: OCR ${this.pool.langs} (tesseract.js LSTM, PSM ${OCR_DEFAULTS.psm}): ${text.replace(/\s/g, '').length} characters, mean confidence ${ocr.confidence.toFixed(0)}, ${((Date.now() - ocrStarted) / 1000).toFixed(1)} s`,
    );
    const jpeg = await raw(page).jpeg({ quality: OCR_DEFAULTS.jpegQuality }).toBuffer();
    return {
      page: { pageNo: n, text, meanConfidence: ocr.confidence, rotation, skewDegrees, source: 'ocr' },
      searchable: {
        jpeg,
        widthPt: rotation % 180 === 0 ? widthPt : heightPt,
        heightPt: rotation % 180 === 0 ? heightPt : widthPt,
        textPdf: ocr.textPdf,
      },
      steps,
    };
  }

  private throwIfAborted(options: ProcessOptions): void {
    if (options.signal?.aborted) throw new Error('document processing aborted');
  }
}
