import { api, apiUpload, UploadProgress } from '../common/api-client';

/**
 * The batch routes (libs/ingest/src/batches), reached on the application's own origin: the
 * records API serves them as the ingest service does. Shapes mirror batch.dto.ts.
 */
export type BatchDocumentStatus = 'queued' | 'processing' | 'filed' | 'needs_review' | 'failed' | 'rejected' | 'duplicate';

export interface BatchDocument {
  id: string;
  position?: number;
  filename: string;
  status: BatchDocumentStatus;
  caseFileId?: string;
  caseFileReference?: string;
  departmentCode?: string;
  pageCount?: number;
  error?: string;
  duplicateOf?: string;
  duplicateOfBatchId?: string;
}

export interface BatchActor {
  sub: string;
  name: string | null;
}

export interface Batch {
  id: string;
  status: 'processing' | 'completed';
  createdAt: string;
  scanner: string | null;
  profile: string | null;
  departmentCode: string | null;
  receivedAt?: string | null;
  createdBy?: BatchActor;
  documents: BatchDocument[];
}

export interface BatchCounts {
  queued: number;
  processing: number;
  filed: number;
  needs_review: number;
  rejected: number;
  failed: number;
  duplicate: number;
}

export interface BatchSummary {
  id: string;
  status: 'processing' | 'completed';
  createdAt: string;
  receivedAt: string | null;
  createdBy: BatchActor;
  scanner: string | null;
  profile: string | null;
  departmentCode: string | null;
  files: number;
  counts: BatchCounts;
}

export interface BatchList {
  items: BatchSummary[];
  page: number;
  pageSize: number;
  total: number;
}

export interface CaptureRecord {
  documentId: string;
  batchId: string;
  position: number;
  capturedBy: BatchActor;
  scanner: string | null;
  profile: string | null;
  capturedAt: string;
  receivedAt?: string | null;
  pageCount: number | null;
  originalSha256: string | null;
  originalFilename: string;
  mimeType: string | null;
  anomalies: string[];
  processingSteps: Array<{ at: string; step: string }>;
}

export interface TransferNote {
  id: string;
  documentId: string;
  originalSha256: string;
  searchableSha256: string | null;
  transferredBy: BatchActor;
  transferredAt: string;
  context: string;
  qaResult: string;
  qaDetails: Record<string, unknown>;
  statement: string;
  noteSha256: string;
}

export interface BatchCapture {
  batchId: string;
  items: Array<{ documentId: string; position: number; filename: string; status: BatchDocumentStatus; capture: CaptureRecord; transferNote: TransferNote | null }>;
}

export interface Department {
  code: string;
  name: string;
}

export interface BatchFieldsInput {
  scanner: string;
  profile: string;
  /** yyyy-mm-dd from the date input; sent as the start of that day (UTC). */
  receivedOn: string;
  departmentCode: string;
}

export const BATCHES = '/api/v1/batches';

export function uploadBatch(fields: BatchFieldsInput, files: File[], onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<Batch> {
  const form = new FormData();
  // text fields first: the service checks them after storing the files, but order keeps the request readable
  if (fields.scanner.trim()) form.append('scanner', fields.scanner.trim());
  if (fields.profile.trim()) form.append('profile', fields.profile.trim());
  if (fields.receivedOn) form.append('receivedAt', `${fields.receivedOn}T00:00:00Z`);
  if (fields.departmentCode) form.append('departmentCode', fields.departmentCode);
  for (const f of files) form.append('files', f, f.name);
  return apiUpload<Batch>(BATCHES, form, onProgress, signal);
}

export const getBatch = (id: string, signal?: AbortSignal) => api<Batch>(`${BATCHES}/${encodeURIComponent(id)}`, { signal });
export const listBatches = (page: number, pageSize: number, signal?: AbortSignal) => api<BatchList>(BATCHES, { query: { page, pageSize }, signal });
export const getBatchCapture = (id: string, signal?: AbortSignal) => api<BatchCapture>(`${BATCHES}/${encodeURIComponent(id)}/capture`, { signal });
export const listDepartments = (signal?: AbortSignal) => api<Department[]>('/api/v1/departments', { signal });
