import { Actor, Role, hasRole, inDepartment } from '@app/common';

/**
 * Who may see what. Caseworkers work on their own departments' records; records managers see
 * metadata of all records (retention, disposal) but no content; others see no records.
 */
export const AccessPolicy = {
  canReadMetadata(actor: Actor | null, departmentCode: string | null): boolean {
    return hasRole(actor, Role.RecordsManager) || this.canWork(actor, departmentCode);
  },
  canReadContent(actor: Actor | null, departmentCode: string | null): boolean {
    return this.canWork(actor, departmentCode);
  },
  canWork(actor: Actor | null, departmentCode: string | null): boolean {
    return hasRole(actor, Role.Caseworker) && inDepartment(actor, departmentCode);
  },
  /** Department codes whose records the actor may list; null = all. */
  visibleDepartments(actor: Actor | null): string[] | null {
    if (hasRole(actor, Role.RecordsManager)) return null;
    if (hasRole(actor, Role.Caseworker)) return actor!.departments;
    return [];
  },
};
