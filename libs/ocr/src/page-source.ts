import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { ScanRejectedError, type ScanMimeType } from './document-processor';
import type { GreyImage } from './image/page-analysis';
import { PdfSession, type PdfLimits } from './pdf/pdf-session';
import { readHead, scanTypeOf } from './scan-type';

export interface ScanLimits extends PdfLimits {
  maxPages: number;
  /** Pages with more pixels are rejected (decompression bombs); decoding is refused above this. */
  maxPagePixels: number;
  /** Pages are decoded/rendered with at most this many pixels (scaled down beyond). */
  maxRasterPixels: number;
  /** PDF pages larger than this (either side) are rejected. */
  maxPageSizeMm: number;
  /** Rasterisation resolution for PDFs and the assumed resolution of images without one. */
  dpi: number;
  /** Fewer non-space characters than this on a page = no usable text layer. */
  minTextLayerChars: number;
}

export interface PageRaster extends GreyImage {
  pageNo: number;
  dpi: number;
  /** How the raster was obtained, for the processing log. */
  origin: string;
}

/** One opened scan: its type and page count, a page-by-page raster reader, and for PDFs the text layer. */
export interface PageSource {
  mimeType: ScanMimeType;
  pageCount: number;
  /** PDFs: whether the first pages carry a usable text layer. */
  hasTextLayer: boolean;
  /** PDFs: text layer of one page and its count of non-space characters. */
  pageText(pageNo: number): Promise<{ text: string; chars: number }>;
  /** Decodes or renders one page (one at a time: memory stays bounded). */
  raster(pageNo: number): Promise<PageRaster>;
  close(): Promise<void>;
}

// libvips' operation cache keeps decoded pages alive between documents; a scan worker gains
// nothing from it and its RSS would only grow.
sharp.cache(false);

const RECYCLE_PDF_THREAD_EVERY = 8;

const mb = (px: number) => `${(px / 1e6).toFixed(0)} MP`;

export async function openPageSource(filePath: string, limits: ScanLimits): Promise<PageSource> {
  const info = await stat(filePath).catch(() => undefined);
  if (!info || !info.isFile()) throw new ScanRejectedError('scan file not found');
  if (info.size === 0) throw new ScanRejectedError('file is empty');
  const mimeType = scanTypeOf(await readHead(filePath));
  if (!mimeType) throw new ScanRejectedError('unsupported file type: only PDF, TIFF, JPEG and PNG scans are accepted (checked by content)');
  return mimeType === 'application/pdf' ? openPdf(filePath, limits) : openImage(filePath, mimeType, limits);
}

async function openPdf(filePath: string, limits: ScanLimits): Promise<PageSource> {
  const opened = await PdfSession.open(filePath, limits);
  const { numPages, encrypted } = opened;
  let session = opened.session;
  let rendered = 0;
  try {
    if (encrypted) throw new ScanRejectedError('PDF is encrypted; upload an unencrypted scan');
    if (numPages < 1) throw new ScanRejectedError('PDF has no pages');
    if (numPages > limits.maxPages) throw new ScanRejectedError(`PDF has ${numPages} pages, more than the limit of ${limits.maxPages}`);
    // Walk the whole page tree once (cyclic or broken trees fail here, at upload) and check sizes.
    let textPages = 0;
    const sample = Math.min(numPages, 3);
    for (let pageNo = 1; pageNo <= numPages; pageNo++) {
      const page = await session.page(pageNo, { text: pageNo <= sample, render: false, dpi: limits.dpi, maxPixels: limits.maxRasterPixels });
      const wMm = (page.widthPt / 72) * 25.4;
      const hMm = (page.heightPt / 72) * 25.4;
      if (!(wMm > 1 && hMm > 1)) throw new ScanRejectedError(`PDF page ${pageNo} has no valid size`);
      if (wMm > limits.maxPageSizeMm || hMm > limits.maxPageSizeMm) {
        throw new ScanRejectedError(
          `PDF page ${pageNo} is ${Math.round(wMm)}×${Math.round(hMm)} mm, larger than the limit of ${limits.maxPageSizeMm} mm`,
        );
      }
      if (pageNo <= sample && page.chars >= limits.minTextLayerChars) textPages++;
    }
    return {
      mimeType: 'application/pdf',
      pageCount: numPages,
      hasTextLayer: textPages === sample,
      async pageText(pageNo) {
        const page = await session.page(pageNo, { text: true, render: false, dpi: limits.dpi, maxPixels: limits.maxRasterPixels });
        return { text: page.text ?? '', chars: page.chars };
      },
      async raster(pageNo) {
        // pdf.js and the canvas keep native memory per rendered page that is only reliably
        // returned when the thread ends: start a fresh thread every few pages (bounded memory on
        // long scans, at the price of re-parsing the file).
        if (++rendered % RECYCLE_PDF_THREAD_EVERY === 0) {
          await session.close();
          session = (await PdfSession.open(filePath, limits)).session;
        }
        const page = await session.page(pageNo, { text: false, render: true, dpi: limits.dpi, maxPixels: limits.maxRasterPixels });
        const img = page.image!;
        return {
          pageNo,
          width: img.width,
          height: img.height,
          dpi: img.dpi,
          data: img.data,
          origin: `rasterised at ${img.dpi} dpi (${img.width}×${img.height} px, pdf.js)`,
        };
      },
      close: () => session.close(),
    };
  } catch (e) {
    await session.close();
    throw e;
  }
}

async function openImage(filePath: string, mimeType: ScanMimeType, limits: ScanLimits): Promise<PageSource> {
  const meta = await sharp(filePath, { limitInputPixels: false })
    .metadata()
    .catch((e: Error) => {
      throw new ScanRejectedError(`image cannot be read: ${e.message}`);
    });
  const pageCount = mimeType === 'image/tiff' ? (meta.pages ?? 1) : 1;
  if (pageCount > limits.maxPages) throw new ScanRejectedError(`TIFF has ${pageCount} pages, more than the limit of ${limits.maxPages}`);
  const sizes: Array<{ width: number; height: number; density?: number }> = [];
  for (let i = 0; i < pageCount; i++) {
    const m =
      i === 0
        ? meta
        : await sharp(filePath, { page: i, limitInputPixels: false })
            .metadata()
            .catch((e: Error) => {
              throw new ScanRejectedError(`TIFF page ${i + 1} cannot be read: ${e.message}`);
            });
    const width = m.width ?? 0;
    const height = m.height ?? 0;
    if (width < 1 || height < 1) throw new ScanRejectedError(`page ${i + 1} has no valid size`);
    if (width * height > limits.maxPagePixels) {
      throw new ScanRejectedError(
        `page ${i + 1} is ${width}×${height} px (${mb(width * height)}), more than the limit of ${mb(limits.maxPagePixels)} (decompression bomb?)`,
      );
    }
    sizes.push({ width, height, density: m.density });
  }
  return {
    mimeType,
    pageCount,
    hasTextLayer: false,
    pageText: async () => ({ text: '', chars: 0 }),
    async raster(pageNo) {
      const size = sizes[pageNo - 1];
      const density = size.density && size.density >= 50 && size.density <= 2400 ? size.density : undefined;
      let dpi = density ?? limits.dpi;
      let image = sharp(filePath, { page: pageNo - 1, limitInputPixels: limits.maxPagePixels });
      if (mimeType === 'image/jpeg') image = image.rotate(); // EXIF orientation
      image = image.flatten({ background: '#ffffff' }).greyscale();
      const pixels = size.width * size.height;
      let note = '';
      if (pixels > limits.maxRasterPixels) {
        const f = Math.sqrt(limits.maxRasterPixels / pixels);
        image = image.resize({ width: Math.floor(size.width * f) });
        dpi = Math.round(dpi * f);
        note = `, scaled down to ${Math.round(f * 100)}%`;
      }
      try {
        const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
        if (info.channels !== 1) throw new Error(`unexpected ${info.channels} channels`);
        return {
          pageNo,
          width: info.width,
          height: info.height,
          dpi,
          data: new Uint8Array(data.buffer, data.byteOffset, data.length),
          origin: `decoded ${info.width}×${info.height} px at ${dpi} dpi${density ? '' : ' (no resolution in file: assumed)'}${note}`,
        };
      } catch (e: any) {
        throw new ScanRejectedError(`page ${pageNo} cannot be decoded: ${e?.message ?? e}`);
      }
    },
    close: async () => undefined,
  };
}
