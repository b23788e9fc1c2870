/** Payload of the repeatable FixitySweepJob (QueueName.Fixity): one slice of the fixity sweep. */
export interface FixitySweepJobData {
  /** Why it runs: `schedule` (repeatable) or a caller's label. */
  trigger: string;
}

export const FIXITY_SWEEP_JOB = 'FixitySweepJob';
export const FIXITY_SWEEP_SCHEDULER_ID = 'fixity-sweep';

/** The orphan sweep runs on the same queue (storage housekeeping): one job removes what no row refers to. */
export const ORPHAN_SWEEP_JOB = 'OrphanSweepJob';
export const ORPHAN_SWEEP_SCHEDULER_ID = 'orphan-sweep';
