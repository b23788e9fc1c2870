import { api } from '../common/api-client';

/** GET /api/v1/documents/:id as the viewer reads it (libs/records DocumentResponse + capture details). */
export type FileVariant = 'original' | 'searchable';

export interface DocumentFile {
  variant: FileVariant;
  sha256: string;
  size: number;
  mimeType: string;
  filename: string | null;
}

export interface DocumentVersion {
  versionNo: number;
  createdAt: string;
  createdBy: string;
  comment: string | null;
  files: DocumentFile[];
}

export interface OcrPage {
  pageNo: number;
  meanConfidence: number | null;
  rotation: number;
  skewDegrees: number;
  source: 'ocr' | 'text-layer' | 'blank';
}

export interface OcrSummary {
  pageCount: number;
  meanConfidence: number | null;
  skippedOcr?: boolean;
  pages?: OcrPage[];
}

export interface Classification {
  documentType: string | null;
  departmentCode: string | null;
  caseFileReference: string | null;
  confidence: number;
  reasons: string[];
}

export interface CaptureRecord {
  capturedBy: { sub: string; name: string | null };
  scanner: string | null;
  profile: string | null;
  capturedAt: string;
  receivedAt?: string | null;
  pageCount: number | null;
  originalSha256: string | null;
  originalFilename: string;
  mimeType: string | null;
  anomalies: string[];
  processingSteps: { at: string; step: string }[];
}

export interface TransferNote {
  originalSha256: string;
  searchableSha256: string | null;
  transferredBy: { sub: string; name: string | null };
  transferredAt: string;
  context: string;
  qaResult: string;
  statement: string;
  noteSha256: string;
}

export interface DocumentDetails {
  id: string;
  title: string;
  documentType: string | null;
  status: string;
  currentVersion: number;
  createdAt: string;
  updatedAt: string;
  caseFileId: string | null;
  departmentCode: string | null;
  source: 'upload' | 'scan';
  batchId: string | null;
  sha256: string | null;
  size: number | null;
  mimeType: string | null;
  classification: Classification | null;
  ocr: OcrSummary | null;
  error: string | null;
  versions: DocumentVersion[];
  capture?: CaptureRecord | null;
  transferNote?: TransferNote | null;
}

export interface DocumentText {
  documentId: string;
  text: string | null;
  ocr: OcrSummary | null;
}

export const documentPath = (id: string) => `/api/v1/documents/${encodeURIComponent(id)}`;

/** The content route the download links and the viewer use. */
export function contentUrl(id: string, variant: FileVariant, version: number): string {
  return `${documentPath(id)}/content?variant=${variant}&version=${version}`;
}

export const fetchDocument = (id: string, signal?: AbortSignal) => api<DocumentDetails>(documentPath(id), { signal });
export const fetchText = (id: string, signal?: AbortSignal) => api<DocumentText>(`${documentPath(id)}/text`, { signal });

/** Only these are drawn in the app: PDFs by pdf.js (never by the browser), images from a blob URL. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg'];

export type Rendering = { kind: 'pdf'; variant: FileVariant } | { kind: 'image'; variant: FileVariant; mimeType: string } | { kind: 'none'; mimeType: string };

/**
 * What the viewer shows for a version: its searchable rendition if there is one, else a PDF
 * original, else a PNG/JPEG original as an image; anything else (text, XML, HTML, SVG, office
 * files) only as metadata and a download, so nothing a browser could execute is opened here.
 */
export function renderingOf(version: DocumentVersion | undefined): Rendering {
  const searchable = version?.files.find((f) => f.variant === 'searchable');
  if (searchable && searchable.mimeType === 'application/pdf') return { kind: 'pdf', variant: 'searchable' };
  const original = version?.files.find((f) => f.variant === 'original');
  if (original?.mimeType === 'application/pdf') return { kind: 'pdf', variant: 'original' };
  if (original && IMAGE_TYPES.includes(original.mimeType)) return { kind: 'image', variant: 'original', mimeType: original.mimeType };
  return { kind: 'none', mimeType: original?.mimeType ?? 'application/octet-stream' };
}
