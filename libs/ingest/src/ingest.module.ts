import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { ClassificationModule, ClassificationWorkerModule } from '@app/classification';
import { OcrModule } from '@app/ocr';
import { QueueRecoveryModule } from '@app/queue';
import { RecordsModule } from '@app/records';
import { BatchController } from './batches/batch.controller';
import { BatchService } from './batches/batch.service';
import { ScanBatchRepository } from './batches/scan-batch.repository';
import { ScanIntakeService } from './batches/scan-intake.service';
import { CaptureDetailsContributor } from './capture/capture-details.contributor';
import { CaptureDetailsRegistration } from './capture/capture-details.registration';
import { CaptureRecordRepository } from './capture/capture-record.repository';
import { InboxController } from './inbox/inbox.controller';
import { InboxRepository } from './inbox/inbox.repository';
import { InboxService } from './inbox/inbox.service';
import { ProcessScanProcessor } from './jobs/process-scan.processor';
import { ScanQueueReconciler } from './jobs/scan-queue-reconciler.service';
import { StaleScanSweeper } from './jobs/stale-scan-sweeper.service';
import { SweepStaleScansProcessor } from './jobs/sweep-stale-scans.processor';
import { IngestPipeline } from './pipeline/ingest-pipeline.service';
import { ScanDocumentRepository } from './pipeline/scan-document.repository';

/** Scanned-mail ingest: batches, capture records, the pipeline and the sweep (services only). */
@Module({
  imports: [AuditModule, RecordsModule, OcrModule, ClassificationModule],
  providers: [ScanBatchRepository, CaptureRecordRepository, ScanIntakeService, BatchService, ScanDocumentRepository, IngestPipeline, StaleScanSweeper],
  exports: [ScanBatchRepository, CaptureRecordRepository, ScanIntakeService, BatchService, ScanDocumentRepository, IngestPipeline, StaleScanSweeper],
})
export class IngestModule {}

/**
 * Batch routes: POST /api/v1/batches, GET /api/v1/batches, GET /api/v1/batches/:id(/events|/capture), POST …/documents/:documentId/retry.
 * Served by the ingest service (scanners, machine clients) and by the records API (the web
 * application's origin). Only `DocumentProcessor.inspect` runs here; the OCR pool starts lazily
 * and the processors live in IngestWorkerModule, so neither app starts OCR or queue workers.
 */
@Module({
  imports: [IngestModule],
  controllers: [BatchController],
})
export class IngestHttpModule {}

/** Worker: the scan pipeline processor, the stale-scan sweep, re-enqueueing after Redis loss and classifier retraining. */
@Module({
  imports: [IngestModule, ClassificationWorkerModule, QueueRecoveryModule],
  providers: [ProcessScanProcessor, SweepStaleScansProcessor, ScanQueueReconciler],
})
export class IngestWorkerModule {}

/** Records API: the review inbox, manual filing, and capture record/transfer note on GET /documents/:id. */
@Module({
  imports: [AuditModule, RecordsModule, ClassificationModule],
  controllers: [InboxController],
  providers: [InboxRepository, InboxService, CaptureRecordRepository, CaptureDetailsContributor, CaptureDetailsRegistration],
})
export class InboxHttpModule {}
