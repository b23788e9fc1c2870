import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * Document states. Born-digital uploads are `filed` at once; scans go
 * queued → processing → filed | needs_review | failed, or are `rejected` at upload.
 */
export type DocumentStatus = 'queued' | 'processing' | 'filed' | 'needs_review' | 'failed' | 'rejected';
export type DocumentSource = 'upload' | 'scan';

export interface DocumentClassification {
  documentType: string | null;
  departmentCode: string | null;
  caseFileReference: string | null;
  confidence: number;
  reasons: string[];
}

/** One page as the OCR saw it (stored by the ingest pipeline; the viewer shows the confidence per page). */
export interface DocumentOcrPage {
  pageNo: number;
  /** Mean word confidence 0–100; null when no OCR ran on the page (text layer, blank page). */
  meanConfidence: number | null;
  rotation: number;
  skewDegrees: number;
  source: 'ocr' | 'text-layer' | 'blank';
}

export interface DocumentOcrSummary {
  pageCount: number;
  meanConfidence: number | null;
  skippedOcr?: boolean;
  /** Per page, for scans that went through the pipeline. */
  pages?: DocumentOcrPage[];
}

/** Dokument: one letter, form or notice. */
@Entity('documents')
export class Document {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_file_id', type: 'uuid', nullable: true })
  caseFileId: string | null;

  /** The Vorgang of the case file the document belongs to (optional). */
  @Column({ name: 'vorgang_id', type: 'uuid', nullable: true })
  vorgangId: string | null;

  /** Responsible department: the case file's, or the inbox it waits in. */
  @Column({ name: 'department_code', type: 'varchar', length: 16, nullable: true })
  departmentCode: string | null;

  @Column({ type: 'text' })
  title: string;

  @Column({ name: 'document_type', type: 'varchar', length: 32, nullable: true })
  documentType: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: DocumentStatus;

  @Column({ type: 'varchar', length: 16 })
  source: DocumentSource;

  @Column({ name: 'batch_id', type: 'uuid', nullable: true })
  batchId: string | null;

  @Column({ name: 'current_version', type: 'integer', default: 1 })
  currentVersion: number;

  @Column({ type: 'jsonb', nullable: true })
  classification: DocumentClassification | null;

  @Column({ type: 'jsonb', nullable: true })
  ocr: DocumentOcrSummary | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Recognised or extracted text (not selected by default: it can be large). */
  @Column({ name: 'text_content', type: 'text', nullable: true, select: false })
  textContent: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
