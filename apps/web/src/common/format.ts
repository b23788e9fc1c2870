import { i18n } from './i18n';

/** Dates, numbers and sizes in the conventions of the current locale (German: 03.12.2026, 1.234,5). */
const localeTag = () => (i18n.language === 'en' ? 'en-GB' : 'de-DE');

// Intl formatters are costly to build (toLocaleString with options builds one per call, some
// milliseconds each: an inbox page of 20 letters spent 50–140 ms on it): one per locale and kind.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function formatter<T extends Intl.DateTimeFormat | Intl.NumberFormat>(kind: string, make: (locale: string) => T): T {
  const key = `${localeTag()} ${kind}`;
  let f = formatters.get(key) as T | undefined;
  if (!f) formatters.set(key, (f = make(localeTag())));
  return f;
}
const dateFormat = () => formatter('date', (l) => new Intl.DateTimeFormat(l, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Berlin' }));
const dateTimeFormat = () =>
  formatter('datetime', (l) => new Intl.DateTimeFormat(l, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' }));

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat().format(d);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFormat().format(d);
}

export function formatNumber(n: number, fractionDigits = 0): string {
  return formatter(`number ${fractionDigits}`, (l) => new Intl.NumberFormat(l, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits })).format(n);
}

export function formatPercent(ratio: number): string {
  return formatter('percent', (l) => new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 0 })).format(ratio);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, 1)} KB`;
  return `${formatNumber(bytes / (1024 * 1024), 1)} MB`;
}

/**
 * An Aktenzeichen as printed on letters: the server's reference unchanged (its pattern is
 * configurable, so the browser never rebuilds it), with non-breaking hyphens so it never wraps.
 */
export function formatReference(reference: string): string {
  return reference.replace(/-/g, '\u2011');
}
