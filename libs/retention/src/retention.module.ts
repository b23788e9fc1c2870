import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { RecordsModule } from '@app/records';
import { DestructionService } from './disposal/destruction.service';
import { DisposalRepository } from './disposal/disposal.repository';
import { DisposalService } from './disposal/disposal.service';
import { DueSweepService } from './disposal/due-sweep.service';
import { ObjectLockService } from './disposal/object-lock.service';
import { RecordDeletionService } from './deletion/record-deletion.service';
import { LegalHoldRepository } from './holds/legal-hold.repository';
import { LegalHoldService } from './holds/legal-hold.service';
import { RetentionRuleService } from './rules/retention-rule.service';
import { XdomeaValidator } from './xdomea/xdomea-validator';

/** Retention, legal holds and disposal (services); used by the records API and the worker. */
@Module({
  imports: [RecordsModule, AuditModule],
  providers: [
    LegalHoldRepository,
    LegalHoldService,
    RetentionRuleService,
    RecordDeletionService,
    DisposalRepository,
    DestructionService,
    DueSweepService,
    DisposalService,
    ObjectLockService,
    XdomeaValidator,
  ],
  exports: [LegalHoldService, RetentionRuleService, RecordDeletionService, DueSweepService, DisposalService, ObjectLockService, XdomeaValidator],
})
export class RetentionModule {}
