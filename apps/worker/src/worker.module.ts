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

/** Worker: BullMQ processors and the queue recovery loop; HTTP serves nothing but /health. */
@Module({
  imports: [ConfigModule, loggingModule('worker'), DatabaseModule, StorageModule, QueueModule, QueueRecoveryModule, AuditModule, AuditWorkerModule, HealthModule, IngestWorkerModule, RetentionWorkerModule],
})
export class WorkerModule {}
