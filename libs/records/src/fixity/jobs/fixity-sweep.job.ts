/** Payload of the repeatable FixitySweepJob (QueueName.Fixity): one slice of the fixity sweep. */
export interface FixitySweepJobData {
  /** Why it runs: `schedule` (repeatable) or a caller's label. */
  trigger: string;
}

export const FIXITY_SWEEP_JOB = 'FixitySweepJob';
export const FIXITY_SWEEP_SCHEDULER_ID = 'fixity-sweep';
