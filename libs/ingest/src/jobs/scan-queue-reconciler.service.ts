import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QueueName, QueueRecoveryTasks } from '@app/queue';
import { scanJob } from '../batches/batch.service';
import { IngestPipeline } from '../pipeline/ingest-pipeline.service';
import { ScanDocumentRepository } from '../pipeline/scan-document.repository';
import { ProcessScanJobData } from './process-scan.job';

export interface ReconcileResult {
  enqueued: string[];
  failed: string[];
}

/**
 * PostgreSQL is the truth, Redis a cache of intentions: every scan `queued` or `processing` in
 * PostgreSQL must have its pipeline job. Run by the worker's queue recovery (boot, Redis
 * reconnect, every QUEUE_RECOVERY_CHECK_SECONDS): a scan without a job (Redis lost its data, an
 * enqueue after commit failed) is enqueued again under its dedup jobId (the document id), so a
 * job is never doubled; a scan whose job BullMQ already failed (e.g. stalled too often) ends
 * `failed` with the reason, where the scan centre can re-run it. Unlike the stale sweep this does
 * not wait INGEST_STALE_MINUTES: a missing job is a fact, not a guess.
 */
@Injectable()
export class ScanQueueReconciler implements OnModuleInit {
  private readonly logger = new Logger(ScanQueueReconciler.name);

  constructor(
    private readonly scans: ScanDocumentRepository,
    private readonly pipeline: IngestPipeline,
    private readonly recovery: QueueRecoveryTasks,
    @InjectQueue(QueueName.Ingest) private readonly queue: Queue<ProcessScanJobData>,
  ) {}

  onModuleInit(): void {
    this.recovery.register('re-enqueue scans without a job', () => this.reconcile());
  }

  async reconcile(): Promise<ReconcileResult> {
    const result: ReconcileResult = { enqueued: [], failed: [] };
    // everything waiting, oldest first; a scan enqueued meanwhile is left alone by the dedup jobId
    const pending = await this.scans.stale(null, 5000);
    for (const scan of pending) {
      const job = await this.queue.getJob(scan.id);
      if (!job) {
        const { name, data, opts } = scanJob(scan.id, scan.batchId);
        await this.queue.add(name, data, opts);
        await this.scans.appendStep(null, scan.id, 'recovery: re-enqueued (no job in Redis)');
        result.enqueued.push(scan.id);
        continue;
      }
      if ((await job.getState()) === 'failed') {
        await this.pipeline.fail(scan.id, `processing failed: ${job.failedReason ?? 'unknown error'}`);
        result.failed.push(scan.id);
      }
    }
    if (result.enqueued.length || result.failed.length) this.logger.warn({ enqueued: result.enqueued.length, failed: result.failed.length }, 'scans reconciled with the queue');
    return result;
  }
}
