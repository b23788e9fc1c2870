import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DomainError } from '@app/common';
import { ScanRejectedError } from '@app/ocr';
import { QueueName } from '@app/queue';
import { IngestPipeline, PermanentScanFailure, PipelineOutcome } from '../pipeline/ingest-pipeline.service';
import { ProcessScanJobData } from './process-scan.job';

/** Attempts for a scan whose processing timed out before it counts as permanently failed. */
const TIMEOUT_ATTEMPTS = 3;

/**
 * Runs the scan pipeline for one document (jobId = document id). Permanent failures (rejected
 * scan, missing or tampered original) end the document `failed` at once without retry; anything
 * else is retried with backoff and, when attempts run out, also ends `failed` with the reason.
 * Stalled jobs (worker crash) are picked up again by BullMQ within INGEST_LOCK_SECONDS +
 * INGEST_STALLED_CHECK_SECONDS (the lock is renewed every half lock period; OCR runs in worker
 * threads, so the event loop stays free to renew it); after INGEST_MAX_STALLED stalls the job
 * fails and the queue recovery ends the document `failed`, where the scan centre can re-run it.
 */
@Processor(QueueName.Ingest, { autorun: false, runRetryDelay: 2000 })
export class ProcessScanProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ProcessScanProcessor.name);

  constructor(
    private readonly pipeline: IngestPipeline,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // documents in parallel up to the OCR pool size (pages of one document also share the pool)
    this.worker.concurrency = Math.max(1, this.config.ocr.workers);
    // lock and stall settings come from the configuration, so the worker starts only now
    const { lockMs, stalledIntervalMs, maxStalled } = this.config.queue.ingestLock;
    Object.assign(this.worker.opts, { lockDuration: lockMs, lockRenewTime: lockMs / 2, stalledInterval: stalledIntervalMs, maxStalledCount: maxStalled });
    (this.worker as unknown as { createLockManager(): void }).createLockManager();
    this.worker.run().catch((e) => this.logger.error({ err: e }, 'ingest worker stopped'));
  }

  async process(job: Job<ProcessScanJobData>): Promise<PipelineOutcome> {
    const started = Date.now();
    const { documentId, batchId } = job.data;
    this.logger.log({ jobId: job.id, documentId, batchId, attempt: job.attemptsMade + 1 }, 'ProcessScanJob start');
    try {
      const outcome = await this.pipeline.run(documentId, batchId);
      this.logger.log({ jobId: job.id, ...outcome, ms: Date.now() - started }, 'ProcessScanJob done');
      return outcome;
    } catch (e) {
      // A timeout may mean an overloaded machine rather than a hostile file: retry it twice first.
      if (e instanceof ScanRejectedError && /timed out/i.test(e.message) && job.attemptsMade + 1 < TIMEOUT_ATTEMPTS) {
        throw new Error(`${e.message} (attempt ${job.attemptsMade + 1} of ${TIMEOUT_ATTEMPTS}; retrying)`);
      }
      if (e instanceof ScanRejectedError || e instanceof PermanentScanFailure || (e instanceof DomainError && e.status < 500 && e.status !== 409)) {
        await this.pipeline.fail(documentId, (e as Error).message);
        throw new UnrecoverableError((e as Error).message);
      }
      throw e;
    }
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<ProcessScanJobData> | undefined, error: Error): Promise<void> {
    if (!job) return;
    const exhausted = error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    this.logger.warn({ jobId: job.id, documentId: job.data.documentId, attempt: job.attemptsMade, exhausted, err: error.message }, 'ProcessScanJob failed');
    if (exhausted) {
      await this.pipeline.fail(job.data.documentId, `processing failed: ${error.message}`).catch((e) => this.logger.error({ err: e, documentId: job.data.documentId }, 'could not mark the scan failed; the sweep will'));
    }
  }
}
