import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { AuditService } from '@app/audit';
import { AccessDeniedError, Clock, DomainError, hasRole, Page, pageParams, RequestContext, Role } from '@app/common';
import { QueueAvailability, QueueName, QueueUnavailableError } from '@app/queue';
import { DocumentRepository } from '@app/records';
import { CaptureRecordRepository } from '../capture/capture-record.repository';
import { PROCESS_SCAN_JOB, ProcessScanJobData } from '../jobs/process-scan.job';
import { ScanDocumentRepository } from '../pipeline/scan-document.repository';
import {
  BatchCaptureResponse,
  BatchCounts,
  BatchDocumentResponse,
  BatchFields,
  BatchListQuery,
  BatchResponse,
  batchStatus,
  BatchSummaryResponse,
} from './batch.dto';
import { BatchDuplicate, ScanBatch, ScanBatchRepository, ScanBatchSummary } from './scan-batch.repository';
import type { FileIntake } from './scan-intake.service';

export interface BatchEvent {
  type: 'document' | 'batch';
  data: Record<string, unknown>;
}

const EVENT_POLL_MS = 1000;
const EVENT_MAX_MS = 2 * 3600 * 1000;

/** Enqueues one pipeline job per accepted document; jobId = document id, so re-adding is a no-op. */
export function scanJob(documentId: string, batchId: string) {
  return { name: PROCESS_SCAN_JOB, data: { documentId, batchId } satisfies ProcessScanJobData, opts: { jobId: documentId } };
}

/**
 * Scan batches: creates the batch with one document (queued or rejected) and one capture record
 * per received file, detects duplicates by content hash, enqueues the pipeline and reports status.
 * Who sees a batch: the scan operator who uploaded it, and administrators.
 */
@Injectable()
export class BatchService {
  private readonly logger = new Logger(BatchService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly batches: ScanBatchRepository,
    private readonly documents: DocumentRepository,
    private readonly captures: CaptureRecordRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectQueue(QueueName.Ingest) private readonly queue: Queue<ProcessScanJobData>,
    private readonly availability: QueueAvailability,
    private readonly scans: ScanDocumentRepository,
  ) {}

  /**
   * Called before anything of an upload is read or stored: while the job queue (Redis) is
   * unreachable a batch is refused with 503 and `Retry-After` within QUEUE_TIMEOUT_MS, so the
   * scan centre keeps the paper and sends it again; nothing is stored.
   */
  async assertAccepting(): Promise<void> {
    await this.availability.assertAvailable('nothing was stored; please send the batch again');
  }

  /** Checks the text fields; called after the files are stored (multipart fields may come last). */
  async validateFields(fields: BatchFields): Promise<void> {
    if (fields.departmentCode && !(await this.batches.departmentExists(fields.departmentCode))) {
      throw DomainError.validation(`unknown department ${fields.departmentCode}`, [{ field: 'departmentCode', errors: ['unknown department'] }]);
    }
    if (fields.receivedAt && new Date(fields.receivedAt).getTime() > this.clock.now().getTime() + 24 * 3600 * 1000) {
      throw DomainError.validation('receivedAt lies in the future', [{ field: 'receivedAt', errors: ['lies in the future'] }]);
    }
  }

  async create(ctx: RequestContext, fields: BatchFields, intakes: FileIntake[]): Promise<BatchResponse> {
    if (!intakes.length) throw DomainError.validation('a batch needs at least one file part named "files"', [{ field: 'files', errors: ['required'] }]);
    const actor = ctx.actor!;
    const id = randomUUID();
    const now = this.clock.now();
    const anomalies = (fields.anomalies ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    const ordered = [...intakes].sort((a, b) => a.position - b.position);
    const results: BatchDocumentResponse[] = [];
    const accepted: string[] = [];

    await this.dataSource.transaction(async (m) => {
      await this.batches.insert(m, {
        id,
        createdBySub: actor.sub,
        createdByName: actor.name ?? null,
        scanner: fields.scanner ?? null,
        profile: fields.profile ?? null,
        departmentHint: fields.departmentCode ?? null,
        receivedAt: fields.receivedAt ? new Date(fields.receivedAt) : null,
      });
      await this.batches.lockHashes(m, ordered.filter((i) => i.stored && !i.rejection).map((i) => i.stored!.sha256));
      const duplicates: BatchDuplicate[] = [];
      for (const intake of ordered) {
        if (intake.stored && !intake.rejection) {
          const existing = await this.batches.findDocumentByOriginalHash(m, intake.stored.sha256);
          if (existing) {
            duplicates.push({ position: intake.position, filename: intake.filename, duplicateOf: existing, sha256: intake.stored.sha256 });
            results.push({ id: existing, position: intake.position, filename: intake.filename, status: 'duplicate', duplicateOf: existing, error: 'identical content was already received' });
            continue;
          }
        }
        const status = intake.rejection ? 'rejected' : 'queued';
        const doc = await this.documents.create(
          m,
          { title: intake.filename, status, source: 'scan', batchId: id, error: intake.rejection, caseFileId: null, departmentCode: null },
          actor.sub,
          intake.stored
            ? [{ variant: 'original', storageKey: intake.stored.key, sha256: intake.stored.sha256, size: intake.stored.size, mimeType: intake.mimeType ?? 'application/octet-stream', filename: intake.filename }]
            : [],
        );
        await this.captures.insert(m, {
          documentId: doc.id,
          batchId: id,
          position: intake.position,
          capturedBy: { sub: actor.sub, name: actor.name ?? null },
          scanner: fields.scanner ?? null,
          profile: fields.profile ?? null,
          capturedAt: now.toISOString(),
          pageCount: intake.pageCount,
          originalSha256: intake.stored?.sha256 ?? null,
          originalFilename: intake.filename,
          mimeType: intake.mimeType,
          anomalies,
          processingSteps: [{ at: now.toISOString(), step: intake.rejection ? `rejected at upload: ${intake.rejection}` : `original stored unchanged (sha256 ${intake.stored!.sha256})` }],
        });
        await this.audit.record(m, ctx, {
          action: 'document.capture',
          objectType: 'document',
          objectId: doc.id,
          details: { batchId: id, filename: intake.filename, status, sha256: intake.stored?.sha256 ?? null, pageCount: intake.pageCount, error: intake.rejection },
        });
        if (status === 'queued') accepted.push(doc.id);
        results.push({ id: doc.id, position: intake.position, filename: intake.filename, status, ...(intake.rejection ? { error: intake.rejection } : {}) });
      }
      if (duplicates.length) await this.batches.setDuplicates(m, id, duplicates);
      await this.audit.record(m, ctx, {
        action: 'batch.create',
        objectType: 'batch',
        objectId: id,
        details: {
          scanner: fields.scanner ?? null,
          profile: fields.profile ?? null,
          departmentHint: fields.departmentCode ?? null,
          files: ordered.length,
          accepted: accepted.length,
          rejected: results.filter((r) => r.status === 'rejected').length,
          duplicates: duplicates.length,
        },
      });
    });
    // after commit, waiting at most QUEUE_TIMEOUT_MS: the batch is accepted under this id either
    // way; documents left queued are enqueued by the worker's queue recovery (dedup jobId)
    if (accepted.length) {
      const enqueued = await this.availability.within(this.queue.addBulk(accepted.map((docId) => scanJob(docId, id))));
      if (!enqueued.done) this.logger.error({ err: enqueued.error, batchId: id }, 'enqueueing failed or timed out; the queue recovery enqueues the documents');
    }
    const duplicateBatches = await this.batches.batchesOfDocuments(
      results.filter((r) => r.duplicateOf).map((r) => r.duplicateOf!),
      actor.sub,
    );
    return {
      id,
      status: batchStatus(results),
      createdAt: now.toISOString(),
      scanner: fields.scanner ?? null,
      profile: fields.profile ?? null,
      departmentCode: fields.departmentCode ?? null,
      receivedAt: fields.receivedAt ? new Date(fields.receivedAt).toISOString() : null,
      createdBy: { sub: actor.sub, name: actor.name ?? null },
      documents: results.map((r) => (r.duplicateOf && duplicateBatches.has(r.duplicateOf) ? { ...r, duplicateOfBatchId: duplicateBatches.get(r.duplicateOf) } : r)),
    };
  }

  /**
   * Re-runs a `failed` scan (scan centre): the pipeline starts again from the stored, unchanged
   * original and the document ends filed or in an inbox as any other. 404 for an unknown batch or
   * a document not in it, 409 unless the document is `failed`, 503 while the queue is unreachable
   * (nothing changed). Audited in the transaction that puts the document back to `queued`.
   */
  async retry(ctx: RequestContext, batchId: string, documentId: string): Promise<BatchDocumentResponse> {
    await this.visible(ctx, batchId);
    const unchanged = 'the document was not changed; please retry';
    const result = await this.dataSource.transaction(async (m) => {
      const doc = await this.scans.lockInBatch(m, batchId, documentId);
      if (!doc) throw DomainError.notFound('document', documentId);
      if (doc.status !== 'failed') throw DomainError.conflict(`document ${documentId} is ${doc.status}; only failed documents can be run again`, { status: doc.status });
      await this.availability.assertAvailable(unchanged);
      // the finished job holds the dedup jobId: remove it, so that the new one is not a no-op
      const job = await this.availability.within(this.queue.getJob(documentId));
      if (!job.done) throw new QueueUnavailableError(`the job queue (Redis) did not answer; ${unchanged}`);
      if (job.value) {
        const state = await this.availability.within(job.value.getState());
        if (!state.done) throw new QueueUnavailableError(`the job queue (Redis) did not answer; ${unchanged}`);
        if (state.value === 'active') throw DomainError.conflict(`document ${documentId} is still being processed by a worker; try again later`, { status: doc.status });
        const removed = await this.availability.within(job.value.remove());
        if (!removed.done) throw new QueueUnavailableError(`the previous job could not be removed; ${unchanged}`);
      }
      await this.scans.requeueFailed(m, documentId);
      await this.scans.appendStep(m, documentId, `retry: run again on request of ${ctx.actor!.sub} (previous error: ${doc.error ?? 'none'})`);
      await this.audit.record(m, ctx, { action: 'document.ingest.retry', objectType: 'document', objectId: documentId, details: { batchId, previousError: doc.error } });
      return { id: documentId, filename: doc.filename, status: 'queued' as const };
    });
    const { name, data, opts } = scanJob(documentId, batchId);
    const enqueued = await this.availability.within(this.queue.add(name, data, opts));
    if (!enqueued.done) this.logger.error({ err: enqueued.error, batchId, documentId }, 'enqueueing the retry failed or timed out; the queue recovery enqueues it');
    return result;
  }

  async get(ctx: RequestContext, id: string): Promise<BatchResponse> {
    const batch = await this.visible(ctx, id);
    const response = await this.snapshot(batch, await this.duplicateBatches(batch));
    await this.audit.recordAccess(ctx, { action: 'batch.read', objectType: 'batch', objectId: id });
    return response;
  }

  /** Recent batches, newest first: a scan operator's own, every batch for administrators. */
  async list(ctx: RequestContext, query: BatchListQuery): Promise<Page<BatchSummaryResponse>> {
    const { page, pageSize, offset } = pageParams({ page: query.page, pageSize: query.pageSize ?? 20 });
    const creator = hasRole(ctx.actor, Role.Admin) ? null : ctx.actor!.sub;
    const { items, total } = await this.batches.list(creator, pageSize, offset);
    await this.audit.recordAccess(ctx, { action: 'batch.list', objectType: 'batch', objectId: null, details: { page, pageSize, total } });
    return { items: items.map(toSummary), page, pageSize, total };
  }

  /**
   * The batch's TR-RESISCAN records: each file's capture record and transfer note (who scanned,
   * scanner, profile, capture time, pages, SHA-256, QA result, statement). No document content.
   */
  async capture(ctx: RequestContext, id: string): Promise<BatchCaptureResponse> {
    const batch = await this.visible(ctx, id);
    const [records, rows] = await Promise.all([this.captures.findByBatch(id), this.batches.documents(id)]);
    const notes = new Map((await this.captures.findTransferNotes(records.map((r) => r.documentId))).map((n) => [n.documentId, n]));
    const statusOf = new Map(rows.map((r) => [r.id, r.status]));
    await this.audit.recordAccess(ctx, { action: 'batch.capture.read', objectType: 'batch', objectId: batch.id, details: { documents: records.length } });
    return {
      batchId: batch.id,
      items: records.map((r) => ({
        documentId: r.documentId,
        position: r.position,
        filename: r.originalFilename,
        status: statusOf.get(r.documentId) ?? 'queued',
        capture: { ...r },
        transferNote: notes.get(r.documentId) ? { ...notes.get(r.documentId)! } : null,
      })),
    };
  }

  /** Server-sent events: every status change of a document, then the batch once complete. Polls the database, so it works on any replica. */
  async events(ctx: RequestContext, id: string): Promise<Observable<BatchEvent>> {
    const batch = await this.visible(ctx, id);
    const duplicateBatches = await this.duplicateBatches(batch);
    await this.audit.recordAccess(ctx, { action: 'batch.events.read', objectType: 'batch', objectId: id });
    return new Observable<BatchEvent>((subscriber) => {
      const seen = new Map<string, string>();
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const tick = async () => {
        try {
          const snap = await this.snapshot(batch, duplicateBatches);
          for (const d of snap.documents) {
            const key = `${d.status}|${d.caseFileId ?? ''}|${d.error ?? ''}`;
            if (seen.get(`${d.position}`) === key) continue;
            seen.set(`${d.position}`, key);
            subscriber.next({ type: 'document', data: { ...d } });
          }
          if (snap.status === 'completed' || Date.now() - started > EVENT_MAX_MS) {
            subscriber.next({ type: 'batch', data: { id: snap.id, status: snap.status } });
            subscriber.complete();
            return;
          }
        } catch (e) {
          this.logger.warn({ err: e, batchId: id }, 'batch events poll failed');
        }
        if (!stopped) timer = setTimeout(tick, EVENT_POLL_MS);
      };
      void tick();
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      };
    });
  }

  /** Where the originals of the batch's duplicates were captured (only batches of the same scan operator). */
  private duplicateBatches(batch: ScanBatch): Promise<Map<string, string>> {
    return this.batches.batchesOfDocuments(
      batch.duplicates.map((d) => d.duplicateOf),
      batch.createdBySub,
    );
  }

  private async snapshot(batch: ScanBatch, duplicateBatches: Map<string, string>): Promise<BatchResponse> {
    const rows = await this.batches.documents(batch.id);
    const documents: Array<BatchDocumentResponse & { position: number }> = rows.map((r) => ({
      position: r.position,
      id: r.id,
      filename: r.filename,
      status: r.status,
      ...(r.caseFileId ? { caseFileId: r.caseFileId } : {}),
      ...(r.caseFileReference ? { caseFileReference: r.caseFileReference } : {}),
      ...(r.status === 'needs_review' && r.departmentCode ? { departmentCode: r.departmentCode } : {}),
      ...(r.pageCount !== null ? { pageCount: r.pageCount } : {}),
      ...(r.error ? { error: r.error } : {}),
    }));
    for (const d of batch.duplicates) {
      const duplicateOfBatchId = duplicateBatches.get(d.duplicateOf);
      documents.push({
        position: d.position,
        id: d.duplicateOf,
        filename: d.filename,
        status: 'duplicate',
        duplicateOf: d.duplicateOf,
        ...(duplicateOfBatchId ? { duplicateOfBatchId } : {}),
        error: 'identical content was already received',
      });
    }
    documents.sort((a, b) => a.position - b.position);
    return {
      id: batch.id,
      status: batchStatus(documents),
      createdAt: batch.createdAt.toISOString(),
      scanner: batch.scanner,
      profile: batch.profile,
      departmentCode: batch.departmentHint,
      receivedAt: batch.receivedAt ? new Date(batch.receivedAt).toISOString() : null,
      createdBy: { sub: batch.createdBySub, name: batch.createdByName },
      documents,
    };
  }

  private async visible(ctx: RequestContext, id: string): Promise<ScanBatch> {
    const batch = await this.batches.findById(id);
    if (!batch) throw DomainError.notFound('batch', id);
    const own = hasRole(ctx.actor, Role.ScanOperator) && ctx.actor!.sub === batch.createdBySub;
    if (!own && !hasRole(ctx.actor, Role.Admin)) throw new AccessDeniedError('batch', id, 'batch');
    return batch;
  }

}

const COUNTED: Array<keyof BatchCounts> = ['queued', 'processing', 'filed', 'needs_review', 'rejected', 'failed', 'duplicate'];

function toSummary(b: ScanBatchSummary): BatchSummaryResponse {
  const counts = Object.fromEntries(COUNTED.map((k) => [k, 0])) as unknown as BatchCounts;
  for (const [status, n] of Object.entries(b.statusCounts)) if (status in counts) counts[status as keyof BatchCounts] += n;
  counts.duplicate = b.duplicates.length;
  const open = counts.queued + counts.processing > 0;
  return {
    id: b.id,
    status: open ? 'processing' : 'completed',
    createdAt: new Date(b.createdAt).toISOString(),
    receivedAt: b.receivedAt ? new Date(b.receivedAt).toISOString() : null,
    createdBy: { sub: b.createdBySub, name: b.createdByName },
    scanner: b.scanner,
    profile: b.profile,
    departmentCode: b.departmentHint,
    files: COUNTED.reduce((n, k) => n + counts[k], 0),
    counts,
  };
}
