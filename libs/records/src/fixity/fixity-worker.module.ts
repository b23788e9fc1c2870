import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { RecordsModule } from '../records.module';
import { FixityRepository } from './fixity.repository';
import { FixitySweepService } from './fixity-sweep.service';
import { OrphanSweepService } from './orphan-sweep.service';
import { FixityScheduler } from './jobs/fixity-scheduler';
import { FixitySweepProcessor } from './jobs/fixity-sweep.processor';

/** The fixity and orphan sweeps' processor and schedules (worker only). */
@Module({
  imports: [RecordsModule, AuditModule],
  providers: [FixityRepository, FixitySweepService, OrphanSweepService, FixitySweepProcessor, FixityScheduler],
  exports: [FixitySweepService, OrphanSweepService],
})
export class FixityWorkerModule {}
