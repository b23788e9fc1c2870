import type { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '@app/common';
import { ObjectStorage } from '@app/storage';

/**
 * Content addressing lets uploads of the same bytes share one stored object. So "remove the object
 * this refused request stored" races with a concurrent request that found the object already
 * there and is about to commit its row. Both sides take a PostgreSQL advisory lock on the key:
 *  - a committer holds it shared for the rest of its transaction and checks that the object is
 *    still there before its row goes in (claimStoredObjects);
 *  - a remover holds it exclusively while it checks for rows and deletes (removeUnlessReferenced).
 * Either the row lands first and the object is kept, or the object is gone first and the request
 * fails with 503 (send the file again) instead of committing a row without content.
 */

/** The transaction-scoped lock on a storage key: shared to commit rows for it, exclusive to remove it. */
export async function lockStorageKey(m: EntityManager, key: string, mode: 'shared' | 'exclusive'): Promise<void> {
  await m.query(mode === 'shared' ? 'SELECT pg_advisory_xact_lock_shared(hashtext($1))' : 'SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
}

/** Inside the transaction that inserts rows for `keys`: the objects stay until it ends. */
export async function claimStoredObjects(m: EntityManager, storage: ObjectStorage, keys: string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await lockStorageKey(m, key, 'shared');
    if (!(await storage.stat(key))) {
      throw new DomainError(ErrorCode.ServiceUnavailable, 'the stored content was removed while the request was being committed; send the file again');
    }
  }
}

/** Whether any stored format refers to the object. */
export async function isStorageKeyReferenced(m: EntityManager | DataSource, key: string): Promise<boolean> {
  const [row] = await m.query('SELECT EXISTS (SELECT 1 FROM document_files WHERE storage_key = $1) AS used', [key]);
  return row.used === true;
}

/** Deletes the object unless a row refers to it; true when it was deleted. */
export async function removeUnlessReferenced(dataSource: DataSource, storage: ObjectStorage, key: string): Promise<boolean> {
  return dataSource.transaction(async (m) => {
    await lockStorageKey(m, key, 'exclusive');
    if (await isStorageKeyReferenced(m, key)) return false;
    await storage.delete(key);
    return true;
  });
}
