/** Job name and payload of the scan pipeline (QueueName.Ingest). jobId = document id (idempotent). */
export const PROCESS_SCAN_JOB = 'ProcessScanJob';

export interface ProcessScanJobData {
  documentId: string;
  batchId: string;
}

/** The periodic sweep over stuck scans (QueueName.IngestSweep, repeatable). */
export const SWEEP_STALE_SCANS_JOB = 'SweepStaleScansJob';

export type SweepStaleScansJobData = Record<string, never>;
