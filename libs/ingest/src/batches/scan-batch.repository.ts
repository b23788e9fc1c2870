import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { DocumentStatus } from '@app/records';

/** Posteingang: one upload of the scan centre (a stack of letters scanned together). */
export interface ScanBatch {
  id: string;
  createdBySub: string;
  createdByName: string | null;
  scanner: string | null;
  profile: string | null;
  departmentHint: string | null;
  receivedAt: Date | null;
  duplicates: BatchDuplicate[];
  createdAt: Date;
}

export interface BatchDuplicate {
  position: number;
  filename: string;
  duplicateOf: string;
  sha256: string;
}

export interface BatchDocumentRow {
  id: string;
  position: number;
  filename: string;
  status: DocumentStatus;
  caseFileId: string | null;
  /** Aktenzeichen of that case file. */
  caseFileReference: string | null;
  departmentCode: string | null;
  error: string | null;
  pageCount: number | null;
  updatedAt: Date;
}

/** A batch in the list of recent batches, with how many of its documents are in each state. */
export interface ScanBatchSummary extends ScanBatch {
  /** Documents per status (duplicates are counted from `duplicates`). */
  statusCounts: Record<string, number>;
}

@Injectable()
export class ScanBatchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }

  async insert(m: EntityManager, b: Omit<ScanBatch, 'createdAt' | 'duplicates'>): Promise<void> {
    await m.query(
      `INSERT INTO scan_batches (id, created_by_sub, created_by_name, scanner, profile, department_hint, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [b.id, b.createdBySub, b.createdByName, b.scanner, b.profile, b.departmentHint, b.receivedAt],
    );
  }

  async setDuplicates(m: EntityManager, id: string, duplicates: BatchDuplicate[]): Promise<void> {
    await m.query(`UPDATE scan_batches SET duplicates = $2 WHERE id = $1`, [id, JSON.stringify(duplicates)]);
  }

  async findById(id: string, m?: EntityManager): Promise<ScanBatch | null> {
    const [r] = await this.manager(m).query(`SELECT * FROM scan_batches WHERE id = $1`, [id]);
    return r ? toBatch(r) : null;
  }

  /**
   * A page of batches, newest first (of one scan operator, or all when `createdBySub` is null),
   * each with its documents counted per status; one statement for the page, one for the total.
   */
  async list(createdBySub: string | null, limit: number, offset: number): Promise<{ items: ScanBatchSummary[]; total: number }> {
    const rows = await this.dataSource.query(
      `SELECT b.*, COALESCE(c.counts, '{}'::jsonb) AS status_counts
         FROM (SELECT * FROM scan_batches WHERE ($1::text IS NULL OR created_by_sub = $1)
                ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3) b
         LEFT JOIN LATERAL (
           SELECT jsonb_object_agg(s.status, s.n) AS counts
             FROM (SELECT d.status, count(*)::int AS n FROM capture_records cr JOIN documents d ON d.id = cr.document_id
                    WHERE cr.batch_id = b.id GROUP BY d.status) s
         ) c ON true
        ORDER BY b.created_at DESC, b.id DESC`,
      [createdBySub, limit, offset],
    );
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM scan_batches WHERE ($1::text IS NULL OR created_by_sub = $1)`, [createdBySub]);
    return { items: rows.map((r: Record<string, any>) => ({ ...toBatch(r), statusCounts: r.status_counts ?? {} })), total };
  }

  /** The batch that captured each of these documents, where it is a batch of `createdBySub`. */
  async batchesOfDocuments(documentIds: string[], createdBySub: string): Promise<Map<string, string>> {
    if (!documentIds.length) return new Map();
    const rows: Array<{ document_id: string; batch_id: string }> = await this.dataSource.query(
      `SELECT cr.document_id, cr.batch_id FROM capture_records cr JOIN scan_batches b ON b.id = cr.batch_id
        WHERE cr.document_id = ANY($1::uuid[]) AND b.created_by_sub = $2`,
      [documentIds, createdBySub],
    );
    return new Map(rows.map((r) => [r.document_id, r.batch_id]));
  }

  async documents(batchId: string): Promise<BatchDocumentRow[]> {
    const rows = await this.dataSource.query(
      `SELECT d.id, c.position, c.original_filename, d.status, d.case_file_id, cf.reference AS case_file_reference, d.department_code, d.error, c.page_count, d.updated_at
         FROM capture_records c JOIN documents d ON d.id = c.document_id
         LEFT JOIN case_files cf ON cf.id = d.case_file_id
        WHERE c.batch_id = $1 ORDER BY c.position`,
      [batchId],
    );
    return rows.map((r: Record<string, unknown>) => ({
      id: r.id as string,
      position: r.position as number,
      filename: r.original_filename as string,
      status: r.status as DocumentStatus,
      caseFileId: r.case_file_id as string | null,
      caseFileReference: r.case_file_reference as string | null,
      departmentCode: r.department_code as string | null,
      error: r.error as string | null,
      pageCount: r.page_count as number | null,
      updatedAt: r.updated_at as Date,
    }));
  }

  async departmentExists(code: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM departments WHERE code = $1`, [code]);
    return rows.length > 0;
  }

  /** Serialises uploads of identical content (duplicate detection across concurrent batches). */
  async lockHashes(m: EntityManager, sha256s: string[]): Promise<void> {
    for (const sha of [...new Set(sha256s)].sort()) await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 4))`, [sha]);
  }

  /** The document that already holds this content as its original (rejected scans do not count). */
  async findDocumentByOriginalHash(m: EntityManager, sha256: string): Promise<string | null> {
    const [r] = await m.query(
      `SELECT d.id FROM document_files f
         JOIN document_versions v ON v.id = f.version_id
         JOIN documents d ON d.id = v.document_id
        WHERE f.sha256 = $1 AND f.variant = 'original' AND d.status <> 'rejected'
        ORDER BY d.created_at LIMIT 1`,
      [sha256],
    );
    return r?.id ?? null;
  }
}

function toBatch(r: Record<string, any>): ScanBatch {
  return {
    id: r.id,
    createdBySub: r.created_by_sub,
    createdByName: r.created_by_name,
    scanner: r.scanner,
    profile: r.profile,
    departmentHint: r.department_hint,
    receivedAt: r.received_at,
    duplicates: r.duplicates ?? [],
    createdAt: r.created_at,
  };
}
