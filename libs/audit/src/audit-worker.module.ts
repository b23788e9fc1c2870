import { Module } from '@nestjs/common';
import { SystemClock, Clock } from '@app/common';
import { QueueRecoveryModule } from '@app/queue';
import { AuditAnchorRepository } from './anchors/audit-anchor.repository';
import { AuditAnchorScheduler } from './anchors/audit-anchor.scheduler';
import { AuditAnchorService } from './anchors/audit-anchor.service';
import { AuditAnchorJob } from './anchors/jobs/audit-anchor.job';

/** The worker's part of the audit trail: the repeatable, signed chain anchors. */
@Module({
  imports: [QueueRecoveryModule],
  providers: [AuditAnchorRepository, AuditAnchorService, AuditAnchorJob, AuditAnchorScheduler, { provide: Clock, useClass: SystemClock }],
  exports: [AuditAnchorService],
})
export class AuditWorkerModule {}
