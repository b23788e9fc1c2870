import * as path from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';

/**
 * Realistic test scans, generated fully offline: a German business letter (Geschäftsbrief) is
 * typeset on an A4 page at 300 dpi and then "scanned": paper grey, sensor noise, slight blur, a
 * small skew and optionally a 90/180/270° orientation error. Every page comes with its
 * ground-truth text so tests and benchmarks can compute the character error rate (CER).
 *
 * The font is Liberation Sans shipped inside pdfjs-dist (standard_fonts/), so this needs no
 * system fonts and no network.
 */

const FONT_FAMILY = 'EAkteScanSans';
let fontRegistered = false;

function ensureFont(): void {
  if (fontRegistered) return;
  const dir = path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts');
  GlobalFonts.registerFromPath(path.join(dir, 'LiberationSans-Regular.ttf'), FONT_FAMILY);
  fontRegistered = true;
}

export interface LetterSpec {
  /** Sender block (Absender), top left. */
  sender: string[];
  /** Recipient address block (Anschrift). */
  recipient: string[];
  /** Place and date line, e.g. "Musterstadt, 12.03.2026". */
  date: string;
  /** Reference lines such as "Ihr Zeichen: 32.1.2-2026/00017" or "Aktenzeichen: …". */
  references: string[];
  /** Subject line (without or with "Betreff:"). */
  subject: string;
  /** Body paragraphs; long paragraphs are wrapped to the page width. */
  body: string[];
  /** Closing (Grußformel, name). */
  closing: string[];
}

export interface ScanOptions {
  /** Resolution of the produced page image (default 300). */
  dpi?: number;
  /** Skew in degrees, positive = clockwise (default 0). */
  skewDegrees?: number;
  /** Orientation error: the page is fed rotated by this many degrees clockwise (default 0). */
  rotation?: 0 | 90 | 180 | 270;
  /** Standard deviation of the grey-level noise, 0–64 (default 12). */
  noise?: number;
  /** Gaussian blur sigma simulating scanner optics, 0 = none (default 0.6). */
  blur?: number;
  /** Paper grey level 0–255 (default 238). */
  paper?: number;
  /** Ink grey level 0–255 (default 35). */
  ink?: number;
  /** Font size in points (default 11). */
  fontSizePt?: number;
  /** Seed of the deterministic noise (default 1). */
  seed?: number;
}

export interface ScannedPage {
  /** 8-bit greyscale PNG with the resolution set in its metadata. */
  png: Buffer;
  /** Ground truth: the letter's lines, joined by "\n" (what a perfect OCR would return). */
  text: string;
  width: number;
  height: number;
  dpi: number;
}

const DEFAULT_BODY = [
  'Sehr geehrte Damen und Herren,',
  'hiermit beantrage ich die Erteilung einer Erlaubnis für den Betrieb einer Gaststätte in der Königstraße 14. ' +
    'Die erforderlichen Unterlagen über die Größe der Räume, die Öffnungszeiten und die Schankfläche füge ich bei.',
  'Für Rückfragen stehe ich Ihnen gern zur Verfügung. Bitte teilen Sie mir mit, ob weitere Nachweise ' +
    'erforderlich sind und bis wann über meinen Antrag entschieden wird.',
];

/** A complete letter with sensible defaults; override what the test cares about. */
export function germanLetter(overrides: Partial<LetterSpec> & { reference?: string } = {}): LetterSpec {
  const { reference, ...rest } = overrides;
  return {
    sender: ['Jürgen Weiß', 'Lindenstraße 7', '12345 Musterstadt'],
    recipient: ['Stadt Musterstadt', 'Ordnungsamt', 'Rathausplatz 1', '12345 Musterstadt'],
    date: 'Musterstadt, 12.03.2026',
    references: [`Ihr Zeichen: ${reference ?? '32.1.2-2026/00017'}`],
    subject: 'Betreff: Antrag auf Gaststättenerlaubnis',
    body: DEFAULT_BODY,
    closing: ['Mit freundlichen Grüßen', 'Jürgen Weiß'],
    ...rest,
  };
}

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Typesets the letter into lines (wrapping body paragraphs) at the given text width. */
function layout(letter: LetterSpec, measure: (s: string) => number, maxWidth: number): { lines: string[]; gaps: number[] } {
  const lines: string[] = [];
  const gaps: number[] = []; // extra blank lines before each line
  const push = (line: string, gap = 0) => {
    lines.push(line);
    gaps.push(gap);
  };
  letter.sender.forEach((l, i) => push(l, i === 0 ? 0 : 0));
  letter.recipient.forEach((l, i) => push(l, i === 0 ? 2 : 0));
  push(letter.date, 2);
  letter.references.forEach((l, i) => push(l, i === 0 ? 1 : 0));
  push(letter.subject, 1);
  letter.body.forEach((para) => {
    const words = para.split(/\s+/).filter(Boolean);
    let current = '';
    let first = true;
    for (const word of words) {
      const candidate = current ? `${current} ${word}` : word;
      if (current && measure(candidate) > maxWidth) {
        push(current, first ? 1 : 0);
        first = false;
        current = word;
      } else {
        current = candidate;
      }
    }
    if (current) push(current, first ? 1 : 0);
  });
  letter.closing.forEach((l, i) => push(l, i === 0 ? 1 : 0));
  return { lines, gaps };
}

/**
 * Renders a letter as a scanned A4 page. Accepts a LetterSpec or plain text lines (one per
 * printed line). Returns a greyscale PNG and the ground-truth text.
 */
export async function renderLetter(letter: LetterSpec | string[], options: ScanOptions = {}): Promise<ScannedPage> {
  ensureFont();
  const dpi = options.dpi ?? 300;
  const px = (mm: number) => Math.round((mm / 25.4) * dpi);
  const width = px(210);
  const height = px(297);
  const fontPx = ((options.fontSizePt ?? 11) / 72) * dpi;
  const lineHeight = fontPx * 1.45;
  const marginLeft = px(25);
  const marginTop = px(20);
  const textWidth = width - marginLeft - px(20);

  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.font = `${fontPx.toFixed(1)}px ${FONT_FAMILY}`;
  ctx.fillStyle = '#000000';
  ctx.textBaseline = 'alphabetic';

  const { lines, gaps } = Array.isArray(letter)
    ? { lines: letter, gaps: letter.map(() => 0) }
    : layout(letter, (s) => ctx.measureText(s).width, textWidth);

  const skew = ((options.skewDegrees ?? 0) * Math.PI) / 180;
  ctx.translate(width / 2, height / 2);
  ctx.rotate(skew);
  ctx.translate(-width / 2, -height / 2);
  let y = marginTop + fontPx;
  const printed: string[] = [];
  lines.forEach((line, i) => {
    y += gaps[i] * lineHeight;
    if (y > height - px(15)) return; // off the page: not part of the ground truth either
    ctx.fillText(line, marginLeft, y);
    printed.push(line);
    y += lineHeight;
  });

  // Scan simulation on the grey channel: paper tone, ink tone, sensor noise.
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const grey = Buffer.alloc(width * height);
  const paper = options.paper ?? 238;
  const ink = options.ink ?? 35;
  const sigma = options.noise ?? 12;
  const rand = prng(options.seed ?? 1);
  for (let i = 0, p = 0; p < grey.length; i += 4, p++) {
    const coverage = 1 - rgba[i] / 255; // 0 = paper, 1 = full ink
    const base = paper + (ink - paper) * coverage;
    // Approximately normal noise from the sum of three uniforms.
    const n = (rand() + rand() + rand() - 1.5) * 2 * sigma;
    const v = base + n;
    grey[p] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  let image = sharp(grey, { raw: { width, height, channels: 1 } });
  const rotation = options.rotation ?? 0;
  if (rotation) image = image.rotate(rotation);
  const blur = options.blur ?? 0.6;
  if (blur >= 0.3) image = image.blur(blur);
  const png = await image.toColourspace('b-w').withDensity(dpi).png({ compressionLevel: 6 }).toBuffer();
  const meta = await sharp(png).metadata();
  return { png, text: printed.join('\n'), width: meta.width!, height: meta.height!, dpi };
}

/** The page as a JPEG (what most scanners deliver), resolution kept. */
export async function toJpeg(page: ScannedPage, quality = 85): Promise<Buffer> {
  return sharp(page.png).withDensity(page.dpi).jpeg({ quality }).toBuffer();
}

/** The page as a single-page TIFF (deflate-compressed greyscale). */
export async function toTiff(page: ScannedPage): Promise<Buffer> {
  return toMultiPageTiff([page]);
}

/** Several pages as one multi-page TIFF (deflate-compressed greyscale, one IFD per page). */
export async function toMultiPageTiff(pages: ScannedPage[]): Promise<Buffer> {
  if (pages.length === 0) throw new Error('toMultiPageTiff needs at least one page');
  const first = pages[0];
  if (pages.some((p) => p.width !== first.width || p.height !== first.height)) {
    throw new Error('toMultiPageTiff: all pages must have the same size');
  }
  const raws = await Promise.all(pages.map((p) => sharp(p.png).greyscale().raw().toBuffer()));
  // sharp writes a multi-page TIFF from a "toilet roll" image with pageHeight set.
  const roll = Buffer.concat(raws);
  return sharp(roll, { raw: { width: first.width, height: first.height * pages.length, channels: 1, pageHeight: first.height } } as any)
    .tiff({ compression: 'deflate', xres: first.dpi / 25.4, yres: first.dpi / 25.4, resolutionUnit: 'inch' } as any)
    .toBuffer();
}

/** An image-only PDF (what a scanner's "scan to PDF" produces): one page per image, no text layer. */
export async function toScannedPdf(pages: ScannedPage[], options: { format?: 'jpeg' | 'png'; quality?: number } = {}): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setProducer('E-Akte scan generator');
  for (const page of pages) {
    const image =
      options.format === 'png' ? await pdf.embedPng(page.png) : await pdf.embedJpg(await toJpeg(page, options.quality ?? 85));
    const w = (page.width / page.dpi) * 72;
    const h = (page.height / page.dpi) * 72;
    const pdfPage = pdf.addPage([w, h]);
    pdfPage.drawImage(image, { x: 0, y: 0, width: w, height: h });
  }
  return Buffer.from(await pdf.save());
}

/** A born-digital PDF with a real text layer (Helvetica), e.g. an e-mailed letter. */
export async function toTextPdf(letter: LetterSpec | string[]): Promise<{ pdf: Buffer; text: string }> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const size = 11;
  const maxWidth = 595 - 70 - 57;
  const { lines, gaps } = Array.isArray(letter)
    ? { lines: letter, gaps: letter.map(() => 0) }
    : layout(letter, (s) => font.widthOfTextAtSize(s, size), maxWidth);
  const page = pdf.addPage([595.28, 841.89]);
  let y = 841.89 - 57 - size;
  lines.forEach((line, i) => {
    y -= gaps[i] * size * 1.45;
    page.drawText(line, { x: 70, y, size, font });
    y -= size * 1.45;
  });
  return { pdf: Buffer.from(await pdf.save()), text: lines.join('\n') };
}

/** Normalises text for CER: Unicode NFC, typographic quotes/dashes to ASCII, whitespace runs to one space. */
export function normalizeForCer(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u201c\u201d\u201e\u201f\u00ab\u00bb]/g, '"')
    .replace(/[\u2018\u2019\u201a\u201b]/g, "'")
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Character error rate: Levenshtein distance / length of the (normalised) ground truth. */
export function characterErrorRate(truth: string, recognised: string): number {
  const a = normalizeForCer(truth);
  const b = normalizeForCer(recognised);
  if (a.length === 0) return b.length === 0 ? 0 : 1;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] / a.length;
}
