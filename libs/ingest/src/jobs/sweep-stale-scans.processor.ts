import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { QueueName, QueueRecoveryTasks } from '@app/queue';
import { SWEEP_STALE_SCANS_JOB, SweepStaleScansJobData } from './process-scan.job';
import { StaleScanSweeper, SweepResult } from './stale-scan-sweeper.service';

export const SWEEP_STALE_SCANS_SCHEDULER_ID = 'sweep-stale-scans';

/**
 * The repeatable sweep (every INGEST_SWEEP_EVERY_MINUTES), one scheduler for all worker replicas,
 * (re-)established by the worker's queue recovery (boot, Redis reconnect, periodic check).
 */
@Processor(QueueName.IngestSweep, { concurrency: 1 })
export class SweepStaleScansProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(SweepStaleScansProcessor.name);

  constructor(
    private readonly sweeper: StaleScanSweeper,
    @InjectQueue(QueueName.IngestSweep) private readonly queue: Queue<SweepStaleScansJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly recovery: QueueRecoveryTasks,
  ) {
    super();
  }

  onModuleInit(): void {
    this.recovery.register(`schedule ${SWEEP_STALE_SCANS_SCHEDULER_ID}`, () => this.schedule());
  }

  /** Idempotent: upserting an unchanged scheduler keeps its next run. */
  async schedule(): Promise<void> {
    await this.queue.upsertJobScheduler(SWEEP_STALE_SCANS_SCHEDULER_ID, { every: Math.round(this.config.ingest.sweepEveryMinutes * 60_000) }, { name: SWEEP_STALE_SCANS_JOB, data: {} });
  }

  async process(job: Job<SweepStaleScansJobData>): Promise<SweepResult> {
    const result = await this.sweeper.sweep();
    this.logger.log({ jobId: job.id, requeued: result.requeued.length, failed: result.failed.length, waiting: result.waiting.length }, 'SweepStaleScansJob done');
    return result;
  }
}
