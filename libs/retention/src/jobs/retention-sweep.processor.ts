import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { systemContext } from '@app/common';
import { QueueName } from '@app/queue';
import { DisposalService } from '../disposal/disposal.service';
import { DueSweepService } from '../disposal/due-sweep.service';
import { ObjectLockService } from '../disposal/object-lock.service';
import { RetentionSweepJobData } from './retention-sweep.job';

/**
 * The periodic retention job: marks due case files, resumes disposal runs that stopped half-way
 * (pending items, objects not yet removed) and puts WORM retention dates on originals where the
 * storage supports object lock. Safe to run any number of times.
 */
@Processor(QueueName.Retention, { concurrency: 1 })
export class RetentionSweepProcessor extends WorkerHost {
  private readonly logger = new Logger(RetentionSweepProcessor.name);

  constructor(
    private readonly sweeper: DueSweepService,
    private readonly disposal: DisposalService,
    private readonly objectLock: ObjectLockService,
  ) {
    super();
  }

  async process(job: Job<RetentionSweepJobData>): Promise<{ marked: number; resumed: number; locked: number }> {
    const ctx = systemContext('retention-sweep', `job:${job.id}`);
    const started = Date.now();
    const { marked } = await this.sweeper.sweep(ctx);
    const resumed = await this.disposal.resumeInterrupted(ctx);
    const locked = await this.objectLock.applyPending();
    this.logger.log({ jobId: job.id, trigger: job.data?.trigger, marked, resumed, locked, ms: Date.now() - started }, 'RetentionSweepJob done');
    return { marked, resumed, locked };
  }
}
