import { Module } from '@nestjs/common';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditErrorObserver } from './audit-error.observer';

@Module({
  providers: [AuditRepository, AuditService, AuditErrorObserver],
  exports: [AuditService, AuditErrorObserver, AuditRepository],
})
export class AuditModule {}
