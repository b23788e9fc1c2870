import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { systemContext } from '@app/common';
import { QueueName } from '@app/queue';
import { FixitySliceResult, FixitySweepService } from '../fixity-sweep.service';
import { OrphanSweepResult, OrphanSweepService } from '../orphan-sweep.service';
import { FixitySweepJobData, ORPHAN_SWEEP_JOB } from './fixity-sweep.job';

/**
 * Runs one slice of the fixity sweep, or the orphan sweep (job OrphanSweepJob); a storage error
 * fails the job (retried with backoff), nothing is recorded as lost.
 */
@Processor(QueueName.Fixity, { concurrency: 1 })
export class FixitySweepProcessor extends WorkerHost {
  private readonly logger = new Logger(FixitySweepProcessor.name);

  constructor(
    private readonly sweep: FixitySweepService,
    private readonly orphans: OrphanSweepService,
  ) {
    super();
  }

  async process(job: Job<FixitySweepJobData>): Promise<FixitySliceResult | OrphanSweepResult> {
    const started = Date.now();
    if (job.name === ORPHAN_SWEEP_JOB) {
      const removed = await this.orphans.run(systemContext('orphan-sweep', `job:${job.id}`));
      this.logger.log({ jobId: job.id, trigger: job.data?.trigger, ...removed, ms: Date.now() - started }, 'OrphanSweepJob done');
      return removed;
    }
    const result = await this.sweep.runSlice(systemContext('fixity-sweep', `job:${job.id}`));
    this.logger.log({ jobId: job.id, trigger: job.data?.trigger, ...result, ms: Date.now() - started }, 'FixitySweepJob done');
    return result;
  }
}
