#!/usr/bin/env node
// `npm test` runs this first (pretest): the browser suites need Debian's Chromium, other suites
// pdftotext and xmllint. On a fresh machine of this kind (Debian, root, the Debian mirror reachable)
// they are installed with apt; elsewhere the missing tools are named and the run stops, so no suite
// passes silently without the tool it needs.
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');

const TOOLS = [
  { check: () => existsSync('/usr/bin/chromium'), pkg: 'chromium', what: 'Chromium (browser suites)' },
  { check: () => onPath('pdftotext'), pkg: 'poppler-utils', what: 'pdftotext (searchable PDF checks)' },
  { check: () => onPath('xmllint'), pkg: 'libxml2-utils', what: 'xmllint (xdomea schema checks)' },
];

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const missing = TOOLS.filter((t) => !t.check());
if (missing.length === 0) process.exit(0);
const pkgs = missing.map((t) => t.pkg);
const canApt = process.getuid && process.getuid() === 0 && onPath('apt-get');
if (canApt) {
  console.log(`[pretest] installing ${pkgs.join(' ')} with apt-get`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (e) {
    console.error(`[pretest] apt-get failed: ${e.message}`);
  }
}
const still = TOOLS.filter((t) => !t.check());
if (still.length) {
  console.error(`[pretest] missing: ${still.map((t) => `${t.what} — Debian package ${t.pkg}`).join('; ')}. Install them and run npm test again.`);
  process.exit(1);
}
