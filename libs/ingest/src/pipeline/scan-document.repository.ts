import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { claimStoredObjects, type DocumentClassification, type DocumentOcrSummary, type DocumentStatus } from '@app/records';
import { ObjectStorage } from '@app/storage';

export interface StaleScan {
  id: string;
  batchId: string;
  status: DocumentStatus;
  updatedAt: Date;
  sweeps: number;
}

/** The pipeline's writes to scanned documents (status transitions, renditions, results). */
@Injectable()
export class ScanDocumentRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: ObjectStorage,
  ) {}

  /** queued → processing; false when the document is no longer waiting (done, failed, gone). */
  async markProcessing(documentId: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `UPDATE documents SET status = 'processing', updated_at = now() WHERE id = $1 AND source = 'scan' AND status IN ('queued', 'processing') RETURNING id`,
      [documentId],
    );
    return rows.length > 0;
  }

  async versionId(m: EntityManager, documentId: string): Promise<string> {
    const [r] = await m.query(
      `SELECT v.id FROM document_versions v JOIN documents d ON d.id = v.document_id AND v.version_no = d.current_version WHERE d.id = $1`,
      [documentId],
    );
    return r.id;
  }

  /** The searchable rendition of the version; a rerun replaces the row instead of adding one. */
  async upsertSearchable(m: EntityManager, versionId: string, f: { storageKey: string; sha256: string; size: number; filename: string }): Promise<void> {
    await claimStoredObjects(m, this.storage, [f.storageKey]);
    await m.query(
      `INSERT INTO document_files (version_id, variant, storage_key, sha256, size, mime_type, filename)
       VALUES ($1, 'searchable', $2, $3, $4, 'application/pdf', $5)
       ON CONFLICT (version_id, variant) DO UPDATE SET storage_key = EXCLUDED.storage_key, sha256 = EXCLUDED.sha256, size = EXCLUDED.size`,
      [versionId, f.storageKey, f.sha256, f.size, f.filename],
    );
  }

  async complete(
    m: EntityManager,
    documentId: string,
    r: {
      status: 'filed' | 'needs_review';
      caseFileId: string | null;
      departmentCode: string | null;
      documentType: string | null;
      title: string;
      classification: DocumentClassification & Record<string, unknown>;
      ocr: DocumentOcrSummary & Record<string, unknown>;
      text: string;
    },
  ): Promise<void> {
    await m.query(
      `UPDATE documents SET status = $2, case_file_id = $3, department_code = $4, document_type = $5, title = $6, classification = $7,
         ocr = $8, text_content = $9, error = NULL, updated_at = now() WHERE id = $1`,
      [documentId, r.status, r.caseFileId, r.departmentCode, r.documentType, r.title, JSON.stringify(r.classification), JSON.stringify(r.ocr), r.text],
    );
  }

  /** Ends a scan that cannot be processed; only from queued/processing (never undoes a result). */
  async markFailed(m: EntityManager, documentId: string, reason: string): Promise<boolean> {
    const rows = await m.query(
      `UPDATE documents SET status = 'failed', error = $2, updated_at = now() WHERE id = $1 AND status IN ('queued', 'processing') RETURNING id`,
      [documentId, reason.slice(0, 2000)],
    );
    return rows.length > 0;
  }

  /** The scanned document `documentId` of batch `batchId`, locked; null when there is none. */
  async lockInBatch(m: EntityManager, batchId: string, documentId: string): Promise<{ status: DocumentStatus; error: string | null; filename: string } | null> {
    const [r] = await m.query(
      `SELECT d.status, d.error, c.original_filename FROM documents d JOIN capture_records c ON c.document_id = d.id
        WHERE d.id = $1 AND d.batch_id = $2 AND d.source = 'scan' FOR UPDATE OF d`,
      [documentId, batchId],
    );
    return r ? { status: r.status, error: r.error, filename: r.original_filename } : null;
  }

  /** failed → queued for a re-run requested by the scan centre (the original is unchanged). */
  async requeueFailed(m: EntityManager, documentId: string): Promise<boolean> {
    const rows = await m.query(`UPDATE documents SET status = 'queued', error = NULL, updated_at = now() WHERE id = $1 AND status = 'failed' RETURNING id`, [documentId]);
    return rows.length > 0;
  }

  async lockStatus(m: EntityManager, documentId: string): Promise<DocumentStatus | null> {
    const [r] = await m.query(`SELECT status FROM documents WHERE id = $1 FOR UPDATE`, [documentId]);
    return r?.status ?? null;
  }

  async touch(documentId: string): Promise<void> {
    await this.dataSource.query(`UPDATE documents SET updated_at = now() WHERE id = $1`, [documentId]);
  }

  /** Scans waiting or processing without progress since `olderThan` (all of them when null). Sweeps count since the last retry. */
  async stale(olderThan: Date | null, limit = 500): Promise<StaleScan[]> {
    const rows = await this.dataSource.query(
      `SELECT d.id, d.batch_id, d.status, d.updated_at,
              (SELECT count(*) FROM jsonb_array_elements(c.processing_steps) WITH ORDINALITY s(step, n)
                WHERE s.step->>'step' LIKE 'sweep:%'
                  AND s.n > coalesce((SELECT max(r.n) FROM jsonb_array_elements(c.processing_steps) WITH ORDINALITY r(step, n) WHERE r.step->>'step' LIKE 'retry:%'), 0))::int AS sweeps
         FROM documents d JOIN capture_records c ON c.document_id = d.id
        WHERE d.source = 'scan' AND d.status IN ('queued', 'processing') AND ($1::timestamptz IS NULL OR d.updated_at < $1)
        ORDER BY d.updated_at LIMIT $2`,
      [olderThan, limit],
    );
    return rows.map((r: Record<string, unknown>) => ({ id: r.id, batchId: r.batch_id, status: r.status, updatedAt: r.updated_at, sweeps: r.sweeps }) as StaleScan);
  }

  async appendStep(m: EntityManager | null, documentId: string, step: string): Promise<void> {
    await (m ?? this.dataSource.manager).query(
      `UPDATE capture_records SET processing_steps = processing_steps || jsonb_build_array(jsonb_build_object('at', now(), 'step', $2::text)) WHERE document_id = $1`,
      [documentId, step],
    );
  }
}
