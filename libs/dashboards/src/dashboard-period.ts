/** Dashboards count by calendar day and year as people in the city administration live them. */
export const DASHBOARD_TIME_ZONE = 'Europe/Berlin';

const DAY_MS = 86_400_000;

/** The calendar day (YYYY-MM-DD) of `at` in Europe/Berlin. */
export function berlinDay(at: Date): string {
  // en-CA formats as YYYY-MM-DD
  return new Intl.DateTimeFormat('en-CA', { timeZone: DASHBOARD_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** `day` moved by `delta` calendar days (pure date arithmetic, no time zone involved). */
export function addDays(day: string, delta: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + delta * DAY_MS).toISOString().slice(0, 10);
}

export interface DayPeriod {
  days: number;
  /** First day, included. */
  from: string;
  /** Last day (today), included. */
  to: string;
}

/** The last `days` calendar days in Europe/Berlin up to and including the day of `now`. */
export function lastDays(now: Date, days: number): DayPeriod {
  const to = berlinDay(now);
  return { days, from: addDays(to, -(days - 1)), to };
}

/** The calendar year of `now` in Europe/Berlin. */
export function berlinYear(now: Date): number {
  return Number(berlinDay(now).slice(0, 4));
}
