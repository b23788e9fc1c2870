/**
 * OCR throughput, accuracy and memory on one generated N-page scan (image-only PDF of noisy,
 * skewed German letters, made by test/support/scan-generator):
 *
 *   npm run bench:ocr [-- --pages=100 --workers=2 --format=pdf|tiff]
 *
 * Prints seconds per page, pages per minute with the worker pool, mean CER and peak RSS of the
 * process (tesseract.js and pdf.js threads included).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@app/config';
import { TesseractDocumentProcessor, TesseractPool } from '@app/ocr';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { characterErrorRate, germanLetter, renderLetter, toJpeg, type ScannedPage } from '../test/support/scan-generator';

function arg(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const SUBJECTS = [
  'Betreff: Antrag auf Gaststättenerlaubnis',
  'Betreff: Widerspruch gegen den Bußgeldbescheid vom 03.02.2026',
  'Betreff: Anfrage zur Baugenehmigung Grundstück Flurstück 112/4',
  'Betreff: Vollmacht für das Verfahren meiner Mutter',
  'Betreff: Beschwerde über Lärmbelästigung in der Schäferstraße',
];
const REFS = ['32.1.2-2026/00017', '32.2.1-2026/00311', '61.3.1-2026/00003', '50.1.1-2026/00042', '32.1.2-2026/00108'];

async function main(): Promise<void> {
  const pages = Number(arg('pages', '100'));
  const format = arg('format', 'pdf');
  const base = loadConfig();
  const workers = Number(arg('workers', String(base.ocr.workers)));
  const config = loadConfig({ ...process.env, OCR_WORKERS: String(workers), MAX_PAGES: String(Math.max(pages, base.upload.maxPages)) });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eakte-bench-ocr-'));

  // Five distinct letters, cycled; each with its own skew and noise.
  console.log(`generating a ${pages}-page ${format.toUpperCase()} scan ...`);
  const variants: ScannedPage[] = [];
  for (let i = 0; i < 5; i++) {
    variants.push(
      await renderLetter(germanLetter({ reference: REFS[i], subject: SUBJECTS[i] }), {
        skewDegrees: [1.2, -0.8, 0.5, -1.6, 2.0][i],
        seed: 100 + i,
        noise: 10 + i * 2,
      }),
    );
  }
  const file = path.join(dir, `scan.${format === 'tiff' ? 'tif' : 'pdf'}`);
  if (format === 'tiff') {
    const raws = await Promise.all(variants.map((v) => sharp(v.png).greyscale().raw().toBuffer()));
    const { width, height } = variants[0];
    const roll = Buffer.concat(Array.from({ length: pages }, (_, i) => raws[i % 5]));
    await sharp(roll, { raw: { width, height: height * pages, channels: 1, pageHeight: height } } as any)
      .tiff({ compression: 'deflate' })
      .toFile(file);
  } else {
    const pdf = await PDFDocument.create();
    const jpegs = await Promise.all(variants.map((v) => toJpeg(v, 80)));
    const images = await Promise.all(jpegs.map((j) => pdf.embedJpg(j)));
    for (let i = 0; i < pages; i++) {
      const page = pdf.addPage([595.28, 841.89]);
      page.drawImage(images[i % 5], { x: 0, y: 0, width: 595.28, height: 841.89 });
    }
    writeFileSync(file, await pdf.save());
  }

  const pool = new TesseractPool({ size: config.ocr.workers, langs: config.ocr.langs, timeoutMs: config.ocr.timeoutMs });
  const processor = new TesseractDocumentProcessor(config, pool);
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const started = Date.now();
  let firstPageAt = 0;
  const doc = await processor.process(file, {
    workDir: dir,
    onPage: () => {
      if (!firstPageAt) firstPageAt = Date.now();
    },
  });
  const secs = (Date.now() - started) / 1000;
  clearInterval(sampler);
  await pool.close();

  const cers = doc.pages.map((p, i) => characterErrorRate(variants[i % 5].text, p.text));
  const meanCer = cers.reduce((a, b) => a + b, 0) / cers.length;
  console.log(`\nOCR bench: ${pages} pages (${format}), pool of ${config.ocr.workers} worker(s), ${os.cpus().length} CPU(s), ${config.ocr.langs}`);
  console.log(`  total                 ${secs.toFixed(1)} s (first page after ${((firstPageAt - started) / 1000).toFixed(1)} s)`);
  console.log(`  seconds per page      ${(secs / pages).toFixed(2)} s (wall clock, pool in parallel)`);
  console.log(`  pages per minute      ${((pages / secs) * 60).toFixed(1)}`);
  console.log(`  mean CER              ${(meanCer * 100).toFixed(3)} % (max ${(Math.max(...cers) * 100).toFixed(3)} %)`);
  console.log(`  mean confidence       ${doc.meanConfidence}`);
  console.log(`  peak RSS              ${(peak / 1e6).toFixed(0)} MB (baseline before OCR ${(baseline / 1e6).toFixed(0)} MB)`);
  console.log(`  load average          ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other work on the machine slows this down)`);
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
