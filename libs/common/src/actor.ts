/** The roles of DOMAIN.md. String values are what tokens carry. */
export enum Role {
  ScanOperator = 'scan_operator',
  Caseworker = 'caseworker',
  RecordsManager = 'records_manager',
  Auditor = 'auditor',
  Admin = 'admin',
}

export const ALL_ROLES: Role[] = Object.values(Role);

/** The authenticated person behind a request (from the bearer token). */
export interface Actor {
  sub: string;
  name: string;
  roles: Role[];
  /** Department codes (KGSt style, e.g. "32") the person works for. */
  departments: string[];
}

/**
 * What a service needs to know about the request it serves: who, which request, from where.
 * Services never see the HTTP request itself.
 */
export interface RequestContext {
  actor: Actor | null;
  requestId: string;
  clientIp: string | null;
}

/** A context for work the system does on its own (jobs, sweeps, seeding). */
export function systemContext(purpose: string, requestId = `system:${purpose}`): RequestContext {
  return { actor: { sub: 'system', name: `E-Akte ${purpose}`, roles: [], departments: [] }, requestId, clientIp: null };
}

export function hasRole(actor: Actor | null, ...roles: Role[]): boolean {
  return !!actor && actor.roles.some((r) => roles.includes(r));
}

export function inDepartment(actor: Actor | null, departmentCode: string | null | undefined): boolean {
  return !!actor && !!departmentCode && actor.departments.includes(departmentCode);
}
