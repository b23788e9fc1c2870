import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DEFAULT_JOB_OPTIONS, QueueName } from '@app/queue';
import { AuditAnchorJob } from './jobs/audit-anchor.job';

export const AUDIT_ANCHOR_SCHEDULER_ID = 'audit-anchor';

/** Registers the repeatable anchor job once per worker boot (idempotent across replicas). */
@Injectable()
export class AuditAnchorScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditAnchorScheduler.name);

  constructor(
    @InjectQueue(QueueName.Audit) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** How often the worker looks whether an anchor is due. */
  get everyMs(): number {
    return Math.max(1000, Math.round(this.config.audit.anchorCheckSeconds * 1000));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      AUDIT_ANCHOR_SCHEDULER_ID,
      { every: this.everyMs },
      { name: AuditAnchorJob.name, data: {}, opts: { ...DEFAULT_JOB_OPTIONS, attempts: 3, removeOnComplete: { count: 100 } } },
    );
    this.logger.log({ everyMs: this.everyMs }, 'audit anchor job scheduled');
  }
}
