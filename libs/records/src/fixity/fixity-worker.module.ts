import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { RecordsModule } from '../records.module';
import { FixityRepository } from './fixity.repository';
import { FixitySweepService } from './fixity-sweep.service';
import { FixityScheduler } from './jobs/fixity-scheduler';
import { FixitySweepProcessor } from './jobs/fixity-sweep.processor';

/** The fixity sweep's processor and schedule (worker only). */
@Module({
  imports: [RecordsModule, AuditModule],
  providers: [FixityRepository, FixitySweepService, FixitySweepProcessor, FixityScheduler],
  exports: [FixitySweepService],
})
export class FixityWorkerModule {}
