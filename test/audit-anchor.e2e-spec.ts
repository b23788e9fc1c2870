import { Module } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Test, TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { AUDIT_ANCHOR_SCHEDULER_ID, AuditAnchorJob, AuditModule, AuditQueryRepository, AuditService, AuditVerifyService, AuditWorkerModule, anchorSignatureValid } from '@app/audit';
import { systemContext } from '@app/common';
import { APP_CONFIG, AppConfig, ConfigModule, loadConfig } from '@app/config';
import { DatabaseModule } from '@app/database';
import { QueueModule, QueueName } from '@app/queue';
import { freshDatabase } from './support/database';

/** The worker's part of the audit trail, booted as the worker does (real BullMQ on Redis). */
@Module({ imports: [ConfigModule, DatabaseModule, QueueModule, AuditModule, AuditWorkerModule], providers: [AuditQueryRepository, AuditVerifyService] })
class AnchorWorkerTestModule {}

describe('audit anchors (repeatable worker job)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let worker: TestingModule;
  let config: AppConfig;
  let pg: Client;

  beforeAll(async () => {
    db = await freshDatabase('audit_anchor');
    config = loadConfig({
      ...process.env,
      DATABASE_URL: db.url,
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-anchor`,
      AUDIT_ANCHOR_EVERY: '5',
      AUDIT_ANCHOR_MINUTES: '60',
      AUDIT_ANCHOR_CHECK_SECONDS: '1',
    });
    worker = await Test.createTestingModule({ imports: [AnchorWorkerTestModule] }).overrideProvider(APP_CONFIG).useValue(config).compile();
    worker.enableShutdownHooks();
    await worker.init();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await worker?.close();
    await db?.drop();
  });

  const anchors = async () => (await pg.query('SELECT seq::int AS seq, hash, signature FROM audit_anchors ORDER BY seq')).rows as { seq: number; hash: string; signature: string }[];
  const waitFor = async <T>(probe: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > until) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('registers one repeatable job on the audit queue', async () => {
    const queue = worker.get<Queue>(getQueueToken(QueueName.Audit));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ key: AUDIT_ANCHOR_SCHEDULER_ID, name: AuditAnchorJob.name, every: 1000 })]);
  });

  it('anchors the chain head at once, then whenever AUDIT_ANCHOR_EVERY events were added, signed with the anchor key', async () => {
    expect(await anchors()).toEqual([]);
    const audit = worker.get(AuditService);
    const ctx = systemContext('anchor-test');
    const write = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await audit.recordAccess(ctx, { action: 'test.read', objectType: 'test', objectId: String(i) });
    };
    await write(0, 3);
    // the first checkpoint is written as soon as there is a chain
    const [first] = await waitFor(async () => ((await anchors()).length ? anchors() : null));
    expect(first.seq).toBe(3);
    // fewer than 5 new events: the job runs every second but writes nothing
    await write(3, 7);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await anchors()).map((a) => a.seq)).toEqual([3]);
    await write(7, 8);
    const second = await waitFor(async () => ((await anchors()).length === 2 ? (await anchors())[1] : null));
    const head = (await pg.query('SELECT seq::int AS seq, hash FROM audit_chain_head')).rows[0];
    expect(second).toMatchObject({ seq: 8, hash: head.hash });
    expect(head.seq).toBe(8);
    for (const a of await anchors()) expect(anchorSignatureValid(config.audit.anchorKey, a.seq, a.hash, a.signature)).toBe(true);
    expect(anchorSignatureValid('another key', second.seq, second.hash, second.signature)).toBe(false);

    // nothing new: no further anchor
    await new Promise((r) => setTimeout(r, 2000));
    expect(await anchors()).toHaveLength(2);
    expect(await worker.get(AuditVerifyService).verify()).toMatchObject({ ok: true, checked: 8, anchorsChecked: 2 });
  });
});
