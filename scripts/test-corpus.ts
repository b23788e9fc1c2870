/**
 * OCR accuracy and robustness over the third-party corpus in ../shared/testdata (see its
 * README.md and MANIFEST.tsv): character error rate against ground truth, and every damaged,
 * encrypted or malicious file through inspect + process — each must end rejected or failed with a
 * reason, or succeed; none may crash the process, hang (per-file timeout) or blow up memory.
 *
 *   npm run test:corpus [-- --timeout=180 --only=<substring>]
 *
 * Exit code 1 when a file hangs, crashes or an accuracy check fails.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@app/config';
import { ScanRejectedError, TesseractDocumentProcessor, TesseractPool } from '@app/ocr';
import { characterErrorRate } from '../test/support/scan-generator';

const repoRoot = path.resolve(__dirname, '..');
const testdata = path.resolve(repoRoot, '..', 'shared', 'testdata');

interface Expectation {
  /** Ground-truth file (full text): CER is computed against it. */
  truth?: string;
  /** Phrases that must appear (partial ground truth), in order. */
  phrases?: string[];
  /** Maximum acceptable CER (full ground truth). */
  maxCer?: number;
  /** Expected outcome. */
  outcome?: 'ok' | 'rejected' | 'ok-or-rejected';
}

const EXPECT: Record<string, Expectation> = {
  'tesseract-test/phototest.tif': { truth: 'tesseract-test/phototest.txt', maxCer: 0.02, outcome: 'ok' },
  'tesseract-test/phototest-rotated-180.png': { truth: 'tesseract-test/phototest.txt', maxCer: 0.02, outcome: 'ok' },
  'tesseract-test/eurotext.tif': { truth: 'tesseract-test/eurotext.txt', maxCer: 0.03, outcome: 'ok' },
  'ocrmypdf/linn.png': { truth: 'ocrmypdf/linn.txt', maxCer: 0.03, outcome: 'ok' },
  'ocrmypdf/skew.pdf': { truth: 'ocrmypdf/linn.txt', maxCer: 0.03, outcome: 'ok' },
  'ocrmypdf/rotated_skew.pdf': { truth: 'ocrmypdf/linn.txt', maxCer: 0.03, outcome: 'ok' },
  'ocrmypdf/ccitt.pdf': { truth: 'ocrmypdf/linn.txt', maxCer: 0.03, outcome: 'ok' },
  'tesseract.js/simple-90.jpg': { phrases: ['Tesseract.js'], outcome: 'ok' },
  'paperless-ngx/simple-no-dpi.png': { phrases: ['This is a test document.'], outcome: 'ok' },
  'paperless-ngx/multi-page-images.tiff': { phrases: ['page 1', 'page 2', 'page 3'], outcome: 'ok' },
  'paperless-ngx/rotated.pdf': { phrases: ['Even if the pages are rotated, OCRmyPDF still gets the job done.'], outcome: 'ok' },
  'ocrmypdf/blank.pdf': { outcome: 'ok' },
  'ocrmypdf/invalid.pdf': { outcome: 'rejected' },
  'qpdf/bad1.pdf': { outcome: 'rejected' },
  'paperless-ngx/encrypted.pdf': { outcome: 'rejected' },
  'paperless-ngx/password-is-test.pdf': { outcome: 'rejected' },
  'qpdf/encrypted-40-bit-R3.pdf': { outcome: 'rejected' },
  'docspell/20K-gray.png': { outcome: 'rejected' },
};

const SCAN_EXT = /\.(pdf|tiff?|png|jpe?g)$/i;

function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

function pad(s: string, n: number): string {
  return s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length);
}

async function main(): Promise<void> {
  if (!existsSync(path.join(testdata, 'MANIFEST.tsv'))) {
    console.log(`test:corpus skipped: ${testdata} (with MANIFEST.tsv) is not present on this machine.`);
    return;
  }
  const timeoutMs = Number(arg('timeout') ?? 180) * 1000;
  const only = arg('only');
  const manifest = readFileSync(path.join(testdata, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1).filter(Boolean);
  const files = manifest
    .map((line) => line.split('\t')[0])
    .filter((f) => SCAN_EXT.test(f) && existsSync(path.join(testdata, f)))
    .filter((f) => !only || f.includes(only));
  // Files on disk that the manifest may not list.
  for (const dir of readdirSync(testdata, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const f of readdirSync(path.join(testdata, dir.name))) {
      const rel = `${dir.name}/${f}`;
      if (SCAN_EXT.test(f) && !files.includes(rel) && (!only || rel.includes(only))) files.push(rel);
    }
  }

  const config = loadConfig();
  const pool = new TesseractPool({ size: config.ocr.workers, langs: config.ocr.langs, timeoutMs: config.ocr.timeoutMs });
  const processor = new TesseractDocumentProcessor(config, pool);
  console.log(`OCR corpus: ${files.length} files from ${testdata}; pool of ${config.ocr.workers} worker(s), ${config.ocr.langs}; timeout ${timeoutMs / 1000} s per file\n`);

  let peakRss = 0;
  let filePeak = 0;
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    filePeak = Math.max(filePeak, rss);
    peakRss = Math.max(peakRss, rss);
  }, 100);

  const header = `${pad('file', 42)} ${pad('result', 9)} ${pad('pages', 5)} ${pad('CER', 7)} ${pad('conf', 5)} ${pad('s', 6)} ${pad('RSS MB', 7)} note`;
  console.log(header);
  console.log('-'.repeat(header.length + 40));
  const problems: string[] = [];
  const cers: number[] = [];
  let ocrPages = 0;
  let ocrSeconds = 0;

  for (const rel of files) {
    const expect = EXPECT[rel] ?? { outcome: 'ok-or-rejected' };
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'eakte-corpus-'));
    filePeak = process.memoryUsage().rss;
    const started = Date.now();
    let result = '';
    let pages = '';
    let cer = '';
    let conf = '';
    let note = '';
    let timer: NodeJS.Timeout | undefined;
    try {
      const run = (async () => {
        const inspection = await processor.inspect(path.join(testdata, rel));
        const doc = await processor.process(path.join(testdata, rel), { workDir });
        return { inspection, doc };
      })();
      const { inspection, doc } = await Promise.race([
        run,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('TIMEOUT')), timeoutMs);
        }),
      ]);
      result = 'ok';
      pages = String(doc.pageCount);
      conf = doc.meanConfidence === null ? '-' : doc.meanConfidence.toFixed(0);
      const corrections = doc.pages
        .filter((p) => p.rotation || Math.abs(p.skewDegrees) >= 0.1 || p.source !== 'ocr')
        .map((p) => `p${p.pageNo}:${p.source !== 'ocr' ? p.source : ''}${p.rotation ? `${p.rotation}°` : ''}${Math.abs(p.skewDegrees) >= 0.1 ? `~${p.skewDegrees.toFixed(1)}°` : ''}`);
      note = `${inspection.mimeType.replace('application/', '')}${corrections.length ? ' ' + corrections.slice(0, 4).join(' ') : ''}`;
      if (expect.truth) {
        const value = characterErrorRate(readFileSync(path.join(testdata, expect.truth), 'utf8'), doc.text);
        cers.push(value);
        cer = `${(value * 100).toFixed(2)}%`;
        if (expect.maxCer !== undefined && value > expect.maxCer) problems.push(`${rel}: CER ${cer} above ${(expect.maxCer * 100).toFixed(1)}%`);
      } else if (expect.phrases) {
        // Case-insensitive, like the upstream tests these phrases come from.
        const text = doc.text.replace(/\s+/g, ' ').toLowerCase();
        let at = 0;
        const found = expect.phrases.filter((ph) => {
          const i = text.indexOf(ph.toLowerCase(), at);
          if (i >= 0) at = i + ph.length;
          return i >= 0;
        }).length;
        cer = `${found}/${expect.phrases.length}`;
        if (found < expect.phrases.length) problems.push(`${rel}: found ${found} of ${expect.phrases.length} expected phrases`);
      }
      if (!doc.skippedOcr) {
        ocrPages += doc.pages.filter((p) => p.source === 'ocr').length;
        ocrSeconds += (Date.now() - started) / 1000;
      }
      if (expect.outcome === 'rejected') problems.push(`${rel}: expected a rejection, got ok`);
    } catch (e: any) {
      if (e?.message === 'TIMEOUT') {
        result = 'TIMEOUT';
        note = `no result within ${timeoutMs / 1000} s`;
        problems.push(`${rel}: hung (timeout)`);
      } else {
        result = e instanceof ScanRejectedError ? 'rejected' : 'failed';
        note = String(e?.message ?? e).replace(/\s+/g, ' ');
        if (expect.outcome === 'ok') problems.push(`${rel}: expected success, got ${result}: ${note}`);
      }
    } finally {
      clearTimeout(timer);
      rmSync(workDir, { recursive: true, force: true });
    }
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `${pad(rel, 42)} ${pad(result, 9)} ${pad(pages || '-', 5)} ${pad(cer || '-', 7)} ${pad(conf || '-', 5)} ${pad(secs, 6)} ${pad((filePeak / 1e6).toFixed(0), 7)} ${note.slice(0, 110)}`,
    );
  }
  clearInterval(sampler);
  await pool.close();

  console.log('');
  if (cers.length) console.log(`mean CER over ${cers.length} files with full ground truth: ${((cers.reduce((a, b) => a + b, 0) / cers.length) * 100).toFixed(2)}%`);
  if (ocrPages) console.log(`OCR: ${ocrPages} pages in ${ocrSeconds.toFixed(1)} s (${(ocrSeconds / ocrPages).toFixed(2)} s/page incl. inspect, rendering, orientation and deskew)`);
  console.log(`peak RSS of the process (incl. OCR and PDF threads): ${(peakRss / 1e6).toFixed(0)} MB`);
  if (problems.length) {
    console.log(`\n${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log('\nall files ended ok or rejected with a reason; no hang, no crash');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
