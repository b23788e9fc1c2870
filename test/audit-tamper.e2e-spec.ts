import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AUDIT_SELECT, AuditAnchorRepository, AuditVerifyService, AuditAnchorService, AuditService, hashEvent, signAnchor } from '@app/audit';
import { SystemClock, systemContext } from '@app/common';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, users } from './support/app';
import { bearer, routeFixtures, signUsers } from './support/audited-routes';
import { freshDatabase } from './support/database';

/**
 * Tampering as a database superuser would (triggers switched off with session_replication_role),
 * on a database of its own: verify must pinpoint every kind of change. Also: the app's role and
 * the trigger refuse rewrites, a change rolls back with its event, and an unwritable audit store
 * makes reads and changes fail with 503 instead of going unrecorded.
 */
describe('audit chain under tampering (isolated database)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let t: TestApp;
  let su: Client;
  let tokens: Map<string, string>;
  let anchors: AuditAnchorService;
  let last: number;

  beforeAll(async () => {
    db = await freshDatabase('audit_tamper');
    t = await startApp(RecordsApiModule, { env: { DATABASE_URL: db.url } });
    tokens = await signUsers(t);
    su = new Client({ connectionString: db.url });
    await su.connect();
    anchors = new AuditAnchorService(new AuditAnchorRepository(t.app.get(DataSource)), new SystemClock(), t.config);
    // some history: case files, documents, reads
    const fx = routeFixtures(t, tokens);
    for (let i = 0; i < 6; i++) {
      const cf = await fx.caseFile({ title: `Akte ${i}` });
      await fx.document(cf.id);
      await t.http().get(`/api/v1/case-files/${cf.id}`).set('Authorization', bearer(tokens, users.caseworker32)).expect(200);
    }
    expect(await anchors.anchorIfDue({ force: true })).toBeTruthy();
    last = Number((await su.query('SELECT max(seq) AS m FROM audit_events')).rows[0].m);
    expect(last).toBeGreaterThan(15);
  });
  afterAll(async () => {
    await su?.end();
    await t?.close();
    await db?.drop();
  });

  /**
   * The verification the endpoint runs, called directly: the endpoint would append its own
   * audit.verify event, which must not happen while the tail is cut off. (The endpoint itself is
   * checked at the start and the end.) Each verification runs with the default slices, with
   * slices of 1, 2, 3 and 5 events, and on two hashing threads, which must all give the same answer.
   */
  const verify = async (query = '') => {
    const p = new URLSearchParams(query.replace(/^\?/, ''));
    const range = { fromSeq: p.get('from') ?? undefined, toSeq: p.get('to') ?? undefined };
    const service = t.app.get(AuditVerifyService);
    const result = await service.verify(range);
    // the range is checked in slices joined afterwards: the same answer wherever the slices are cut
    for (const slice of [1, 2, 3, 5]) expect(await service.verify(range, { slice, parallel: 3, threads: 0 })).toEqual(result);
    // and on hashing threads (each slice over the thread's own connection)
    expect(await service.verify(range, { slice: 4, parallel: 4, threads: 2 })).toEqual(result);
    return result;
  };
  const verifyOverHttp = async () => (await t.http().get('/api/v1/audit/verify').set('Authorization', bearer(tokens, users.auditor)).expect(200)).body;
  /** Runs SQL as superuser with the append-only triggers off, as an attacker with DB access could. */
  const tamper = async (...statements: string[]) => {
    await su.query('BEGIN');
    await su.query('SET LOCAL session_replication_role = replica');
    for (const s of statements) await su.query(s);
    await su.query('COMMIT');
  };
  const row = async (seq: number) => (await su.query('SELECT seq, actor_sub, hash FROM audit_events WHERE seq = $1', [seq])).rows[0];
  /** Moves rows aside (superuser, triggers off) and puts them back exactly, microseconds included. */
  const removeRows = (where: string) =>
    tamper('DROP TABLE IF EXISTS tamper_backup', `CREATE TABLE tamper_backup AS SELECT * FROM audit_events WHERE ${where}`, `DELETE FROM audit_events WHERE ${where}`);
  const restoreRows = () => tamper('INSERT INTO audit_events SELECT * FROM tamper_backup', 'DROP TABLE tamper_backup');

  it('verifies the untouched chain, including the anchor', async () => {
    const result = await verifyOverHttp();
    expect(result).toMatchObject({ ok: true, firstSeq: '1' });
    expect(result.checked).toBeGreaterThanOrEqual(last);
    expect(result.anchorsChecked).toBe(1);
  });

  it('pinpoints an edited field', async () => {
    const k = 7;
    const before = await row(k);
    await tamper(`UPDATE audit_events SET actor_sub = 'mallory' WHERE seq = ${k}`);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: String(k), breakType: 'hash_mismatch' });
    expect(await verify(`?from=1&to=${k - 1}`)).toMatchObject({ ok: true, checked: k - 1 });
    expect(await verify(`?from=${k + 1}`)).toMatchObject({ ok: true });
    await tamper(`UPDATE audit_events SET actor_sub = ${before.actor_sub === null ? 'NULL' : `'${before.actor_sub}'`} WHERE seq = ${k}`);
    expect((await verify()).ok).toBe(true);
  });

  it('pinpoints an edit whose hash was re-computed: the successor no longer links', async () => {
    const k = 9;
    const original = (await su.query(`SELECT ${AUDIT_SELECT} FROM audit_events WHERE seq = $1`, [k])).rows[0];
    const forged = hashEvent({ ...original, reason: 'nachträglich' });
    await su.query('BEGIN');
    await su.query('SET LOCAL session_replication_role = replica');
    await su.query('UPDATE audit_events SET reason = $1, hash = $2 WHERE seq = $3', ['nachträglich', forged, k]);
    await su.query('COMMIT');
    const result = await verify();
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: String(k + 1), breakType: 'broken_link' });
    expect(result.reason).toContain(`hash of event ${k}`);
    await su.query('BEGIN');
    await su.query('SET LOCAL session_replication_role = replica');
    await su.query('UPDATE audit_events SET reason = $1, hash = $2 WHERE seq = $3', [original.reason, original.hash, k]);
    await su.query('COMMIT');
    expect((await verify()).ok).toBe(true);
  });

  it('pinpoints a deleted row', async () => {
    const k = 11;
    await removeRows(`seq = ${k}`);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: String(k), breakType: 'gap', reason: expect.stringContaining(`event ${k} missing`) });
    await restoreRows();
    expect((await verify()).ok).toBe(true);
  });

  it('pinpoints reordered rows (two events swapped)', async () => {
    const i = 5;
    const j = 8;
    await tamper(`UPDATE audit_events SET seq = -1 WHERE seq = ${i}`, `UPDATE audit_events SET seq = ${i} WHERE seq = ${j}`, `UPDATE audit_events SET seq = ${j} WHERE seq = -1`);
    const result = await verify();
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: String(i), breakType: 'reordered' });
    expect(result.reason).toContain(`written as seq ${j}`);
    await tamper(`UPDATE audit_events SET seq = -1 WHERE seq = ${i}`, `UPDATE audit_events SET seq = ${i} WHERE seq = ${j}`, `UPDATE audit_events SET seq = ${j} WHERE seq = -1`);
    expect((await verify()).ok).toBe(true);
  });

  it('pinpoints a truncated tail, even when the chain head is rewritten to match (anchors)', async () => {
    await anchors.anchorIfDue({ force: true });
    const head = (await su.query('SELECT seq::int AS seq, hash FROM audit_chain_head')).rows[0];
    const cut = head.seq - 2;
    await removeRows(`seq >= ${cut}`);
    expect((await su.query('SELECT count(*)::int AS n FROM tamper_backup')).rows[0].n).toBe(3);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: String(cut), breakType: 'truncated' });
    // a careful attacker also resets the head; the anchor signed earlier still names the lost events
    const newLast = await row(cut - 1);
    await tamper(`UPDATE audit_chain_head SET seq = ${cut - 1}, hash = '${newLast.hash}'`);
    const anchored = Number((await su.query('SELECT max(seq) AS m FROM audit_anchors')).rows[0].m);
    if (anchored >= cut) expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: String(cut), breakType: 'truncated' });
    else throw new Error(`test setup: the anchor (${anchored}) must lie in the removed tail (>= ${cut})`);
    await restoreRows();
    await su.query('UPDATE audit_chain_head SET seq = $1, hash = $2', [head.seq, head.hash]);
    expect((await verify()).ok).toBe(true);
  });

  it('rejects a forged anchor', async () => {
    const r = await row(4);
    await su.query('INSERT INTO audit_anchors (seq, hash, signature) VALUES ($1, $2, $3)', [4, r.hash, signAnchor('not-the-key', 4, r.hash)]);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: '4', breakType: 'anchor_signature' });
    await tamper("DELETE FROM audit_anchors WHERE signature <> '' AND seq = 4");
    expect((await verify()).ok).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE to the app role and, by trigger, to everybody', async () => {
    await su.query('BEGIN');
    await su.query('SET LOCAL ROLE eakte_app');
    await expect(su.query("UPDATE audit_events SET reason = 'x' WHERE seq = 1")).rejects.toThrow(/permission denied/);
    await su.query('ROLLBACK');
    for (const sql of ['DELETE FROM audit_events WHERE seq = 1', 'TRUNCATE audit_events', "UPDATE audit_anchors SET hash = repeat('0', 64)"]) {
      await su.query('BEGIN');
      await su.query('SET LOCAL ROLE eakte_app');
      await expect(su.query(sql)).rejects.toThrow(/permission denied/);
      await su.query('ROLLBACK');
    }
    // the app role may read and append
    const grants = (await su.query("SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = 'eakte_app' AND table_name = 'audit_events' ORDER BY 1")).rows.map((g) => g.privilege_type);
    expect(grants).toEqual(['INSERT', 'SELECT']);
    await expect(su.query("UPDATE audit_events SET reason = 'x' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(su.query('DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(su.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    expect((await verify()).ok).toBe(true);
  });

  it('rolls a change back together with its event', async () => {
    const ds = t.app.get(DataSource);
    const audit = t.app.get(AuditService);
    const ctx = systemContext('rollback-test', `rollback-${process.pid}`);
    await expect(
      ds.transaction(async (m) => {
        await m.query("INSERT INTO departments (code, name) VALUES ('RB1', 'Rollback-Amt')");
        await audit.record(m, ctx, { action: 'department.create', objectType: 'department', objectId: 'RB1' });
        throw new Error('something after the event failed');
      }),
    ).rejects.toThrow('something after the event failed');
    expect((await su.query("SELECT count(*)::int AS n FROM departments WHERE code = 'RB1'")).rows[0].n).toBe(0);
    expect((await su.query('SELECT count(*)::int AS n FROM audit_events WHERE request_id = $1', [ctx.requestId])).rows[0].n).toBe(0);
    // the chain head did not move either: the next event links to the last committed one
    expect((await verify()).ok).toBe(true);
  });

  it('answers 503 and changes nothing when the audit store cannot be written', async () => {
    const fx = routeFixtures(t, tokens);
    const cf = await fx.caseFile({ title: 'vor dem Ausfall' });
    const anna = bearer(tokens, users.caseworker32);
    const cases = async () => Number((await su.query('SELECT count(*) AS n FROM case_files')).rows[0].n);
    const before = await cases();
    const events = async () => Number((await su.query('SELECT count(*) AS n FROM audit_events')).rows[0].n);
    const eventsBefore = await events();
    await su.query('ALTER TABLE audit_events ADD CONSTRAINT no_writes CHECK (false) NOT VALID');
    try {
      const read = await t.http().get(`/api/v1/case-files/${cf.id}`).set('Authorization', anna).expect(503);
      expect(read.body.error.code).toBe('AuditUnavailable');
      // a dependency out of reach: the client is told when to try again (fault suite, postgres-restart)
      expect(read.headers['retry-after']).toBe('2');
      expect(read.body.title).toBeUndefined();
      const create = await t.http().post('/api/v1/case-files').set('Authorization', anna).send({ filePlanCode: '32.1.2', title: 'während des Ausfalls' }).expect(503);
      expect(create.body.error.code).toBe('AuditUnavailable');
      const close = await t.http().post(`/api/v1/case-files/${cf.id}/close`).set('Authorization', anna).expect(503);
      expect(close.body.error.code).toBe('AuditUnavailable');
      // a denied attempt that cannot be recorded is not answered as if it were
      const denied = await t.http().get('/api/v1/case-files').expect(503);
      expect(denied.headers['retry-after']).toBe('2');
      expect(await cases()).toBe(before);
      expect((await su.query('SELECT status FROM case_files WHERE id = $1', [cf.id])).rows[0].status).toBe('open');
      expect(await events()).toBe(eventsBefore);
    } finally {
      await su.query('ALTER TABLE audit_events DROP CONSTRAINT no_writes');
    }
    await t.http().get(`/api/v1/case-files/${cf.id}`).set('Authorization', anna).expect(200);
    expect((await verifyOverHttp()).ok).toBe(true);
  });

  it('re-hashes an event the fast rendering cannot render the slow way, and goes on after it', async () => {
    // a genuine event of a shape the application never writes (a two-dimensional roles array),
    // hashed over the record as read back, appended with a normal event after it
    const head = (await su.query('SELECT seq::int AS seq, hash FROM audit_chain_head')).rows[0];
    const odd = { ...(await su.query(`SELECT ${AUDIT_SELECT} FROM audit_events WHERE seq = $1`, [head.seq])).rows[0] };
    let prev = head.hash;
    for (const [i, roles] of [[1, '{{caseworker,auditor}}'], [2, '{caseworker}']] as const) {
      const seq = head.seq + i;
      await su.query(
        `INSERT INTO audit_events (seq, id, occurred_at, actor_sub, actor_name, actor_roles, actor_departments, action, outcome, prev_hash, hash)
         VALUES ($1, gen_random_uuid(), now(), 'odd.shape', 'Odd Shape', $2::text[], '{32}', 'test.odd', 'success', $3, repeat('0', 64))`,
        [seq, roles, prev],
      );
      const record = (await su.query(`SELECT ${AUDIT_SELECT} FROM audit_events WHERE seq = $1`, [seq])).rows[0];
      if (i === 1) expect(record.actorRoles).toEqual([['caseworker', 'auditor']]);
      prev = hashEvent({ ...odd, ...record, prevHash: prev });
      await tamper(`UPDATE audit_events SET hash = '${prev}' WHERE seq = ${seq}`);
    }
    await su.query('UPDATE audit_chain_head SET seq = $1, hash = $2', [head.seq + 2, prev]);
    const result = await verify();
    expect(result).toMatchObject({ ok: true, lastSeq: String(head.seq + 2) });
    expect(result.checked).toBe(head.seq + 2);
    // and a real edit after the odd event is still found
    await tamper(`UPDATE audit_events SET actor_name = 'Mallory' WHERE seq = ${head.seq + 2}`);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: String(head.seq + 2), breakType: 'hash_mismatch' });
  });
});
