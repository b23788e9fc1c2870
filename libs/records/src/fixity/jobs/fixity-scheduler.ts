import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { QueueName, QueueRecoveryTasks } from '@app/queue';
import { FIXITY_SWEEP_JOB, FIXITY_SWEEP_SCHEDULER_ID, FixitySweepJobData, ORPHAN_SWEEP_JOB, ORPHAN_SWEEP_SCHEDULER_ID } from './fixity-sweep.job';

/**
 * Registers the repeatable fixity slice and orphan sweep once per deployment (BullMQ job
 * schedulers, not a timer per replica), re-established by the worker's queue recovery (boot,
 * Redis reconnect, periodic check).
 */
@Injectable()
export class FixityScheduler implements OnModuleInit {
  private readonly logger = new Logger(FixityScheduler.name);

  constructor(
    @InjectQueue(QueueName.Fixity) private readonly queue: Queue<FixitySweepJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly recovery: QueueRecoveryTasks,
  ) {}

  onModuleInit(): void {
    this.recovery.register(`schedule ${FIXITY_SWEEP_SCHEDULER_ID}`, () => this.schedule(FIXITY_SWEEP_SCHEDULER_ID, FIXITY_SWEEP_JOB, this.config.fixity.everyMinutes));
    this.recovery.register(`schedule ${ORPHAN_SWEEP_SCHEDULER_ID}`, () => this.schedule(ORPHAN_SWEEP_SCHEDULER_ID, ORPHAN_SWEEP_JOB, this.config.orphans.everyMinutes));
  }

  /** Idempotent: upserting an unchanged scheduler keeps its next run; 0 minutes removes it. */
  private async schedule(id: string, name: string, everyMinutes: number): Promise<void> {
    if (everyMinutes === 0) {
      await this.queue.removeJobScheduler(id);
      this.logger.debug(`${id} not scheduled (0 minutes)`);
      return;
    }
    const every = Math.round(everyMinutes * 60_000);
    await this.queue.upsertJobScheduler(id, { every }, { name, data: { trigger: 'schedule' } });
    this.logger.debug({ everyMs: every }, `${id} scheduled`);
  }
}
