import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`; .ci/run installs it). */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');

/**
 * Launches headless Chromium (a Playwright `Browser`; Playwright gives it a fresh temporary
 * profile, and every `browser.newContext()` starts without cookies or storage). Fails (never
 * skips) when Chromium is missing: browser tests that silently do not run prove nothing.
 * Close it with `browser.close()`.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`browser tests need Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" (.ci/run does)`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  // every page of every context records what the Content-Security-Policy blocked (checkA11y fails on it)
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    // runs in the page (the test program has no DOM types)
    await context.addInitScript(() => {
      const page = globalThis as any;
      const seen: string[] = (page.__cspViolations = []);
      page.document.addEventListener('securitypolicyviolation', (e: any) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
    });
    return context;
  };
  return browser;
}

/** What the page's Content-Security-Policy blocked since it was loaded (contexts of launchBrowser). */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(((globalThis as any).__cspViolations as string[] | undefined) ?? [])]);
}

/** A fresh context (no cookies, no storage) in German, Berlin time. */
export function newGermanContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin' });
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA) on the page; fails on serious or critical violations,
 * printing them, and on anything the page's Content-Security-Policy blocked.
 */
export async function checkA11y(page: Page, name: string): Promise<void> {
  const blocked = await cspViolations(page);
  if (blocked.length) throw new Error(`Content-Security-Policy violations on "${name}" (${page.url()}):\n${blocked.join('\n')}`);
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) {
    const text = bad.map((v) => `- [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`).join('\n')}`).join('\n');
    throw new Error(`accessibility violations on "${name}" (${page.url()}):\n${text}`);
  }
}

/** Writes a full-page screenshot to test-artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(ARTIFACTS, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
