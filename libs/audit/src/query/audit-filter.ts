/** What the auditor's queries and exports select (all optional, combined with AND). */
export interface AuditFilter {
  /** occurred_at >= from (ISO 8601). */
  from?: string;
  /** occurred_at <= to (ISO 8601). */
  to?: string;
  fromSeq?: string;
  toSeq?: string;
  /** actor_sub */
  actor?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  caseFileId?: string;
}

export type SortOrder = 'asc' | 'desc';

/** WHERE clause and parameters for a filter; `params` is extended in place. */
export function filterSql(f: AuditFilter, params: unknown[]): string {
  const where: string[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.from) add('occurred_at >= ?::timestamptz', f.from);
  if (f.to) add('occurred_at <= ?::timestamptz', f.to);
  if (f.fromSeq) add('seq >= ?::bigint', f.fromSeq);
  if (f.toSeq) add('seq <= ?::bigint', f.toSeq);
  if (f.actor) add('actor_sub = ?', f.actor);
  if (f.action) add('action = ?', f.action);
  if (f.objectType) add('object_type = ?', f.objectType);
  if (f.objectId) add('object_id = ?', f.objectId);
  if (f.caseFileId) add('case_file_id = ?::uuid', f.caseFileId);
  return where.length ? where.join(' AND ') : 'TRUE';
}

/** The filter's fields that are set, for the audit event and the export trailer. */
export function describeFilter(f: AuditFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (typeof v === 'string' && v !== '') out[k] = v;
  return out;
}
