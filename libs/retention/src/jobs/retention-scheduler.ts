import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { QueueName, QueueRecoveryTasks } from '@app/queue';
import { RETENTION_SWEEP_JOB, RETENTION_SWEEP_SCHEDULER_ID, RetentionSweepJobData } from './retention-sweep.job';

/**
 * Registers the repeatable sweep once per deployment (a BullMQ job scheduler, not a timer per
 * replica), re-established by the worker's queue recovery (boot, Redis reconnect, periodic check).
 */
@Injectable()
export class RetentionScheduler implements OnModuleInit {
  private readonly logger = new Logger(RetentionScheduler.name);

  constructor(
    @InjectQueue(QueueName.Retention) private readonly queue: Queue<RetentionSweepJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly recovery: QueueRecoveryTasks,
  ) {}

  onModuleInit(): void {
    this.recovery.register(`schedule ${RETENTION_SWEEP_SCHEDULER_ID}`, () => this.schedule());
  }

  /** Idempotent: upserting an unchanged scheduler keeps its next run. */
  async schedule(): Promise<void> {
    const every = Math.round(this.config.retention.sweepEveryMinutes * 60_000);
    await this.queue.upsertJobScheduler(RETENTION_SWEEP_SCHEDULER_ID, { every }, { name: RETENTION_SWEEP_JOB, data: { trigger: 'schedule' } });
    this.logger.debug({ everyMs: every }, 'retention sweep scheduled');
  }
}
