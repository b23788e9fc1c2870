/**
 * `npm run screenshots:readme`: copies the browser tests' screenshots of the main screens
 * (test-artifacts/screenshots, written by `npm test`) into docs/screenshots for the README, as
 * 8-bit palette PNGs (a tenth of the size, text stays sharp). Run after the browser suites.
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';

const root = path.resolve(__dirname, '..');
const from = path.join(root, 'test-artifacts', 'screenshots');
const to = path.join(root, 'docs', 'screenshots');

/** The screens the README shows, by the name the browser tests give them. */
export const README_SCREENS = [
  'sign-in',
  'scan-centre-upload',
  'scan-centre-batch',
  'inbox',
  'case-file-list',
  'case-file',
  'viewer',
  'search',
  'file-plan',
  'legal-holds',
  'disposal',
  'disposal-offer-0502-preview',
  'disposal-offer-completed',
  'audit-trail',
  'audit-verify',
  'audit-case-file-history',
  'dashboard-scan_operator',
  'dashboard-caseworker',
  'dashboard-records_manager',
  'dashboard-auditor',
];

async function main(): Promise<void> {
  mkdirSync(to, { recursive: true });
  const missing: string[] = [];
  for (const name of README_SCREENS) {
    const src = path.join(from, `${name}.png`);
    if (!existsSync(src)) {
      missing.push(name);
      continue;
    }
    // at most 1600 px high: a long page's top is what the README needs
    const image = sharp(src);
    const { width = 1280, height = 0 } = await image.metadata();
    await image
      .extract({ left: 0, top: 0, width, height: Math.min(height, 1600) })
      .png({ palette: true, quality: 90, compressionLevel: 9 })
      .toFile(path.join(to, `${name}.png`));
    console.log(`docs/screenshots/${name}.png`);
  }
  if (missing.length) {
    console.error(`not found in ${path.relative(root, from)} (run the browser suites first): ${missing.join(', ')}`);
    process.exitCode = 1;
  }
}

void main();
