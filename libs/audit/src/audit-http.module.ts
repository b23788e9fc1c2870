import { Module } from '@nestjs/common';
import { AuditModule } from './audit.module';
import { AuditVerifyService } from './chain/audit-verify.service';
import { AuditController } from './http/audit.controller';
import { CaseFileHistoryController } from './http/case-file-history.controller';
import { AuditQueryRepository } from './query/audit-query.repository';
import { AuditQueryService } from './query/audit-query.service';

/** The auditor's API on the records API: events, export, verify, case-file history. */
@Module({
  imports: [AuditModule],
  controllers: [AuditController, CaseFileHistoryController],
  providers: [AuditQueryRepository, AuditQueryService, AuditVerifyService],
  exports: [AuditVerifyService],
})
export class AuditHttpModule {}
