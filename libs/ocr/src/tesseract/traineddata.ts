import { existsSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Tesseract language models come from the npm packages @tesseract.js-data/<lang> (installed with
 * the app; nothing is ever downloaded at run time). tesseract.js takes ONE `langPath` directory,
 * but every language sits in its own package, so we build a directory of symlinks.
 *
 * - recognition: `4.0.0_best_int` (LSTM only, integer models)
 * - orientation detection (osd): `4.0.0` (needs the legacy engine)
 */
export type ModelKind = 'lstm' | 'legacy';

export function traineddataFile(lang: string, kind: ModelKind): string {
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
  } catch {
    throw new Error(`OCR language "${lang}" is not installed: npm package @tesseract.js-data/${lang} is missing`);
  }
  const file = path.join(pkgDir, kind === 'lstm' ? '4.0.0_best_int' : '4.0.0', `${lang}.traineddata.gz`);
  if (!existsSync(file)) throw new Error(`OCR language file missing: ${file}`);
  return file;
}

/** Creates (idempotently) a directory with symlinks to the requested languages' files; returns it. */
export function prepareLangDir(langs: string[], kind: ModelKind): string {
  const files = langs.map((lang) => ({ lang, file: traineddataFile(lang, kind) }));
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const dir = path.join(os.tmpdir(), `eakte-tessdata-${uid}`, kind);
  mkdirSync(dir, { recursive: true });
  for (const { lang, file } of files) {
    const link = path.join(dir, `${lang}.traineddata.gz`);
    let current: string | undefined;
    try {
      current = readlinkSync(link);
    } catch {
      current = undefined;
    }
    if (current === file) continue;
    if (current !== undefined || existsSync(link)) unlinkSync(link);
    try {
      symlinkSync(file, link);
    } catch (e: any) {
      if (e?.code !== 'EEXIST') throw e; // a concurrent process made the same link
    }
    if (!existsSync(link)) throw new Error(`OCR language link ${link} does not resolve`);
  }
  return dir;
}
