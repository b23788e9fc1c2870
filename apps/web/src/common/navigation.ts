import type { Role } from './session';

/** The work areas and who sees them in the main navigation (the server still decides access). */
export interface NavItem {
  to: string;
  labelKey: string;
  roles: Role[];
}

export const NAV_ITEMS: NavItem[] = [
  { to: '/scanstelle', labelKey: 'nav.scanCentre', roles: ['scan_operator'] },
  { to: '/eingangskorb', labelKey: 'nav.inbox', roles: ['caseworker'] },
  { to: '/akten', labelKey: 'nav.caseFiles', roles: ['caseworker', 'records_manager'] },
  { to: '/suche', labelKey: 'nav.search', roles: ['caseworker'] },
  { to: '/aktenplan', labelKey: 'nav.filePlan', roles: ['records_manager'] },
  { to: '/loeschsperren', labelKey: 'nav.legalHolds', roles: ['records_manager'] },
  { to: '/aussonderung', labelKey: 'nav.disposal', roles: ['records_manager'] },
  { to: '/protokoll', labelKey: 'nav.auditTrail', roles: ['auditor'] },
  { to: '/protokoll/pruefung', labelKey: 'nav.auditVerify', roles: ['auditor'] },
  { to: '/uebersicht', labelKey: 'nav.dashboard', roles: ['scan_operator', 'caseworker', 'records_manager', 'auditor'] },
];

export const navItemsFor = (roles: Role[]) => NAV_ITEMS.filter((i) => i.roles.some((r) => roles.includes(r)));

/** The first screen after sign-in. */
export function homePathFor(roles: Role[]): string {
  return navItemsFor(roles)[0]?.to ?? '/start';
}
