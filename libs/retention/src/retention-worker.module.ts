import { Module } from '@nestjs/common';
import { QueueRecoveryModule } from '@app/queue';
import { RetentionScheduler } from './jobs/retention-scheduler';
import { RetentionSweepProcessor } from './jobs/retention-sweep.processor';
import { RetentionModule } from './retention.module';

/** The retention processor and its schedule (worker only). */
@Module({
  imports: [RetentionModule, QueueRecoveryModule],
  providers: [RetentionSweepProcessor, RetentionScheduler],
})
export class RetentionWorkerModule {}
