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

/**
 * Render-as-you-fetch for a document opened by its URL: the screen's module starts the metadata,
 * text and content requests as soon as it loads (before React has committed the page), and the
 * components take those answers instead of asking again. An answer is taken once and only within
 * a few seconds, so a later visit always reads fresh data.
 */
interface Prefetched {
  at: number;
  doc?: Promise<DocumentDetails>;
  text?: Promise<DocumentText>;
  /** The answers once they are there (the screen's first render uses them without waiting). */
  docValue?: DocumentDetails;
  textValue?: DocumentText;
  content: Map<string, Promise<ArrayBuffer>>;
}
const PREFETCH_MS = 10_000;
const prefetched = new Map<string, Prefetched>();

async function fetchQuiet<T>(url: string, binary = false): Promise<T> {
  const res = await fetch(url, { credentials: 'same-origin', headers: binary ? {} : { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`prefetch ${res.status}`);
  return (binary ? res.arrayBuffer() : res.json()) as Promise<T>;
}

export function prefetchDocument(id: string, then?: () => void): void {
  if (prefetched.has(id)) return;
  const doc = fetchQuiet<DocumentDetails>(documentPath(id));
  const text = fetchQuiet<DocumentText>(`${documentPath(id)}/text`);
  const entry: Prefetched = { at: Date.now(), doc, text, content: new Map() };
  doc
    .then((d) => {
      entry.docValue = d;
      const version = d.versions.find((v) => v.versionNo === d.currentVersion);
      const r = renderingOf(version);
      if (r.kind !== 'none' && version) {
        const url = contentUrl(id, r.variant, version.versionNo);
        const content = fetchQuiet<ArrayBuffer>(url, true);
        content.catch(() => undefined);
        entry.content.set(url, content);
      }
    })
    .catch(() => undefined)
    .finally(() => then?.());
  text.then((t) => (entry.textValue = t)).catch(() => undefined);
  prefetched.set(id, entry);
}

function fresh(id: string): Prefetched | undefined {
  const entry = prefetched.get(id);
  if (entry && Date.now() - entry.at > PREFETCH_MS) prefetched.delete(id);
  return prefetched.get(id);
}

/** The prefetched answers already there, for the screen's first render (not consumed). */
export function peekDocument(id: string): { doc: DocumentDetails | null; text: DocumentText | null } {
  const entry = fresh(id);
  return { doc: entry?.doc ? (entry.docValue ?? null) : null, text: entry?.text ? (entry.textValue ?? null) : null };
}

/** The prefetched metadata and text of a document (once); on any failure, or without a prefetch, the normal requests. */
export function takeDocument(id: string, signal?: AbortSignal): { doc: Promise<DocumentDetails>; text: Promise<DocumentText> } {
  const entry = fresh(id);
  const doc = entry?.doc;
  const text = entry?.text;
  if (entry) {
    entry.doc = undefined;
    entry.text = undefined;
  }
  return {
    doc: doc ? doc.catch(() => fetchDocument(id, signal)) : fetchDocument(id, signal),
    text: text ? text.catch(() => fetchText(id, signal)) : fetchText(id, signal),
  };
}

/** Prefetched content for `url` (once), if any. */
export function takeContent(url: string): Promise<ArrayBuffer> | undefined {
  for (const [id, entry] of prefetched) {
    const p = entry.content.get(url);
    if (p && fresh(id)) {
      entry.content.delete(url);
      return p;
    }
  }
  return undefined;
}
