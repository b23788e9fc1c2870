import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { AuthModule } from '@app/auth';
import { loggingModule } from '@app/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { QueueModule } from '@app/queue';
import { StorageModule } from '@app/storage';
import { IngestHttpModule } from '@app/ingest';
import { MetricsModule } from '@app/metrics';

/** Ingest service: the scan centre uploads batches here; slow work is queued for the worker. */
@Module({
  imports: [ConfigModule, loggingModule('ingest'), MetricsModule.forApp(), DatabaseModule, StorageModule, QueueModule, AuthModule, AuditModule, HealthModule, IngestHttpModule],
})
export class IngestAppModule {}
