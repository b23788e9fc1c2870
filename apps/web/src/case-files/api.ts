/** What the case-file screens read from the service (shapes of the records API's responses). */
export interface CaseFile {
  id: string;
  reference: string;
  title: string;
  departmentCode: string;
  filePlanCode: string;
  confidentiality: string;
  status: string;
  openedAt: string;
  closedAt: string | null;
  retainUntil: string | null;
}

export interface CaseFilePage {
  items: CaseFile[];
  page: number;
  pageSize: number;
  total: number;
}

export interface DocumentSummary {
  id: string;
  /** The Vorgang of the case file it belongs to, if any. */
  vorgangId: string | null;
  title: string;
  documentType: string | null;
  status: string;
  currentVersion: number;
  createdAt: string;
}

/** Vorgang: a process below the case file, with its Vorgangszeichen (`reference`). */
export interface Vorgang {
  id: string;
  caseFileId: string;
  number: number;
  reference: string;
  title: string;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt: string | null;
}

export interface CaseFileDetail extends CaseFile {
  documents: DocumentSummary[];
  vorgaenge: Vorgang[];
}

/** A changed metadata field as the audit trail records it (`details.changes`). */
export interface MetadataChange {
  field: string;
  old: string | null;
  new: string | null;
}

export interface FilePlanUnit {
  code: string;
  title: string;
  parentCode: string | null;
  departmentCode: string;
  retention: { years: number | null; trigger: string; disposal: string };
}

export interface Department {
  code: string;
  name: string;
}

export interface LegalHold {
  id: string;
  reason: string;
  reference: string | null;
  setAt: string;
  liftedAt: string | null;
}

export interface HoldsResponse {
  underHold: boolean;
  holds: LegalHold[];
}

export interface AuditEvent {
  seq: string;
  id: string;
  occurredAt: string;
  actorSub: string | null;
  actorName: string | null;
  actorRoles: string[];
  action: string;
  objectType: string | null;
  objectId: string | null;
  outcome: 'success' | 'denied' | 'failure';
  reason: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditEventPage {
  items: AuditEvent[];
  nextCursor: string | null;
}

export const CASE_FILE_STATUSES = ['open', 'closed', 'due', 'offered', 'handed_over'] as const;
export const CONFIDENTIALITY_LEVELS = ['public', 'internal', 'confidential', 'secret'] as const;
export const DOCUMENT_TYPES = ['antrag', 'widerspruch', 'rechnung', 'beschwerde', 'anfrage', 'mahnung', 'vollmacht', 'nachweis', 'kuendigung', 'anzeige'] as const;

/** Leaf units (case files are formed there) of the given departments; all departments for null. */
export function leafUnits(units: FilePlanUnit[], departments: string[] | null): FilePlanUnit[] {
  const parents = new Set(units.map((u) => u.parentCode).filter(Boolean));
  return units.filter((u) => !parents.has(u.code) && (!departments || departments.includes(u.departmentCode)));
}
