import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { QueueName } from '@app/queue';
import { AuditAnchorService } from '../audit-anchor.service';

/** Payload of {@link AuditAnchorJob}: nothing; the job looks at the chain head itself. */
export type AuditAnchorJobData = Record<string, never>;

/** Repeatable job on the audit queue: writes a signed chain checkpoint when one is due. */
@Processor(QueueName.Audit)
export class AuditAnchorJob extends WorkerHost {
  private readonly logger = new Logger(AuditAnchorJob.name);

  constructor(private readonly anchors: AuditAnchorService) {
    super();
  }

  async process(job: Job<AuditAnchorJobData>): Promise<{ anchoredSeq: string | null }> {
    if (job.name !== AuditAnchorJob.name) throw new UnrecoverableError(`unknown job ${job.name} on queue ${QueueName.Audit}`);
    try {
      const anchor = await this.anchors.anchorIfDue();
      return { anchoredSeq: anchor?.seq ?? null };
    } catch (e) {
      this.logger.warn({ jobId: job.id, err: e }, 'audit anchor failed; will retry');
      throw e; // transient (database): retried with backoff
    }
  }
}
