import { getQueueToken } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import { Clock, ControllableClock } from '@app/common';
import { QueueName, redisOptions } from '@app/queue';
import { RETENTION_SWEEP_JOB, RETENTION_SWEEP_SCHEDULER_ID, RetentionWorkerModule } from '@app/retention';
import { FsObjectStorage, ObjectStorage } from '@app/storage';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, users } from './support/app';
import { freshDatabase } from './support/database';
import { storageHits } from './retention-support';

/** The API and the retention worker in one process (as the worker app registers it), on a queue prefix of their own. */
@Module({ imports: [RecordsApiModule, RetentionWorkerModule] })
class ApiWithRetentionWorkerModule {}

/** The filesystem store claiming WORM support (as MinIO with object lock would), recording retention dates. */
class LockingFsStorage extends FsObjectStorage {
  readonly retention = new Map<string, Date>();
  async capabilities() {
    return { objectLock: true };
  }
  async setRetention(...args: unknown[]): Promise<boolean> {
    const [key, retainUntil] = args as [string, Date];
    this.retention.set(key, retainUntil);
    return true;
  }
}

describe('retention worker job (e2e)', () => {
  let t: TestApp;
  let db: { url: string; drop: () => Promise<void> };
  let storageDir: string;
  let ds: DataSource;
  let queue: Queue;
  let events: QueueEvents;
  const prefix = `${process.env.QUEUE_PREFIX}-retention-${randomBytes(3).toString('hex')}`;
  const clock = new ControllableClock(new Date('2026-02-01T08:00:00Z'));
  let clerk: string;
  let rita: string;
  let locking: LockingFsStorage;

  beforeAll(async () => {
    db = await freshDatabase('retention_worker');
    storageDir = mkdtempSync(path.join(os.tmpdir(), 'eakte-retention-worker-'));
    locking = new LockingFsStorage(storageDir);
    await locking.ensureReady();
    t = await startApp(ApiWithRetentionWorkerModule, {
      env: { DATABASE_URL: db.url, STORAGE_DIR: storageDir, QUEUE_PREFIX: prefix, RETENTION_SWEEP_EVERY_MINUTES: '30' },
      override: (b) => b.overrideProvider(Clock).useValue(clock).overrideProvider(ObjectStorage).useValue(locking),
    });
    ds = t.app.get(DataSource);
    queue = t.app.get<Queue>(getQueueToken(QueueName.Retention));
    events = new QueueEvents(QueueName.Retention, { connection: redisOptions(t.config.redis.url), prefix });
    await events.waitUntilReady();
    clerk = await t.token({ sub: 'clara.clerk', roles: ['caseworker'], departments: ['32', '66'] });
    rita = await t.token(users.recordsManager);
  });
  afterAll(async () => {
    await events?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await t?.close();
    await db?.drop();
    if (storageDir) rmSync(storageDir, { recursive: true, force: true });
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const runJob = async () => {
    const job = await queue.add(RETENTION_SWEEP_JOB, { trigger: 'test' });
    return (await job.waitUntilFinished(events, 30_000)) as { marked: number; resumed: number; locked: number };
  };
  async function closedFile(filePlanCode: string, content: Buffer): Promise<string> {
    const cf = (await t.http().post('/api/v1/case-files').set(as(clerk)).send({ filePlanCode, title: `Akte ${filePlanCode}` }).expect(201)).body;
    await t.http().post(`/api/v1/case-files/${cf.id}/documents`).set(as(clerk)).field('title', 'Schreiben').attach('file', content, 'a.pdf').expect(201);
    await t.http().post(`/api/v1/case-files/${cf.id}/close`).set(as(clerk)).expect(200);
    return cf.id;
  }
  const pdf = () => Buffer.from(`%PDF-1.4\n% ${randomBytes(8).toString('hex')}\n%%EOF\n`);

  it('registers the sweep as a repeatable job (one scheduler per deployment)', async () => {
    const scheduler = await queue.getJobScheduler(RETENTION_SWEEP_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ name: RETENTION_SWEEP_JOB, every: 30 * 60_000 });
  });

  it('marks expired, unheld, closed files due when the job runs, judged by the injected clock', async () => {
    const expired = await closedFile('32.2.1', pdf());
    const held = await closedFile('32.2.1', pdf());
    await t.http().post(`/api/v1/case-files/${held.toString()}/holds`).set(as(rita)).send({ reason: 'Klage' }).expect(201);
    let r = await runJob();
    expect(r.marked).toBe(0); // nothing has expired yet
    clock.advanceYears(6);
    r = await runJob();
    expect(r.marked).toBe(1);
    const rows = await ds.query(`SELECT id, status FROM case_files WHERE id = ANY($1::uuid[])`, [[expired, held]]);
    expect(Object.fromEntries(rows.map((x: { id: string; status: string }) => [x.id, x.status]))).toEqual({ [expired]: 'due', [held]: 'closed' });
    const [ev] = await ds.query(`SELECT actor_sub, details FROM audit_events WHERE action = 'retention.sweep' ORDER BY seq DESC LIMIT 1`);
    expect(ev).toMatchObject({ actor_sub: 'system', details: { marked: 1, caseFileIds: [expired] } });
  });

  it('puts WORM retention dates on the originals of closed files where the storage supports object lock', async () => {
    const content = pdf();
    const id = await closedFile('32.1.2', content);
    const r = await runJob();
    expect(r.locked).toBeGreaterThanOrEqual(1);
    const [row] = await ds.query(`SELECT retain_until AS "retainUntil", object_lock_until AS "lockUntil" FROM case_files WHERE id = $1`, [id]);
    expect(row.lockUntil).toEqual(row.retainUntil);
    const key = (await ds.query(`SELECT f.storage_key AS key FROM document_files f JOIN document_versions v ON v.id = f.version_id JOIN documents d ON d.id = v.document_id WHERE d.case_file_id = $1`, [id]))[0].key;
    expect(locking.retention.get(key)).toEqual(row.retainUntil);
    expect((await runJob()).locked).toBe(0); // applied once per retention date
  });

  it('resumes an interrupted disposal run: pending destructions and objects left behind', async () => {
    const content = pdf();
    const id = await closedFile('66.1.1', content);
    clock.advanceYears(6);
    await runJob();
    const offer = (await t.http().post('/api/v1/disposal/offers').set(as(rita)).send({ caseFileIds: [id] }).expect(201)).body;
    // the run began (executed_at set) and stopped before the item was carried out
    await ds.query(`UPDATE disposal_offers SET executed_at = $2, executed_by = 'rita.rm' WHERE id = $1`, [offer.id, clock.now()]);
    let r = await runJob();
    expect(r.resumed).toBe(1);
    let detail = (await t.http().get(`/api/v1/disposal/offers/${offer.id}`).set(as(rita)).expect(200)).body;
    expect(detail.items[0]).toMatchObject({ caseFileId: id, outcome: 'destroyed' });
    expect(storageHits(storageDir, [content])).toEqual([]);

    // an object whose removal failed after commit (simulated: put back, marked not removed) is removed by the next run
    const storage = t.app.get(ObjectStorage);
    const back = await storage.put(Readable.from([content]));
    expect(storageHits(storageDir, [content])).toHaveLength(1);
    await ds.query(
      `UPDATE disposal_offer_items SET destruction = jsonb_set(destruction, '{objects}', (SELECT jsonb_agg(o || '{"removed": false}') FROM jsonb_array_elements(destruction->'objects') o)) WHERE offer_id = $1`,
      [offer.id],
    );
    r = await runJob();
    expect(r.resumed).toBe(1);
    expect(await storage.stat(back.key)).toBeNull();
    detail = (await t.http().get(`/api/v1/disposal/offers/${offer.id}/certificate`).set(as(rita)).expect(200)).body;
    expect(detail.caseFiles[0].objects).toEqual([{ sha256: back.sha256, removed: true, shared: false }]);
    expect((await runJob()).resumed).toBe(0);
  });
});
