import type { Stack } from './stack';

/** The service's repeatable jobs: queue and job-scheduler id (see the *-scheduler.ts of each lib). */
export const SCHEDULES = [
  { queue: 'ingest-sweep', id: 'sweep-stale-scans' },
  { queue: 'retention', id: 'retention-sweep' },
  { queue: 'audit', id: 'audit-anchor' },
  { queue: 'fixity', id: 'fixity-sweep' },
  { queue: 'fixity', id: 'orphan-sweep' },
] as const;

/** The schedules missing in Redis (empty: all there). */
export async function missingSchedules(stack: Stack): Promise<string[]> {
  const missing: string[] = [];
  for (const s of SCHEDULES) if (!(await stack.queue(s.queue).getJobScheduler(s.id))) missing.push(s.id);
  return missing;
}

/**
 * Runs of each schedule since `since` (ms): jobs a scheduler produced (`repeat:<id>:<slot>`) that
 * ran, and how many of them share a slot (ran twice for one period).
 */
export async function scheduleRuns(stack: Stack, since: number): Promise<{ id: string; runs: number; duplicateSlots: number; failed: number }[]> {
  const out = [];
  for (const s of SCHEDULES) {
    const jobs = await stack.queue(s.queue).getJobs(['completed', 'failed', 'active'], 0, -1);
    const mine = jobs.filter((j) => j?.id?.startsWith(`repeat:${s.id}:`) && (j.processedOn ?? 0) >= since);
    const slots = new Set(mine.map((j) => j.id!.split(':').pop()));
    out.push({ id: s.id, runs: mine.length, duplicateSlots: mine.length - slots.size, failed: mine.filter((j) => j.failedReason).length });
  }
  return out;
}
