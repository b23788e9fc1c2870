/**
 * Runs inside a worker thread (see PdfSession): opens one PDF with pdf.js (pdfjs-dist 5.6.205
 * legacy build, loaded through Node's require(esm)) and answers page requests: text layer and/or
 * a greyscale raster rendered with @napi-rs/canvas. Running here keeps a hostile PDF (xref loops,
 * decompression bombs, endless content streams) away from the main thread: the parent enforces a
 * timeout per request and a heap limit, and terminates this thread when either is exceeded.
 */
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import type { PdfWorkerRequest, PdfWorkerResponse, PdfWorkerInit } from './pdf-worker-protocol';

/* eslint-disable @typescript-eslint/no-require-imports */
const pdfjs = require('pdfjs-dist/legacy/build/pdf.mjs');
const { createCanvas } = require('@napi-rs/canvas');

const init = workerData as PdfWorkerInit;
const pdfjsDir = path.dirname(require.resolve('pdfjs-dist/package.json'));
// Pixel buffers of canvases are native memory that V8 does not see, so garbage collection alone
// would let them pile up page after page; collect explicitly after each rendered page.
let collect: (() => void) | undefined;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('node:v8').setFlagsFromString('--expose-gc');
  collect = require('node:vm').runInNewContext('gc');
} catch {
  collect = undefined;
}

let doc: any;
let canvas: any;

function reply(message: PdfWorkerResponse, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

async function open(filePath: string): Promise<PdfWorkerResponse> {
  const data = new Uint8Array(await readFile(filePath));
  const task = pdfjs.getDocument({
    data,
    standardFontDataUrl: path.join(pdfjsDir, 'standard_fonts') + path.sep,
    cMapUrl: path.join(pdfjsDir, 'cmaps') + path.sep,
    cMapPacked: true,
    wasmUrl: path.join(pdfjsDir, 'wasm') + path.sep,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    // Images above this many pixels are not decoded at all (pixel bombs such as a 35000² JBIG2).
    maxImageSize: init.maxImagePixels,
    canvasMaxAreaInBytes: init.maxImagePixels * 4,
    verbosity: 0,
    stopAtErrors: false,
  });
  doc = await task.promise;
  let encrypted = false;
  try {
    const meta = await doc.getMetadata();
    encrypted = Boolean(meta?.info?.EncryptFilterName);
  } catch {
    // metadata is optional
  }
  return { ok: true, numPages: doc.numPages, encrypted };
}

async function page(req: Extract<PdfWorkerRequest, { op: 'page' }>): Promise<Extract<PdfWorkerResponse, { widthPt: number }>> {
  const p = await doc.getPage(req.pageNo);
  const base = p.getViewport({ scale: 1 });
  let text: string | undefined;
  let chars = 0;
  if (req.text) {
    const content = await p.getTextContent();
    const parts: string[] = [];
    for (const item of content.items as any[]) {
      if (typeof item.str !== 'string') continue;
      parts.push(item.str);
      chars += item.str.replace(/\s/g, '').length;
      if (item.hasEOL) parts.push('\n');
    }
    text = parts.join('').replace(/[ \t]+\n/g, '\n').trim();
  }
  if (!req.render) {
    p.cleanup();
    return { ok: true, widthPt: base.width, heightPt: base.height, text, chars };
  }
  let scale = req.dpi / 72;
  const pixels = base.width * base.height * scale * scale;
  let dpi = req.dpi;
  if (pixels > req.maxPixels) {
    scale *= Math.sqrt(req.maxPixels / pixels);
    dpi = Math.round(scale * 72);
  }
  const viewport = p.getViewport({ scale });
  const width = Math.max(1, Math.floor(viewport.width));
  const height = Math.max(1, Math.floor(viewport.height));
  // One canvas per thread, reused while the page size stays the same (native memory is only
  // returned when V8 collects the wrapper, which it does lazily).
  if (!canvas || canvas.width !== width || canvas.height !== height) canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  await p.render({ canvasContext: ctx, canvas, viewport, background: '#ffffff' }).promise;
  const rgba = ctx.getImageData(0, 0, width, height).data as Uint8ClampedArray;
  const grey = new Uint8Array(width * height);
  for (let i = 0, j = 0; j < grey.length; i += 4, j++) {
    grey[j] = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
  }
  p.cleanup();
  return { ok: true, widthPt: base.width, heightPt: base.height, text, chars, image: { width, height, dpi, data: grey } };
}

parentPort!.on('message', async (req: PdfWorkerRequest) => {
  try {
    if (req.op === 'open') {
      reply(await open(req.filePath));
    } else if (req.op === 'page') {
      const res = await page(req);
      reply(res, res.image ? [res.image.data.buffer as ArrayBuffer] : []);
      if (res.image) collect?.();
    }
  } catch (e: any) {
    reply({ ok: false, name: String(e?.name ?? 'Error'), message: String(e?.message ?? e) });
  }
});
