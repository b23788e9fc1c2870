import type {
  AuditorDashboardResponse,
  CaseworkerDashboardResponse,
  RecordsManagerDashboardResponse,
  ScanCentreDashboardResponse,
} from '../../../../libs/dashboards/src/dto/dashboard.dto';
import { api } from '../common/api-client';
import type { Role } from '../common/session';

/** Types come from the service's own DTOs: a changed response breaks this build, not the dashboard. */
export type ScanCentreDashboard = ScanCentreDashboardResponse;
export type CaseworkerDashboard = CaseworkerDashboardResponse;
export type RecordsManagerDashboard = RecordsManagerDashboardResponse;
export type AuditorDashboard = AuditorDashboardResponse;

export type DashboardName = 'scan-centre' | 'caseworker' | 'records-manager' | 'auditor';

/** Which dashboards a person's roles open (the service decides again: GET /dashboards/<name> answers 403 otherwise). */
const FOR_ROLE: Array<[DashboardName, Role[]]> = [
  ['scan-centre', ['scan_operator', 'admin']],
  ['caseworker', ['caseworker']],
  ['records-manager', ['records_manager']],
  ['auditor', ['auditor']],
];

export function dashboardsFor(roles: Role[]): DashboardName[] {
  return FOR_ROLE.filter(([, r]) => r.some((x) => roles.includes(x))).map(([name]) => name);
}

export const fetchScanCentre = (days: number) => api<ScanCentreDashboard>('/api/v1/dashboards/scan-centre', { query: { days } });
export const fetchCaseworker = (days: number) => api<CaseworkerDashboard>('/api/v1/dashboards/caseworker', { query: { days } });
export const fetchRecordsManager = (years: number) => api<RecordsManagerDashboard>('/api/v1/dashboards/records-manager', { query: { years } });
export const fetchAuditor = (days: number) => api<AuditorDashboard>('/api/v1/dashboards/auditor', { query: { days } });
