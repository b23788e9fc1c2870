/**
 * Every queue of the system and the payload of every job, in one place.
 * A job's name is its processor's class name.
 */
export enum QueueName {
  /** Scanned mail: OCR → searchable PDF → classify → file or inbox. */
  Ingest = 'ingest',
  /** Periodic sweep: re-enqueues or fails scans stuck in queued/processing. */
  IngestSweep = 'ingest-sweep',
  /** Retraining the document classifier from filed documents. */
  Training = 'training',
  /** Audit chain anchors (signed checkpoints). */
  Audit = 'audit',
  /** Retention sweep, destruction, hand-over. */
  Retention = 'retention',
  /** Fixity sweep: stored files re-hashed in slices (TR-ESOR integrity check). */
  Fixity = 'fixity',
}

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);

/** Default options: transient failures retry with exponential backoff. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
