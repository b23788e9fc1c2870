import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DEFAULT_JOB_OPTIONS, QueueName, QueueRecoveryTasks } from '@app/queue';
import { AuditAnchorJob } from './jobs/audit-anchor.job';

export const AUDIT_ANCHOR_SCHEDULER_ID = 'audit-anchor';

/**
 * Registers the repeatable anchor job (idempotent across replicas), re-established by the
 * worker's queue recovery (boot, Redis reconnect, periodic check).
 */
@Injectable()
export class AuditAnchorScheduler implements OnModuleInit {
  private readonly logger = new Logger(AuditAnchorScheduler.name);

  constructor(
    @InjectQueue(QueueName.Audit) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly recovery: QueueRecoveryTasks,
  ) {}

  onModuleInit(): void {
    this.recovery.register(`schedule ${AUDIT_ANCHOR_SCHEDULER_ID}`, () => this.schedule());
  }

  /** How often the worker looks whether an anchor is due. */
  get everyMs(): number {
    return Math.max(1000, Math.round(this.config.audit.anchorCheckSeconds * 1000));
  }

  /** Idempotent: upserting an unchanged scheduler keeps its next run. */
  async schedule(): Promise<void> {
    await this.queue.upsertJobScheduler(
      AUDIT_ANCHOR_SCHEDULER_ID,
      { every: this.everyMs },
      { name: AuditAnchorJob.name, data: {}, opts: { ...DEFAULT_JOB_OPTIONS, attempts: 3, removeOnComplete: { count: 100 } } },
    );
    this.logger.debug({ everyMs: this.everyMs }, 'audit anchor job scheduled');
  }
}
