import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createReadStream, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { AuditService } from '@app/audit';
import { ClassifierTraining, DocumentClassifier, extractLetterDate, extractSender, ReferenceExtractor, TextPrediction } from '@app/classification';
import { Clock, DomainError, ErrorCode, systemContext } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DocumentProcessor, ProcessedDocument } from '@app/ocr';
import { CaseFileRepository, DocumentRepository } from '@app/records';
import { ObjectStorage, spool } from '@app/storage';
import { CaptureRecordRepository, ProcessingStep } from '../capture/capture-record.repository';
import { TRANSFER_STATEMENT, transferNoteHash } from '../capture/transfer-note';
import { decideFiling, FilingDecision, ReferencedCaseFile } from './filing-decision';
import { ScanDocumentRepository } from './scan-document.repository';

/** A scan that can never be processed (gone, corrupt, encrypted…): the job must not retry. */
export class PermanentScanFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentScanFailure';
  }
}

export interface PipelineOutcome {
  documentId: string;
  status: 'filed' | 'needs_review' | 'skipped';
  caseFileId?: string | null;
  departmentCode?: string | null;
  pages?: number;
}

const MIN_TYPE_CONFIDENCE = 0.6;

/**
 * The scan pipeline, chained in this one place:
 *   store original (done at upload) → fetch and verify original → OCR pages (orientation, skew,
 *   recognition) → searchable PDF → classify → file into a case file, or send to an inbox.
 * Every step is idempotent: renditions are content-addressed, the rendition row is upserted and
 * the result (status, text, classification, transfer note, audit event) commits in one
 * transaction that only applies while the document is still queued/processing. A rerun after a
 * crash therefore repeats work but never duplicates it.
 */
@Injectable()
export class IngestPipeline {
  private readonly references: ReferenceExtractor;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scans: ScanDocumentRepository,
    private readonly documents: DocumentRepository,
    private readonly caseFiles: CaseFileRepository,
    private readonly captures: CaptureRecordRepository,
    private readonly storage: ObjectStorage,
    private readonly processor: DocumentProcessor,
    private readonly classifier: DocumentClassifier,
    private readonly training: ClassifierTraining,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.references = new ReferenceExtractor(config.records.referencePattern);
  }

  async run(documentId: string, batchId: string, signal?: AbortSignal): Promise<PipelineOutcome> {
    if (!(await this.scans.markProcessing(documentId))) return { documentId, status: 'skipped' };
    const steps: ProcessingStep[] = [];
    const step = (s: string) => steps.push({ at: this.clock.now().toISOString(), step: s });
    const workDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'eakte-scan-'));
    try {
      // 1. the unchanged original, verified against the hash taken at capture
      const original = await this.documents.findFile(documentId, 1, 'original');
      if (!original) throw new PermanentScanFailure('the original is missing');
      const local = await spool(await this.storage.get(original.storageKey), workDir, { expectedSha256: original.sha256 }).catch((e) => {
        if (e instanceof DomainError && e.code === ErrorCode.UnprocessableContent) throw new PermanentScanFailure(`the stored original does not match its hash: ${e.message}`);
        throw e;
      });
      step(`original fetched and verified (sha256 ${original.sha256})`);

      // 2. OCR pages and 3. searchable PDF (DocumentProcessor)
      const processed = await this.processor.process(local.path, { workDir, signal });
      for (const s of processed.steps) step(s);
      const searchable = await this.storage.put(createReadStream(processed.searchablePdfPath), { maxBytes: Math.max(this.config.upload.maxBytes * 4, 64 * 1024 * 1024) });
      step(`searchable PDF stored (sha256 ${searchable.sha256}, ${searchable.size} bytes)`);

      // 4. classify
      const analysis = await this.analyse(processed.text);
      const batch = await this.dataSource.query(`SELECT department_hint FROM scan_batches WHERE id = $1`, [batchId]);
      const departmentHint: string | null = batch[0]?.department_hint ?? null;
      const decision = decideFiling({ referenced: analysis.referenced, unknownReferences: analysis.unknown, departmentHint, prediction: analysis.prediction });
      step(decision.action === 'file' ? `classified: file into ${decision.caseFile.reference}` : `classified: inbox of department ${decision.departmentCode ?? '(none)'}`);

      // 5. file or inbox, in one transaction
      const outcome = await this.commit(documentId, original.sha256, original.filename ?? documentId, searchable, processed, analysis, decision, steps);
      if (outcome.status === 'filed') await this.training.noteFiling('automatic');
      return outcome;
    } finally {
      await fsp.rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** Ends the document as `failed` with the reason (permanent failure or retries exhausted). */
  async fail(documentId: string, reason: string): Promise<void> {
    const ctx = systemContext('ingest');
    await this.dataSource.transaction(async (m) => {
      if (!(await this.scans.markFailed(m, documentId, reason))) return;
      await this.scans.appendStep(m, documentId, `failed: ${reason}`);
      await this.audit.record(m, ctx, { action: 'document.ingest.fail', objectType: 'document', objectId: documentId, reason, details: { reason } });
    });
  }

  private async analyse(text: string) {
    const candidates = this.references.extract(text);
    const referenced: ReferencedCaseFile[] = [];
    const unknown: string[] = [];
    for (const c of candidates.slice(0, 20)) {
      const cf = await this.caseFiles.findByReference(c.reference);
      if (cf) referenced.push({ id: cf.id, reference: cf.reference, status: cf.status, departmentCode: cf.departmentCode, label: c.label });
      else if (c.label) unknown.push(c.reference);
    }
    const prediction: TextPrediction = await this.classifier.predict(text);
    return { referenced, unknown, prediction, letterDate: extractLetterDate(text), sender: extractSender(text), subject: subjectOf(text) };
  }

  private async commit(
    documentId: string,
    originalSha256: string,
    filename: string,
    searchable: { key: string; sha256: string; size: number },
    processed: ProcessedDocument,
    analysis: Awaited<ReturnType<IngestPipeline['analyse']>>,
    decision: FilingDecision,
    steps: ProcessingStep[],
  ): Promise<PipelineOutcome> {
    const ctx = systemContext('ingest');
    const type = analysis.prediction.documentType;
    const documentType = type && type.confidence >= MIN_TYPE_CONFIDENCE ? type.label : null;
    return this.dataSource.transaction(async (m) => {
      const status = await this.scans.lockStatus(m, documentId);
      if (status !== 'processing' && status !== 'queued') return { documentId, status: 'skipped' as const };
      let final = decision;
      if (final.action === 'file') {
        // re-check under lock: the case file may have been closed meanwhile
        const cf = await this.caseFiles.findByIdForUpdate(m, final.caseFile.id);
        if (!cf || cf.status !== 'open') {
          final = { action: 'inbox', departmentCode: cf?.departmentCode ?? null, caseFileReference: final.caseFile.reference, reasons: [`case file ${final.caseFile.reference} was closed before filing`] };
        }
      }
      const reasons = [...final.reasons];
      if (type) reasons.push(`document type ${type.label} (p=${type.confidence.toFixed(2)})${type.evidence.length ? `: ${type.evidence.join(', ')}` : ''}`);
      const filed = final.action === 'file';
      const classification = {
        documentType: type?.label ?? null,
        departmentCode: filed ? (final as { caseFile: ReferencedCaseFile }).caseFile.departmentCode : (final as { departmentCode: string | null }).departmentCode,
        caseFileReference: filed ? (final as { caseFile: ReferencedCaseFile }).caseFile.reference : (final as { caseFileReference: string | null }).caseFileReference,
        confidence: filed ? 1 : Number((analysis.prediction.department?.confidence ?? 0).toFixed(3)),
        documentTypeConfidence: type ? Number(type.confidence.toFixed(3)) : null,
        reasons,
        references: analysis.referenced.map((r) => r.reference).concat(analysis.unknown),
        letterDate: analysis.letterDate,
        sender: analysis.sender,
        modelVersion: analysis.prediction.modelVersion,
      };
      const caseFileId = filed ? (final as { caseFile: ReferencedCaseFile }).caseFile.id : null;
      const ocr = {
        pageCount: processed.pageCount,
        meanConfidence: processed.meanConfidence === null ? null : Number(processed.meanConfidence.toFixed(1)),
        skippedOcr: processed.skippedOcr,
        pages: processed.pages.map((p) => ({ pageNo: p.pageNo, meanConfidence: p.meanConfidence, rotation: p.rotation, skewDegrees: p.skewDegrees, source: p.source })),
      };
      const versionId = await this.scans.versionId(m, documentId);
      await this.scans.upsertSearchable(m, versionId, { storageKey: searchable.key, sha256: searchable.sha256, size: searchable.size, filename: `${filename.replace(/\.[A-Za-z0-9]{1,5}$/, '')}.searchable.pdf` });
      await this.scans.complete(m, documentId, {
        status: filed ? 'filed' : 'needs_review',
        caseFileId,
        departmentCode: classification.departmentCode,
        documentType,
        title: analysis.subject ?? filename,
        classification,
        ocr,
        text: processed.text,
      });
      steps.push({ at: this.clock.now().toISOString(), step: filed ? `filed into case file ${classification.caseFileReference}` : `sent to inbox of department ${classification.departmentCode ?? '(none)'}` });
      await this.captures.appendProcessing(m, documentId, steps, processed.pageCount);
      const capture = await this.captures.find(documentId, m);
      const pageCountMatches = capture?.pageCount === null || capture?.pageCount === processed.pageCount;
      const lowConfidence = processed.meanConfidence !== null && processed.meanConfidence < 60;
      const note = {
        documentId,
        originalSha256,
        searchableSha256: searchable.sha256,
        transferredBy: capture?.capturedBy ?? { sub: 'system', name: null },
        transferredAt: this.clock.now().toISOString(),
        context: `scan batch ${capture?.batchId ?? '?'}, scanner ${capture?.scanner ?? 'n/a'}, profile ${capture?.profile ?? 'n/a'}, captured ${capture?.capturedAt ?? '?'}; automated quality control by E-Akte ingest`,
        qaResult: !pageCountMatches ? 'failed' : lowConfidence ? 'passed_with_remarks' : 'passed',
        qaDetails: {
          pagesExpected: capture?.pageCount ?? null,
          pagesProcessed: processed.pageCount,
          meanConfidence: ocr.meanConfidence,
          anomalies: capture?.anomalies ?? [],
          remarks: lowConfidence ? 'low OCR confidence: check the scan against the original' : null,
        },
        statement: TRANSFER_STATEMENT,
      };
      await this.captures.insertTransferNote(m, { ...note, noteSha256: transferNoteHash(note) });
      await this.audit.record(m, ctx, {
        action: filed ? 'document.file' : 'document.inbox',
        objectType: 'document',
        objectId: documentId,
        caseFileId,
        details: { automatic: true, departmentCode: classification.departmentCode, caseFileReference: classification.caseFileReference, documentType, confidence: classification.confidence, reasons, searchableSha256: searchable.sha256, pages: processed.pageCount },
      });
      return { documentId, status: filed ? ('filed' as const) : ('needs_review' as const), caseFileId, departmentCode: classification.departmentCode, pages: processed.pageCount };
    });
  }
}

/** The subject line ("Betreff: …", or a line starting with a typical subject word) as the title. */
export function subjectOf(text: string): string | null {
  for (const line of text.split(/\n|\f/).slice(0, 40)) {
    const m = line.trim().match(/^(?:Betreff|Betr\.)\s*:?\s*(.{3,200})$/i);
    if (m) return m[1].trim();
  }
  return null;
}
