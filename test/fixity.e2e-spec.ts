import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import * as os from 'node:os';
import * as path from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { IngestAppModule } from '../apps/ingest/src/ingest.module';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { systemContext } from '@app/common';
import { FixitySweepService, OrphanSweepService } from '@app/records';
import { ObjectStorage } from '@app/storage';
import { activeContentPdf } from '../libs/ocr/src/testing/hostile-files';
import { freshDatabase } from './support/database';
import { startApp, TestApp, users } from './support/app';

/**
 * Fixity sweep (TR-ESOR integrity check): stored files are re-hashed in slices that resume where
 * the last one ended (remembered in PostgreSQL); a changed or missing object is audited once on
 * its document version and counted in the metrics; an object found intact again is audited as
 * restored.
 */
describe('fixity sweep (e2e)', () => {
  let records: TestApp;
  let ingest: TestApp;
  let worker: TestApp;
  let db: { url: string; drop: () => Promise<void> };
  let storageDir: string;
  let anna: string;
  let ds: DataSource;

  beforeAll(async () => {
    // its own database and storage: the sweep walks every stored file there is
    db = await freshDatabase('fixity');
    storageDir = mkdtempSync(path.join(os.tmpdir(), 'eakte-fixity-'));
    const env = { DATABASE_URL: db.url, STORAGE_DIR: storageDir, QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-fixity`, FIXITY_SLICE_SIZE: '2', FIXITY_SWEEP_EVERY_MINUTES: '60', OCR_WORKERS: '1' };
    records = await startApp(RecordsApiModule, { env });
    ingest = await startApp(IngestAppModule, { env, seed: false });
    worker = await startApp(WorkerModule, { env, seed: false });
    anna = await records.token(users.caseworker32);
    ds = records.app.get(DataSource);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await ingest?.close();
    await records?.close();
    await db?.drop();
    if (storageDir) rmSync(storageDir, { recursive: true, force: true });
  });

  const sweep = () => worker.app.get(FixitySweepService);
  /** Slices until the sweep has gone once round all files; returns how many slices that took. */
  const fullRound = async () => {
    let slices = 0;
    for (;;) {
      slices++;
      const r = await sweep().runSlice(systemContext('fixity-test'));
      if (r.roundCompleted) return slices;
      if (slices > 50) throw new Error('the sweep never completes a round');
    }
  };
  const fixityEvents = async () =>
    (await ds.query(`SELECT action, object_type, object_id, outcome, details FROM audit_events WHERE action LIKE 'fixity.%' ORDER BY seq`)) as Array<{
      action: string;
      object_type: string;
      object_id: string;
      outcome: string;
      details: Record<string, unknown>;
    }>;
  const metric = async (name: string, kind: string) => {
    const text = (await worker.http().get('/metrics').expect(200)).text;
    const line = text.split('\n').find((l) => l.startsWith(`${name}{kind="${kind}"}`));
    if (!line) throw new Error(`${name}{kind="${kind}"} not exposed`);
    return Number(line.split(' ').pop());
  };

  it('finds a changed and a deleted object once each, resumes slices from PostgreSQL and sees a restored object', async () => {
    // the schedule is registered as a repeatable job (and ran once at boot, over nothing)
    const queue = worker.app.get<Queue>(getQueueToken('fixity'), { strict: false });
    expect(await queue.getJobScheduler('fixity-sweep')).toMatchObject({ every: 60 * 60_000 });
    for (let i = 0; (await queue.getJobCounts('completed')).completed < 1; i++) {
      if (i > 100) throw new Error('the scheduled slice did not run at boot');
      await new Promise((r) => setTimeout(r, 100));
    }

    const cf = (await records.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Fixity' }).expect(201)).body;
    const upload = async (text: string) =>
      (await records.http().post(`/api/v1/case-files/${cf.id}/documents`).set('Authorization', `Bearer ${anna}`).field('title', text).attach('file', Buffer.from(`${text}\n`), 'a.txt').expect(201)).body as { id: string };
    const docs = [await upload('Antrag eins'), await upload('Antrag zwei'), await upload('Antrag drei')];
    // a scan: its original and its searchable rendition are both swept
    const sina = await ingest.token(users.scanOperator);
    const batch = await ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`).field('departmentCode', '32').attach('files', Buffer.from(await activeContentPdf(['Anzeige', 'Fixity'])), 'scan.pdf').expect(202);
    for (let i = 0; ; i++) {
      const b = (await ingest.http().get(`/api/v1/batches/${batch.body.id}`).set('Authorization', `Bearer ${sina}`).expect(200)).body;
      if (b.status === 'completed') break;
      if (i > 400) throw new Error('scan not processed');
      await new Promise((r) => setTimeout(r, 300));
    }
    const files: Array<{ id: string; version_id: string; storage_key: string; sha256: string; variant: string }> = await ds.query(
      `SELECT f.id, f.version_id, f.storage_key, f.sha256, f.variant FROM document_files f JOIN document_versions v ON v.id = f.version_id ORDER BY f.id`,
    );
    expect(files).toHaveLength(5);
    expect(files.filter((f) => f.variant === 'searchable')).toHaveLength(1);

    // the first round over intact objects finds nothing; slices of 2 resume at the remembered cursor
    expect(await fullRound()).toBe(3);
    expect(await fixityEvents()).toEqual([]);
    const first = await sweep().runSlice(systemContext('fixity-test'));
    expect(first).toMatchObject({ checked: 2, ok: 2, roundCompleted: false });
    expect((await ds.query(`SELECT cursor_file_id FROM fixity_sweep_state`))[0].cursor_file_id).toBe(files[1].id);
    expect(await fullRound()).toBe(2); // continues after files[1]: files 3-4, then 5 and the end

    // one object altered on the filesystem, another deleted (by id of their document versions)
    const byDoc = async (id: string) => (await ds.query(`SELECT f.version_id, f.storage_key, f.sha256 FROM document_files f JOIN document_versions v ON v.id = f.version_id WHERE v.document_id = $1`, [id]))[0];
    const altered = await byDoc(docs[0].id);
    const deleted = await byDoc(docs[1].id);
    const alteredPath = path.join(storageDir, altered.storage_key);
    const originalBytes = readFileSync(alteredPath);
    chmodSync(alteredPath, 0o644);
    writeFileSync(alteredPath, 'Antrag eins, nachträglich geändert\n');
    rmSync(path.join(storageDir, deleted.storage_key));

    await fullRound();
    let events = await fixityEvents();
    expect(events.map((e) => [e.action, e.object_type, e.object_id, e.outcome])).toEqual(
      expect.arrayContaining([
        ['fixity.mismatch', 'document_version', altered.version_id, 'failure'],
        ['fixity.missing', 'document_version', deleted.version_id, 'failure'],
      ]),
    );
    expect(events).toHaveLength(2);
    const mismatch = events.find((e) => e.action === 'fixity.mismatch')!;
    expect(mismatch.details).toMatchObject({ documentId: docs[0].id, version: 1, variant: 'original', expectedSha256: altered.sha256.trim() });
    expect(mismatch.details.foundSha256).not.toBe(altered.sha256.trim());
    expect(await metric('eakte_fixity_mismatches_total', 'mismatch')).toBe(1);
    expect(await metric('eakte_fixity_mismatches_total', 'missing')).toBe(1);
    expect(await metric('eakte_fixity_open_findings', 'mismatch')).toBe(1);
    expect(await metric('eakte_fixity_open_findings', 'missing')).toBe(1);

    // once per object: further rounds record nothing new
    await fullRound();
    await fullRound();
    expect(await fixityEvents()).toHaveLength(2);
    expect(await metric('eakte_fixity_mismatches_total', 'mismatch')).toBe(1);

    // the altered object restored from a backup: audited as restored, no longer open
    writeFileSync(alteredPath, originalBytes);
    await fullRound();
    events = await fixityEvents();
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({ action: 'fixity.restored', object_id: altered.version_id, outcome: 'success', details: expect.objectContaining({ previously: 'mismatch' }) });
    expect(await metric('eakte_fixity_open_findings', 'mismatch')).toBe(0);
    expect(await metric('eakte_fixity_open_findings', 'missing')).toBe(1);

    // the findings are part of the verified chain
    const verify = await records.http().get('/api/v1/audit/verify').set('Authorization', `Bearer ${await records.token(users.auditor)}`).expect(200);
    expect(verify.body.valid ?? verify.body.ok).toBe(true);
  }, 180_000);

  it('does not take an unreachable store for lost records', async () => {
    const before = (await fixityEvents()).length;
    // the store refuses connections (as S3 does when MinIO is down): the slice fails, the cursor
    // stays, and the next run checks the same files instead of skipping them
    const cursor = async () => (await ds.query(`SELECT cursor_file_id, files_checked, lease_until FROM fixity_sweep_state`))[0];
    const at = await cursor();
    const storage = worker.app.get(ObjectStorage) as unknown as { stat?: (k: string) => Promise<unknown> };
    storage.stat = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' }));
    try {
      await expect(sweep().runSlice(systemContext('fixity-test'))).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      delete storage.stat;
    }
    expect(await metric('eakte_fixity_open_findings', 'missing')).toBe(1);
    expect(await cursor()).toEqual({ ...at, lease_until: null });
    const retried = await sweep().runSlice(systemContext('fixity-test'));
    expect(retried).toMatchObject({ ran: true, checked: 2 });
    expect(Number((await cursor()).files_checked)).toBe(Number(at.files_checked) + 2);
    expect(await fixityEvents()).toHaveLength(before);
  });

  it('lets one worker at a time check a slice (a lease in PostgreSQL)', async () => {
    // the first slice's storage answers slowly, so the second claim certainly comes while it runs
    const storage = worker.app.get(ObjectStorage) as unknown as { stat?: (k: string) => Promise<unknown> };
    const driver = Object.getPrototypeOf(storage) as { stat: (k: string) => Promise<unknown> };
    storage.stat = (k: string) => new Promise((r) => setTimeout(r, 300)).then(() => driver.stat.call(storage, k));
    let a, b;
    try {
      const first = sweep().runSlice(systemContext('fixity-a'));
      await new Promise((r) => setTimeout(r, 100));
      b = await sweep().runSlice(systemContext('fixity-b'));
      a = await first;
    } finally {
      delete storage.stat;
    }
    expect(a.ran).toBe(true);
    expect(b.ran).toBe(false);
    expect((await ds.query(`SELECT lease_until FROM fixity_sweep_state`))[0].lease_until).toBeNull();
    const text = (await worker.http().get('/metrics').expect(200)).text;
    expect(Number(/^eakte_fixity_last_round_completed_timestamp_seconds (\S+)$/m.exec(text)?.[1])).toBeGreaterThan(Date.now() / 1000 - 600);
  });

  it('removes stored objects no file refers to, only after the grace period, never one a row has come to refer to', async () => {
    const storage = worker.app.get(ObjectStorage);
    const orphans = worker.app.get(OrphanSweepService);
    const put = async (text: string) => (await storage.put(Readable.from([Buffer.from(text)]))).key;
    const lost = await put(`liegen geblieben ${process.pid}`);
    const lateContent = `gleich wieder gebraucht ${process.pid}\n`;
    const late = await put(lateContent);
    const cf = (await records.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Verwaiste Objekte' }).expect(201)).body;
    const kept = (await records.http().post(`/api/v1/case-files/${cf.id}/documents`).set('Authorization', `Bearer ${anna}`).field('title', 'bleibt').attach('file', Buffer.from(`bleibt ${process.pid}\n`), 'b.txt').expect(201)).body;
    const keptKey: string = (await ds.query('SELECT f.storage_key FROM document_files f JOIN document_versions v ON v.id = f.version_id WHERE v.document_id = $1', [kept.id]))[0].storage_key;

    const now = Date.now();
    const hour = 3_600_000;
    const first = await orphans.run(systemContext('orphan-test'), now);
    expect(first).toMatchObject({ removed: 0, failed: 0 });
    expect(first.unreferenced).toBeGreaterThanOrEqual(2);
    expect((await orphans.run(systemContext('orphan-test'), now + 23 * hour)).removed).toBe(0);
    // an upload of the same bytes commits a row that refers to the waiting object (content addressing)
    await records.http().post(`/api/v1/case-files/${cf.id}/documents`).set('Authorization', `Bearer ${anna}`).field('title', 'spät').attach('file', Buffer.from(lateContent), 'c.txt').expect(201);

    const after = await orphans.run(systemContext('orphan-test'), now + 25 * hour);
    expect(after.removed).toBeGreaterThanOrEqual(1);
    expect(await storage.stat(lost)).toBeNull();
    expect(await storage.stat(late)).not.toBeNull();
    expect(await storage.stat(keptKey)).not.toBeNull();
    const events = await ds.query(`SELECT object_type, object_id, reason FROM audit_events WHERE action = 'storage.orphan_removed'`);
    expect(events).toContainEqual({ object_type: 'storage_object', object_id: lost, reason: 'no file refers to the stored object' });
    expect(events.map((e: { object_id: string }) => e.object_id)).not.toContain(late);
    // every file row of the case file still has its object (the first test deleted one of its own on purpose)
    const rows: { storage_key: string }[] = await ds.query(
      'SELECT f.storage_key FROM document_files f JOIN document_versions v ON v.id = f.version_id JOIN documents d ON d.id = v.document_id WHERE d.case_file_id = $1',
      [cf.id],
    );
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(await storage.stat(r.storage_key)).not.toBeNull();
  });
});
