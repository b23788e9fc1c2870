import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Clock } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { QueueName } from '@app/queue';
import { scanJob } from '../batches/batch.service';
import { IngestPipeline } from '../pipeline/ingest-pipeline.service';
import { ScanDocumentRepository } from '../pipeline/scan-document.repository';
import { ProcessScanJobData } from './process-scan.job';

export interface SweepResult {
  requeued: string[];
  failed: string[];
  waiting: string[];
}

const MAX_SWEEPS = 3;

/**
 * No scan stays `queued` or `processing` forever. For every scan without progress for
 * INGEST_STALE_MINUTES: a missing or finished job is enqueued again (at most 3 times), a failed
 * job's reason is copied to the document, and a job that has been running for more than four
 * times the limit is given up as failed. Waiting jobs are left alone (a backlog is not a fault).
 */
@Injectable()
export class StaleScanSweeper {
  private readonly logger = new Logger(StaleScanSweeper.name);

  constructor(
    private readonly scans: ScanDocumentRepository,
    private readonly pipeline: IngestPipeline,
    private readonly clock: Clock,
    @InjectQueue(QueueName.Ingest) private readonly queue: Queue<ProcessScanJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sweep(): Promise<SweepResult> {
    const staleMs = this.config.ingest.staleMinutes * 60_000;
    const now = this.clock.now().getTime();
    const result: SweepResult = { requeued: [], failed: [], waiting: [] };
    for (const scan of await this.scans.stale(new Date(now - staleMs))) {
      const job = await this.queue.getJob(scan.id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'failed') {
        await this.pipeline.fail(scan.id, `processing failed: ${job?.failedReason ?? 'unknown error'}`);
        result.failed.push(scan.id);
      } else if (state === 'active' || state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') {
        if (state === 'active' && now - scan.updatedAt.getTime() > 4 * staleMs) {
          await this.pipeline.fail(scan.id, `processing took longer than ${4 * this.config.ingest.staleMinutes} minutes`);
          result.failed.push(scan.id);
        } else result.waiting.push(scan.id);
      } else if (scan.sweeps >= MAX_SWEEPS) {
        await this.pipeline.fail(scan.id, `processing did not finish after ${MAX_SWEEPS} restarts`);
        result.failed.push(scan.id);
      } else {
        // missing (lost enqueue, removed) or completed without result (crash between steps)
        if (job) await job.remove().catch(() => undefined);
        const { name, data, opts } = scanJob(scan.id, scan.batchId);
        await this.queue.add(name, data, opts);
        await this.scans.appendStep(null, scan.id, `sweep: re-enqueued (job ${state}, no progress since ${scan.updatedAt.toISOString()})`);
        await this.scans.touch(scan.id);
        result.requeued.push(scan.id);
      }
    }
    if (result.requeued.length || result.failed.length) this.logger.warn(result, 'stale scans swept');
    return result;
  }
}
