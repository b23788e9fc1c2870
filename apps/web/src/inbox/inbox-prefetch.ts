import { prefetchJson } from '../common/prefetch';
import { firstSessionUser } from '../common/session';

/** Letters per page of the inbox. */
export const INBOX_PAGE_SIZE = 20;

/** The inbox's first page for a department (the query the inbox screen sends). */
export const inboxQuery = (departmentCode: string, page: number) => ({ departmentCode, page, pageSize: INBOX_PAGE_SIZE });

/** Opened at the inbox: its first requests start with the session probe, not after the screen's chunk. */
export function prefetchInbox(): void {
  prefetchJson('/api/v1/departments');
  void firstSessionUser().then((user) => {
    if (user?.roles.includes('caseworker') && user.departments[0]) prefetchJson('/api/v1/inbox', inboxQuery(user.departments[0], 1));
  });
}
