import { Module } from '@nestjs/common';
import { AuditHttpModule, AuditModule } from '@app/audit';
import { AuthModule } from '@app/auth';
import { loggingModule } from '@app/common';
import { ConfigModule } from '@app/config';
import { DashboardsHttpModule } from '@app/dashboards';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { QueueModule } from '@app/queue';
import { RecordsHttpModule } from '@app/records';
import { RetentionHttpModule } from '@app/retention';
import { SearchHttpModule } from '@app/search';
import { SignInHttpModule } from '@app/sign-in';
import { StorageModule } from '@app/storage';
import { IngestHttpModule, InboxHttpModule } from '@app/ingest';
import { WebHostModule } from '@app/web-host';
import { MetricsModule } from '@app/metrics';

/** Records API: case files, documents, search, retention, dashboards and the auditor's API. */
@Module({
  imports: [
    ConfigModule,
    loggingModule('records-api'),
    MetricsModule.forApp(),
    DatabaseModule,
    StorageModule,
    QueueModule,
    AuthModule,
    AuditModule,
    AuditHttpModule,
    HealthModule,
    RecordsHttpModule,
    RetentionHttpModule,
    SearchHttpModule,
    DashboardsHttpModule,
    InboxHttpModule,
    // the scan centre's batch routes on the web application's origin (uploads are inspected here;
    // OCR runs in the worker: no tesseract worker and no BullMQ processor starts in this process)
    IngestHttpModule,
    WebHostModule,
    SignInHttpModule,
  ],
})
export class RecordsApiModule {}
