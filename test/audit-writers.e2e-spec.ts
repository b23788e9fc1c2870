import { DataSource } from 'typeorm';
import { AuditRepository, AuditVerifyService, buildRecord } from '@app/audit';
import { systemContext } from '@app/common';
import { dataSourceOptions } from '@app/database';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp } from './support/app';
import { freshDatabase } from './support/database';

/**
 * Several instances (API replicas, ingest, worker) append to one hash chain. Each instance's
 * standalone append is one statement while it still holds the head it wrote last, and falls back to
 * the locked path when another writer moved the head: the chain must stay gap-free and verifiable
 * whatever the interleaving, and a rejected append must leave nothing behind.
 */
describe('audit chain with several writers (isolated database)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let t: TestApp;
  const extra: DataSource[] = [];

  beforeAll(async () => {
    db = await freshDatabase('audit_writers');
    t = await startApp(RecordsApiModule, { env: { DATABASE_URL: db.url } });
    for (let i = 0; i < 2; i++) extra.push(await new DataSource(dataSourceOptions({ database: { url: db.url, poolSize: 4 } })).initialize());
  });
  afterAll(async () => {
    for (const ds of extra) await ds.destroy();
    await t?.close();
    await db?.drop();
  });

  const events = (writer: string, n: number, action = 'test.read') =>
    Array.from({ length: n }, (_, i) => buildRecord(systemContext(writer), { action, objectType: 'test', objectId: `${writer}-${i}`, details: { i, writer } }));
  const chain = async () =>
    t.app.get(DataSource).query(`SELECT seq::int AS seq, prev_hash AS "prevHash", hash, object_id AS "objectId" FROM audit_events ORDER BY seq`) as Promise<
      { seq: number; prevHash: string; hash: string; objectId: string }[]
    >;

  it('appends in one statement while an instance writes alone', async () => {
    const repo = new AuditRepository(extra[0]);
    for (let i = 0; i < 5; i++) await repo.appendStandalone(events(`alone-${i}`, 1 + (i % 3)));
    // the first append had to read the head under its lock; the other four knew it
    expect(repo.standaloneStats).toEqual({ oneStatement: 4, locked: 1 });
    const rows = await chain();
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(await t.app.get(AuditVerifyService).verify({})).toMatchObject({ ok: true, checked: rows.length });
  });

  it('keeps one gap-free chain when instances and transactions append concurrently', async () => {
    const before = (await chain()).length;
    const repos = [t.app.get(AuditRepository), new AuditRepository(extra[0]), new AuditRepository(extra[1])];
    let written = 0;
    const standalone = repos.map(async (repo, w) => {
      for (let g = 0; g < 25; g++) {
        const n = 1 + ((g + w) % 4);
        const chained = await repo.appendStandalone(events(`w${w}-g${g}`, n));
        expect(chained).toHaveLength(n);
        written += n;
      }
    });
    // state changes append inside their own transactions, holding the head's lock meanwhile
    const transactional = (async () => {
      for (let g = 0; g < 10; g++) {
        await extra[1].transaction(async (m) => {
          await new AuditRepository(extra[1]).append(m, events(`tx-g${g}`, 2, 'test.change'));
          await new Promise((r) => setTimeout(r, 2));
        });
        written += 2;
      }
    })();
    await Promise.all([...standalone, transactional]);

    const rows = await chain();
    expect(rows).toHaveLength(before + written);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
    // every writer's events are there exactly once
    expect(new Set(rows.map((r) => r.objectId)).size).toBe(rows.length);
    const [head] = await t.app.get(DataSource).query('SELECT seq::int AS seq, hash FROM audit_chain_head');
    expect(head).toEqual({ seq: rows.length, hash: rows[rows.length - 1].hash });
    expect(await t.app.get(AuditVerifyService).verify({})).toMatchObject({ ok: true, checked: rows.length });
    // the writers met each other: some appends found the head moved and took the locked path
    const stats = repos.map((r) => r.standaloneStats);
    expect(stats.reduce((s, x) => s + x.locked, 0)).toBeGreaterThan(repos.length);
    expect(stats.reduce((s, x) => s + x.oneStatement + x.locked, 0)).toBe(75);
  });

  it('leaves nothing behind when the one-statement append is refused, and goes on behind the real head', async () => {
    const repo = new AuditRepository(extra[0]);
    await repo.appendStandalone(events('warm', 1));
    const before = await chain();
    // action is varchar(64): the statement fails as a whole
    await expect(repo.appendStandalone([...events('bad', 1), ...events('bad-long', 1, 'x'.repeat(65))])).rejects.toThrow();
    expect(await chain()).toEqual(before);
    await repo.appendStandalone(events('after', 2));
    const rows = await chain();
    expect(rows).toHaveLength(before.length + 2);
    expect(rows[before.length].prevHash).toBe(before[before.length - 1].hash);
    expect(await t.app.get(AuditVerifyService).verify({})).toMatchObject({ ok: true, checked: rows.length });
  });
});
