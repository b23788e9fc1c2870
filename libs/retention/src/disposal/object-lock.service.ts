import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ObjectStorage } from '@app/storage';

const BATCH = 500;

/**
 * Second line of defence: where the storage supports object lock (MinIO with locking; detected,
 * never assumed), the originals of closed case files get a WORM retention date = retainUntil, so
 * not even a storage administrator can remove them early. Files kept forever are not locked
 * (no finite date); lengthened retention is re-applied on the next run.
 */
@Injectable()
export class ObjectLockService {
  private readonly logger = new Logger(ObjectLockService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: ObjectStorage,
  ) {}

  async applyPending(): Promise<number> {
    if (!(await this.storage.capabilities()).objectLock) return 0;
    let locked = 0;
    for (;;) {
      const batch: { id: string; retainUntil: Date }[] = await this.dataSource.query(
        `SELECT id, retain_until AS "retainUntil" FROM case_files
          WHERE status <> 'open' AND retain_until IS NOT NULL AND (object_lock_until IS NULL OR object_lock_until < retain_until)
          ORDER BY id LIMIT $1`,
        [BATCH],
      );
      if (!batch.length) break;
      const until = new Map(batch.map((c) => [c.id, new Date(c.retainUntil)]));
      const files: { caseFileId: string; storageKey: string }[] = await this.dataSource.query(
        `SELECT d.case_file_id AS "caseFileId", f.storage_key AS "storageKey"
           FROM documents d JOIN document_versions v ON v.document_id = d.id JOIN document_files f ON f.version_id = v.id AND f.variant = 'original'
          WHERE d.case_file_id = ANY($1::uuid[])`,
        [[...until.keys()]],
      );
      for (const f of files) if (await this.storage.setRetention(f.storageKey, until.get(f.caseFileId)!)) locked++;
      for (const [id, date] of until) await this.dataSource.query(`UPDATE case_files SET object_lock_until = $2 WHERE id = $1`, [id, date]);
      if (batch.length < BATCH) break;
    }
    if (locked) this.logger.log({ locked }, 'object lock retention applied');
    return locked;
  }
}
