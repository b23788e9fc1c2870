import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isStorageKeyReferenced, lockStorageKey } from '@app/records';
import { ObjectStorage } from '@app/storage';
import { DestructionRecord } from './disposal.repository';

interface FileRow {
  documentId: string;
  versionNo: number;
  variant: string;
  storageKey: string;
  sha256: string;
  size: string;
}

/**
 * Destruction (Vernichtung) of one case file: documents, versions, formats (originals and
 * searchable renditions), OCR text and search vectors go from PostgreSQL in the caller's
 * transaction (the case-file row is locked by the caller); objects go from storage after commit,
 * and only when no remaining format refers to them (content addressing shares objects between
 * documents). Rerunning {@link removeObjects} with the record finishes an interrupted run.
 */
@Injectable()
export class DestructionService {
  private readonly logger = new Logger(DestructionService.name);

  constructor(private readonly storage: ObjectStorage) {}

  /** Deletes the case file's records in the transaction and returns the destruction record. */
  async deleteRecords(m: EntityManager, caseFileId: string, release: string, by: string, at: Date): Promise<DestructionRecord> {
    const files: FileRow[] = await m.query(
      `SELECT d.id AS "documentId", v.version_no AS "versionNo", f.variant, f.storage_key AS "storageKey", f.sha256, f.size::text AS size
         FROM documents d
         JOIN document_versions v ON v.document_id = d.id
         JOIN document_files f ON f.version_id = v.id
        WHERE d.case_file_id = $1
        ORDER BY d.id, v.version_no, f.variant`,
      [caseFileId],
    );
    const docIds: { id: string }[] = await m.query(`SELECT id FROM documents WHERE case_file_id = $1 ORDER BY id FOR UPDATE`, [caseFileId]);
    const byDoc = new Map<string, DestructionRecord['documents'][number]>();
    for (const d of docIds) byDoc.set(d.id, { id: d.id, versions: 0, files: [] });
    const versions = new Map<string, Set<number>>();
    for (const f of files) {
      const doc = byDoc.get(f.documentId) ?? { id: f.documentId, versions: 0, files: [] };
      byDoc.set(f.documentId, doc);
      doc.files.push({ variant: f.variant, sha256: f.sha256, size: Number(f.size) });
      versions.set(f.documentId, (versions.get(f.documentId) ?? new Set()).add(f.versionNo));
    }
    for (const [id, set] of versions) byDoc.get(id)!.versions = set.size;
    const ids = [...byDoc.keys()];
    if (ids.length) {
      // formats and versions explicitly (no reliance on cascades), then the documents with their
      // text_content and search_vector; dependent rows of other modules cascade with the document
      await m.query(`DELETE FROM document_files f USING document_versions v WHERE f.version_id = v.id AND v.document_id = ANY($1::uuid[])`, [ids]);
      await m.query(`DELETE FROM document_versions WHERE document_id = ANY($1::uuid[])`, [ids]);
      await m.query(`DELETE FROM documents WHERE id = ANY($1::uuid[])`, [ids]);
    }
    await m.query(`DELETE FROM legal_holds WHERE case_file_id = $1`, [caseFileId]);
    // the Vorgänge (their titles are metadata) and their counter go with the case file
    await m.query(`DELETE FROM vorgaenge WHERE case_file_id = $1`, [caseFileId]);
    await m.query(`DELETE FROM reference_counters WHERE scope = $1`, [`vorgang:${caseFileId}`]);
    await m.query(`DELETE FROM case_files WHERE id = $1`, [caseFileId]);
    const keys = new Map<string, string>();
    for (const f of files) keys.set(f.storageKey, f.sha256);
    return {
      release,
      destroyedBy: by,
      destroyedAt: at.toISOString(),
      documents: [...byDoc.values()],
      objects: [...keys].map(([key, sha256]) => ({ key, sha256, removed: false })),
    };
  }

  /**
   * Removes the record's objects that no format refers to any more (after commit). Idempotent:
   * returns the record with `removed` set; objects still shared by other documents stay.
   */
  async removeObjects(m: EntityManager, record: DestructionRecord): Promise<DestructionRecord> {
    const objects: DestructionRecord['objects'] = [];
    for (const o of record.objects) {
      if (o.removed) {
        objects.push(o);
        continue;
      }
      // serialised with other removals and with commits of rows for the same object (an upload
      // of identical content that found the object stored): see claimStoredObjects
      await lockStorageKey(m, o.key, 'exclusive');
      if (await isStorageKeyReferenced(m, o.key)) {
        objects.push({ ...o, removed: true, shared: true });
        continue;
      }
      try {
        await this.storage.delete(o.key);
        objects.push({ ...o, removed: true });
      } catch (e) {
        this.logger.warn({ err: e, key: o.key }, 'object could not be removed; the next run retries');
        objects.push(o);
      }
    }
    return { ...record, objects };
  }
}
