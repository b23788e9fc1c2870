import { i18n } from '../common/i18n';

const localeTag = () => (i18n.language === 'en' ? 'en-GB' : 'de-DE');

/** A calendar day of the service (YYYY-MM-DD, already a Berlin day) as 04.12.2026; no time zone shift. */
export function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(localeTag(), { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
}

/** The same, short for a chart axis: 04.12. */
export function formatShortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(localeTag(), { day: '2-digit', month: '2-digit', timeZone: 'UTC' });
}

/** The category with the largest value (first of equals), for the charts' summaries. */
export function maxOf<T>(items: T[], value: (t: T) => number): { item: T; value: number } | null {
  let best: { item: T; value: number } | null = null;
  for (const item of items) {
    const v = value(item);
    if (!best || v > best.value) best = { item, value: v };
  }
  return best;
}
