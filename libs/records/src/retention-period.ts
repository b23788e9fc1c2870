import type { RetentionTrigger } from './file-plan/file-plan-unit.entity';

export interface RetentionRule {
  years: number | null;
  trigger: RetentionTrigger;
}

function addYears(date: Date, years: number): Date {
  const d = new Date(date.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/**
 * The end of a case file's retention period under its rule: trigger date + years.
 * Null when the rule keeps it forever (`years: null`) or the trigger has not happened (still open).
 */
export function computeRetainUntil(rule: RetentionRule, openedAt: Date, closedAt: Date | null): Date | null {
  if (rule.years === null) return null;
  const start = rule.trigger === 'created' ? openedAt : closedAt;
  return start ? addYears(start, rule.years) : null;
}
