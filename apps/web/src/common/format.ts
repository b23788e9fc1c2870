import { i18n } from './i18n';

/** Dates, numbers and sizes in the conventions of the current locale (German: 03.12.2026, 1.234,5). */
const localeTag = () => (i18n.language === 'en' ? 'en-GB' : 'de-DE');

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(localeTag(), { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Berlin' });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(localeTag(), { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' });
}

export function formatNumber(n: number, fractionDigits = 0): string {
  return n.toLocaleString(localeTag(), { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
}

export function formatPercent(ratio: number): string {
  return ratio.toLocaleString(localeTag(), { style: 'percent', maximumFractionDigits: 0 });
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
