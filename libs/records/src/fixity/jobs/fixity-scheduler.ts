import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { QueueName } from '@app/queue';
import { FIXITY_SWEEP_JOB, FIXITY_SWEEP_SCHEDULER_ID, FixitySweepJobData } from './fixity-sweep.job';

/** Registers the repeatable fixity slice once per deployment (a BullMQ job scheduler, not a timer per replica). */
@Injectable()
export class FixityScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(FixityScheduler.name);

  constructor(
    @InjectQueue(QueueName.Fixity) private readonly queue: Queue<FixitySweepJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.fixity.everyMinutes === 0) {
      await this.queue.removeJobScheduler(FIXITY_SWEEP_SCHEDULER_ID);
      this.logger.warn('fixity sweep not scheduled (FIXITY_SWEEP_EVERY_MINUTES=0)');
      return;
    }
    const every = Math.round(this.config.fixity.everyMinutes * 60_000);
    await this.queue.upsertJobScheduler(FIXITY_SWEEP_SCHEDULER_ID, { every }, { name: FIXITY_SWEEP_JOB, data: { trigger: 'schedule' } });
    this.logger.log({ everyMs: every, sliceSize: this.config.fixity.sliceSize }, 'fixity sweep scheduled');
  }
}
