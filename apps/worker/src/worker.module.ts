import { Module } from '@nestjs/common';
import { AuditModule, AuditWorkerModule } from '@app/audit';
import { loggingModule } from '@app/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { QueueModule, QueueRecoveryModule } from '@app/queue';
import { RetentionWorkerModule } from '@app/retention';
import { StorageModule } from '@app/storage';
import { IngestWorkerModule } from '@app/ingest';
import { MetricsModule } from '@app/metrics';
import { FixityWorkerModule } from '@app/records';

/** Worker: BullMQ processors and the queue recovery loop; HTTP serves nothing but /health and /metrics. */
@Module({
  imports: [ConfigModule, loggingModule('worker'), MetricsModule.forApp({ workers: true }), DatabaseModule, StorageModule, QueueModule, QueueRecoveryModule, AuditModule, AuditWorkerModule, HealthModule, IngestWorkerModule, RetentionWorkerModule, FixityWorkerModule],
})
export class WorkerModule {}
