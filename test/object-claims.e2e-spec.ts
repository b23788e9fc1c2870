import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { DomainError, ErrorCode } from '../libs/common/src';
import { claimStoredObjects, removeUnlessReferenced } from '../libs/records/src';
import { ObjectStorage } from '../libs/storage/src';
import { startApp, TestApp, users } from './support/app';

/**
 * A refused upload removes the object it stored, while a concurrent upload of the same bytes may
 * have found that object already there and be about to commit its row (content addressing shares
 * objects). The two meet on the key's advisory lock: whichever is first decides, and neither a row
 * without its object nor a lost object can result. Driven step by step against real PostgreSQL.
 */
describe('removing an object a concurrent upload is committing', () => {
  let t: TestApp;
  let ds: DataSource;
  let storage: ObjectStorage;
  let versionId: string;

  const store = async () => storage.put(Readable.from(randomBytes(4096)));
  const rowsFor = async (key: string) => Number((await ds.query('SELECT count(*)::int AS n FROM document_files WHERE storage_key = $1', [key]))[0].n);
  const settled = <T>(p: Promise<T>) => Promise.race([p.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 400))]);

  beforeAll(async () => {
    t = await startApp(RecordsApiModule, { env: { STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'eakte-claims-e2e-')) } });
    ds = t.app.get(DataSource);
    storage = t.app.get(ObjectStorage);
    const auth = `Bearer ${await t.token(users.caseworker32)}`;
    const file = (await t.http().post('/api/v1/case-files').set('Authorization', auth).send({ filePlanCode: '32.1.2', title: 'Gleiche Bytes, zwei Anfragen' }).expect(201)).body;
    const doc = (await t.http().post(`/api/v1/case-files/${file.id}/documents`).set('Authorization', auth).field('title', 'Antrag').attach('file', Buffer.from('%PDF-1.4\n% claims\n'), 'antrag.pdf').expect(201)).body;
    versionId = (await ds.query('SELECT id FROM document_versions WHERE document_id = $1', [doc.id]))[0].id;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('keeps the object when the other request commits its row first; the removal waits for it', async () => {
    const stored = await store();
    const committer = ds.createQueryRunner();
    await committer.connect();
    await committer.startTransaction();
    try {
      await claimStoredObjects(committer.manager, storage, [stored.key]);
      const removal = removeUnlessReferenced(ds, storage, stored.key);
      expect(await settled(removal)).toBe(false); // blocked on the key while the row is not committed
      await committer.query(
        `INSERT INTO document_files (version_id, variant, storage_key, sha256, size, mime_type, filename) VALUES ($1, 'searchable', $2, $3, $4, 'application/pdf', 'gleich.pdf')`,
        [versionId, stored.key, stored.sha256, stored.size],
      );
      await committer.commitTransaction();
      await expect(removal).resolves.toBe(false);
    } finally {
      await committer.release();
    }
    expect(await storage.stat(stored.key)).toEqual({ size: 4096 });
    expect(await rowsFor(stored.key)).toBe(1);
    await ds.query(`DELETE FROM document_files WHERE storage_key = $1`, [stored.key]);
  });

  it('refuses the commit with 503 when the removal came first, leaving neither row nor object', async () => {
    const stored = await store();
    await expect(removeUnlessReferenced(ds, storage, stored.key)).resolves.toBe(true);
    const committer = ds.createQueryRunner();
    await committer.connect();
    await committer.startTransaction();
    let refused: unknown;
    try {
      await claimStoredObjects(committer.manager, storage, [stored.key]);
    } catch (e) {
      refused = e;
    } finally {
      await committer.rollbackTransaction();
      await committer.release();
    }
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe(ErrorCode.ServiceUnavailable);
    expect(await storage.stat(stored.key)).toBeNull();
    expect(await rowsFor(stored.key)).toBe(0);
  });

  it('a removal of a referenced object leaves it', async () => {
    const stored = await store();
    await ds.query(
      `INSERT INTO document_files (version_id, variant, storage_key, sha256, size, mime_type, filename) VALUES ($1, 'searchable', $2, $3, $4, 'application/pdf', 'gleich.pdf')`,
      [versionId, stored.key, stored.sha256, stored.size],
    );
    await expect(removeUnlessReferenced(ds, storage, stored.key)).resolves.toBe(false);
    expect(await storage.stat(stored.key)).not.toBeNull();
    await ds.query(`DELETE FROM document_files WHERE storage_key = $1`, [stored.key]);
  });
});
