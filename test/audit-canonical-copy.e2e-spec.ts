import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Pool, type PoolClient } from 'pg';
import { AUDIT_COLUMNS, AuditRecord, BinaryCopyReader, CanonicalRenderer, GENESIS_HASH, canonicalEvent, copyOut, copyOutPaced, formatMicros, hashEvent } from '@app/audit';

/**
 * The verifier renders events straight from PostgreSQL's binary COPY format (read by copyOut). Its bytes must be
 * exactly those the application hashes (canonicalEvent) for every kind of value an event may hold,
 * and the tuple reader must not depend on where the stream is cut into chunks.
 */
describe('canonical rendering from binary COPY (real PostgreSQL)', () => {
  let db: Client;
  const records: AuditRecord[] = [];

  const base = (seq: number, patch: Partial<AuditRecord>): AuditRecord => {
    const r: Omit<AuditRecord, 'hash'> = {
      seq: String(seq),
      id: randomUUID(),
      occurredAt: formatMicros(BigInt(Date.UTC(2026, 10, 28, 1, 2, 3)) * 1000n + BigInt(seq * 7919)),
      actorSub: 'anna.schmidt',
      actorName: 'Anna Schmidt',
      actorRoles: ['caseworker'],
      actorDepartments: ['32'],
      action: 'document.read',
      objectType: 'document',
      objectId: randomUUID(),
      caseFileId: randomUUID(),
      outcome: 'success',
      requestId: randomUUID(),
      clientIp: '10.1.2.3',
      reason: null,
      details: null,
      prevHash: GENESIS_HASH,
      ...patch,
    };
    return { ...r, hash: hashEvent(r) };
  };

  beforeAll(async () => {
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    await db.query('CREATE TEMP TABLE copy_events (LIKE audit_events)');
    const variants: Partial<AuditRecord>[] = [
      {},
      { actorSub: null, actorName: null, actorRoles: [], actorDepartments: [], objectType: null, objectId: null, caseFileId: null, requestId: null, clientIp: null },
      { actorName: 'Jürgen Müller-Straße ß €', reason: 'Akte „Bauantrag“ wieder geöffnet' },
      { actorName: 'Zitat "mit" Anführungszeichen', reason: 'Backslash \\ und Tab\tund\nZeilenumbruch\r\u0001\u001f' },
      { actorName: 'astral 𝔈-Akte 😀 and \u2028 line separator', objectId: '../../etc/passwd' },
      { actorRoles: ['caseworker', 'records_manager', 'auditor'], actorDepartments: ['32', '50', 'a"b', 'c\\d', ''] },
      { details: { b: 1, a: 'x', ä: true, Z: null, nested: { z: [1, 2.5, -3, { y: 'q', x: [] }], a: {} } } },
      { details: { big: 1234567890123, small: 0.000001, neg: -0.5, exp: 1e21, text: 'Ä"\\\n' } },
      { details: { '': 'empty key', 'a b': 'space', '\u00e9': 'e acute', e: 'e', '😀': 'astral key' } },
      { outcome: 'denied', action: 'case_file.read', reason: 'other department' },
      // flat objects (rendered without parsing): key order, prefixes, punctuation below the quote, numbers, literals
      { details: { reference: '32.1.2-2026/00001', documents: 3 } },
      { details: { b: 1, a: 2, ab: 3, 'a!': 4, 'a b': 5, B: 6, _: 7, aa: 8, '': 9 } },
      { details: { t: true, f: false, n: null, neg: -12, dec: 2.5, tiny: 0.000001, tinier: 1e-7, big: 123456789012345678, huge: 1e21 } },
      { details: { umlaut: 'Größe €', emoji: '😀', quote: 'a"b', slash: 'a/b\\c', tab: 'a\tb' } },
      { details: {} },
      { details: { list: ['a', 1], nested: { b: 1 } } },
      { occurredAt: '2026-01-01T00:00:00.000000Z' },
      { occurredAt: '1999-12-31T23:59:59.999999Z' },
    ];
    let prev = GENESIS_HASH;
    variants.forEach((v, i) => {
      const r = base(i + 1, { ...v, prevHash: prev });
      prev = r.hash;
      records.push(r);
    });
    for (const r of records) {
      await db.query(
        `INSERT INTO copy_events (${AUDIT_COLUMNS.join(', ')}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        [r.seq, r.id, r.occurredAt, r.actorSub, r.actorName, r.actorRoles, r.actorDepartments, r.action, r.objectType, r.objectId, r.caseFileId, r.outcome, r.requestId, r.clientIp, r.reason, r.details === null ? null : JSON.stringify(r.details), r.prevHash, r.hash],
      );
    }
  });
  afterAll(async () => {
    await db?.end();
  });

  /** The whole COPY output of copy_events, in order. */
  async function copyBytes(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const finished = await copyOut(db as unknown as PoolClient, `COPY (SELECT ${AUDIT_COLUMNS.join(', ')} FROM copy_events ORDER BY seq) TO STDOUT (FORMAT binary)`, (chunk, from, to) => {
      chunks.push(Buffer.from(chunk.subarray(from, to)));
      return true;
    });
    expect(finished).toBe(true);
    return Buffer.concat(chunks);
  }

  /** Renders every tuple of `bytes`, fed to the reader in pieces of `piece` bytes. */
  function renderAll(bytes: Buffer, piece: number): { seq: number; text: string; hash: string | null; stored: string }[] {
    const reader = new BinaryCopyReader(AUDIT_COLUMNS.length);
    const renderer = new CanonicalRenderer();
    const out: { seq: number; text: string; hash: string | null; stored: string }[] = [];
    for (let i = 0; i < bytes.length; i += piece) {
      reader.push(bytes.subarray(i, i + piece), (t) => {
        out.push({ seq: renderer.seq(t), text: renderer.render(t)?.toString('utf8') ?? '', hash: renderer.hash(t), stored: renderer.chain(t).hash });
        return true;
      });
    }
    return out;
  }

  it('renders every event to exactly the text the application hashed', async () => {
    const rendered = renderAll(await copyBytes(), 1 << 20);
    expect(rendered.map((r) => r.seq)).toEqual(records.map((r) => Number(r.seq)));
    rendered.forEach((r, i) => {
      expect(r.text).toBe(canonicalEvent(records[i]));
      expect(r.hash).toBe(records[i].hash);
      expect(r.stored).toBe(records[i].hash);
    });
  });

  it('gives the same tuples however the stream is cut into chunks', async () => {
    const bytes = await copyBytes();
    const whole = renderAll(bytes, bytes.length);
    for (const piece of [1, 2, 3, 7, 19, 64, 333]) expect(renderAll(bytes, piece)).toEqual(whole);
  });

  it('stops at a tuple when asked and goes on from there', async () => {
    const bytes = await copyBytes();
    const reader = new BinaryCopyReader(AUDIT_COLUMNS.length);
    const renderer = new CanonicalRenderer();
    const seen: number[] = [];
    const onTuple = (t: Parameters<Parameters<BinaryCopyReader['push']>[1]>[0]) => {
      seen.push(renderer.seq(t));
      return seen.length % 3 !== 0;
    };
    let stops = 0;
    let more = reader.push(bytes, onTuple);
    while (!more) {
      stops++;
      more = reader.push(Buffer.alloc(0), onTuple);
    }
    expect(seen).toEqual(records.map((r) => Number(r.seq)));
    expect(stops).toBe(Math.floor(records.length / 3));
  });

  it('does not render an edited row to the text its hash was taken over', async () => {
    await db.query(`UPDATE copy_events SET actor_name = 'Zitat \\"mit\\" Anführungszeichen' WHERE seq = 4`);
    await db.query(`UPDATE copy_events SET details = jsonb_set(details, '{b}', '2') WHERE seq = 7`);
    await db.query(`UPDATE copy_events SET actor_departments = '{32,50,"a\\"b","c\\\\d",""," "}' WHERE seq = 6`);
    const rendered = renderAll(await copyBytes(), 4096);
    const changed = rendered.filter((r) => r.hash !== r.stored).map((r) => r.seq);
    expect(changed).toEqual([4, 6, 7]);
  });

  it('hands a connection back in working order after a paced COPY, even one paused at its last row', async () => {
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    try {
      for (const rows of [1, 3, 2000]) {
        const client = await pool.connect();
        let bytes = 0;
        let waiting = 0;
        // ready as soon as anything waits: the socket is paused after every row, the last one included
        const copy = copyOutPaced(client, `COPY (SELECT g, repeat('x', 100) FROM generate_series(1, ${rows}) g) TO STDOUT`, (_, from, to) => {
          bytes += to - from;
          waiting += to - from;
        }, () => waiting > 0);
        let steps = 0;
        for await (const _ of copy.steps) {
          steps++;
          waiting = 0;
        }
        copy.close();
        expect(bytes).toBeGreaterThan(rows * 100);
        expect(steps).toBeGreaterThan(0);
        // the same (only) connection answers the next query
        const answer = await Promise.race([pool.query('SELECT 42 AS x'), new Promise((_, reject) => setTimeout(() => reject(new Error('the connection hangs after the COPY')), 5000))]);
        expect((answer as { rows: { x: number }[] }).rows[0].x).toBe(42);
      }
    } finally {
      await pool.end();
    }
  });
});
