/** Payload of the repeatable RetentionSweepJob (QueueName.Retention). */
export interface RetentionSweepJobData {
  /** Why it runs: `schedule` (repeatable) or a caller's label. */
  trigger: string;
}

export const RETENTION_SWEEP_JOB = 'RetentionSweepJob';
export const RETENTION_SWEEP_SCHEDULER_ID = 'retention-sweep';
