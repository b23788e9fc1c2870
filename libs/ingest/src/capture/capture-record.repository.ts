import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Capture record (TR-RESISCAN "Erfassungsprotokoll"): who scanned what, when, with which scanner
 * and profile, how many pages, the original's hash and anomalies, and the processing steps.
 */
export interface CaptureRecord {
  documentId: string;
  batchId: string;
  position: number;
  capturedBy: { sub: string; name: string | null };
  scanner: string | null;
  profile: string | null;
  capturedAt: string;
  /** When the paper mail arrived (the batch's receivedAt), if the scan centre said. */
  receivedAt?: string | null;
  pageCount: number | null;
  originalSha256: string | null;
  originalFilename: string;
  mimeType: string | null;
  anomalies: string[];
  processingSteps: ProcessingStep[];
}

export interface ProcessingStep {
  at: string;
  step: string;
}

/** Transfervermerk: the statement, bound to the scan by hash and document id, that the scan matches the original. */
export interface TransferNote {
  id: string;
  documentId: string;
  originalSha256: string;
  searchableSha256: string | null;
  transferredBy: { sub: string; name: string | null };
  transferredAt: string;
  context: string;
  qaResult: string;
  qaDetails: Record<string, unknown>;
  statement: string;
  /** SHA-256 over the canonical note (document id, hashes, who, when, context, QA, statement). */
  noteSha256: string;
}

@Injectable()
export class CaptureRecordRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }

  async insert(m: EntityManager, r: Omit<CaptureRecord, 'processingSteps'> & { processingSteps?: ProcessingStep[] }): Promise<void> {
    await m.query(
      `INSERT INTO capture_records (document_id, batch_id, position, captured_by_sub, captured_by_name, scanner, profile, captured_at,
         page_count, original_sha256, original_filename, mime_type, anomalies, processing_steps)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        r.documentId, r.batchId, r.position, r.capturedBy.sub, r.capturedBy.name, r.scanner, r.profile, r.capturedAt,
        r.pageCount, r.originalSha256, r.originalFilename, r.mimeType, r.anomalies, JSON.stringify(r.processingSteps ?? []),
      ],
    );
  }

  /** Appends the steps of the pipeline run that committed its result (reruns before it left nothing). */
  async appendProcessing(m: EntityManager, documentId: string, steps: ProcessingStep[], pageCount: number): Promise<void> {
    await m.query(`UPDATE capture_records SET processing_steps = processing_steps || $2::jsonb, page_count = COALESCE(page_count, $3) WHERE document_id = $1`, [
      documentId,
      JSON.stringify(steps),
      pageCount,
    ]);
  }

  async find(documentId: string, m?: EntityManager): Promise<CaptureRecord | null> {
    const [r] = await this.manager(m).query(
      `SELECT c.*, b.received_at FROM capture_records c JOIN scan_batches b ON b.id = c.batch_id WHERE c.document_id = $1`,
      [documentId],
    );
    return r ? toCaptureRecord(r) : null;
  }

  /** The capture records of a batch, in upload order. */
  async findByBatch(batchId: string): Promise<CaptureRecord[]> {
    const rows = await this.dataSource.query(
      `SELECT c.*, b.received_at FROM capture_records c JOIN scan_batches b ON b.id = c.batch_id WHERE c.batch_id = $1 ORDER BY c.position`,
      [batchId],
    );
    return rows.map(toCaptureRecord);
  }

  /** The transfer notes of these documents (documents without one are absent). */
  async findTransferNotes(documentIds: string[]): Promise<TransferNote[]> {
    if (!documentIds.length) return [];
    const rows = await this.dataSource.query(`SELECT * FROM transfer_notes WHERE document_id = ANY($1::uuid[])`, [documentIds]);
    return rows.map(toTransferNote);
  }

  /** Inserts the note unless the document already has one (reruns keep the first). */
  async insertTransferNote(m: EntityManager, n: Omit<TransferNote, 'id'>): Promise<void> {
    await m.query(
      `INSERT INTO transfer_notes (document_id, original_sha256, searchable_sha256, transferred_by_sub, transferred_by_name, transferred_at,
         context, qa_result, qa_details, statement, note_sha256)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (document_id) DO NOTHING`,
      [
        n.documentId, n.originalSha256, n.searchableSha256, n.transferredBy.sub, n.transferredBy.name, n.transferredAt,
        n.context, n.qaResult, JSON.stringify(n.qaDetails), n.statement, n.noteSha256,
      ],
    );
  }

  async findTransferNote(documentId: string, m?: EntityManager): Promise<TransferNote | null> {
    const [r] = await this.manager(m).query(`SELECT * FROM transfer_notes WHERE document_id = $1`, [documentId]);
    return r ? toTransferNote(r) : null;
  }
}

function toCaptureRecord(r: Record<string, any>): CaptureRecord {
  return {
    documentId: r.document_id,
    batchId: r.batch_id,
    position: r.position,
    capturedBy: { sub: r.captured_by_sub, name: r.captured_by_name },
    scanner: r.scanner,
    profile: r.profile,
    capturedAt: new Date(r.captured_at).toISOString(),
    receivedAt: r.received_at ? new Date(r.received_at).toISOString() : null,
    pageCount: r.page_count,
    originalSha256: r.original_sha256,
    originalFilename: r.original_filename,
    mimeType: r.mime_type,
    anomalies: r.anomalies ?? [],
    processingSteps: r.processing_steps ?? [],
  };
}

function toTransferNote(r: Record<string, any>): TransferNote {
  return {
    id: r.id,
    documentId: r.document_id,
    originalSha256: r.original_sha256,
    searchableSha256: r.searchable_sha256,
    transferredBy: { sub: r.transferred_by_sub, name: r.transferred_by_name },
    transferredAt: new Date(r.transferred_at).toISOString(),
    context: r.context,
    qaResult: r.qa_result,
    qaDetails: r.qa_details ?? {},
    statement: r.statement,
    noteSha256: r.note_sha256,
  };
}
