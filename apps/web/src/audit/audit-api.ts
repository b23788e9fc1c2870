import type { AuditEventPageResponse, AuditEventResponse, AuditVerifyResponse } from '../../../../libs/audit/src/http/audit-query.dto';
import { api, Query, withQuery } from '../common/api-client';

/** Types come from the service's own DTOs: a changed response breaks this build, not the auditor. */
export type AuditEvent = AuditEventResponse;
export type AuditEventPage = AuditEventPageResponse;
export type AuditVerifyResult = AuditVerifyResponse;

/** Filters of the trail, as they stand in the URL and in the service's query. */
export interface AuditFilters {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  caseFileId?: string;
  fromSeq?: string;
  toSeq?: string;
}

export const FILTER_KEYS = ['from', 'to', 'actor', 'action', 'objectType', 'objectId', 'caseFileId'] as const;

/** A date from a date input as the start (or end) of that day in Berlin, for the service's time filter. */
export function dayBound(date: string | undefined, end: boolean): string | undefined {
  if (!date) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  return end ? `${date}T23:59:59.999+01:00` : `${date}T00:00:00+01:00`;
}

function serviceQuery(f: AuditFilters): Query {
  return { ...f, from: dayBound(f.from, false), to: dayBound(f.to, true) };
}

export function fetchEvents(f: AuditFilters, cursor?: string | null, order: 'asc' | 'desc' = 'desc', limit = 50): Promise<AuditEventPage> {
  return api<AuditEventPage>('/api/v1/audit/events', { query: { ...serviceQuery(f), cursor: cursor ?? undefined, order, limit } });
}

export function fetchCaseFileHistory(caseFileId: string, cursor?: string | null, limit = 100): Promise<AuditEventPage> {
  return api<AuditEventPage>(`/api/v1/case-files/${encodeURIComponent(caseFileId)}/history`, { query: { cursor: cursor ?? undefined, order: 'asc', limit } });
}

/** The export is a plain link: the browser streams the attachment to disk as it arrives. */
export function exportUrl(f: AuditFilters, format: 'csv' | 'jsonl'): string {
  return withQuery('/api/v1/audit/export', { ...serviceQuery(f), format });
}

export function verifyChain(from?: string, to?: string): Promise<AuditVerifyResult> {
  return api<AuditVerifyResult>('/api/v1/audit/verify', { query: { from: dayBound(from, false), to: dayBound(to, true) } });
}
