import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { AUDIT_COLUMNS, AUDIT_SELECT, AuditRecord, hashEvent } from '../audit-event';
import { BinaryCopyReader, CanonicalRenderer, CopyTuple } from './canonical-copy';
import { ChainVerifier } from './chain-verifier';

/** Where a slice's events come from (the app's pool, or a verify thread's own). */
export interface SliceSource {
  /**
   * Events lo..hi in order as a binary COPY stream of AUDIT_COLUMNS. The caller calls `done()`
   * when finished, `done(true)` when it stops early (the connection, still copying, is closed).
   */
  copyRange(lo: number, hi: number): Promise<{ chunks: AsyncIterable<Buffer>; done(abandon?: boolean): void }>;
  /** One event as the application reads it (the slow, exact path). */
  record(seq: string): Promise<AuditRecord | null>;
}

/** A COPY … TO STDOUT (FORMAT binary) on a connection of its own (see SliceSource.copyRange; `done` may be called again). */
export async function copyQuery(pool: Pool, sql: string): Promise<{ chunks: AsyncIterable<Buffer>; done(abandon?: boolean): void }> {
  const client: PoolClient = await pool.connect();
  try {
    const chunks = client.query(copyTo(sql));
    let released = false;
    const done = (abandon = false) => {
      if (released) return;
      released = true;
      client.release(abandon);
    };
    return { chunks, done };
  } catch (e) {
    client.release(true);
    throw e;
  }
}

/** A SliceSource over a pg pool. */
export function poolSource(pool: Pool): SliceSource {
  return {
    copyRange(lo, hi) {
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) throw new Error('copyRange: sequence numbers must be integers');
      return copyQuery(pool, `COPY (SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_events WHERE seq >= ${lo} AND seq <= ${hi} ORDER BY seq) TO STDOUT (FORMAT binary)`);
    },
    async record(seq) {
      const { rows } = await pool.query(`SELECT ${AUDIT_SELECT} FROM audit_events WHERE seq = $1::bigint`, [seq]);
      return (rows[0] as AuditRecord | undefined) ?? null;
    },
  };
}

const EMPTY = Buffer.alloc(0);

/**
 * Re-hashes the events lo..hi on their own: a run that ChainVerifier.absorb joins onto the chain.
 * Each event is rendered from the COPY stream (canonical-copy.ts); one whose rendering does not
 * match its hash is re-hashed from the full event as the application hashed it before it counts
 * as broken. Stops at the first break, or when `abort.stop` is set.
 */
export async function verifySlice(source: SliceSource, lo: number, hi: number, anchored: ReadonlyMap<number, string>, abort: { stop: boolean } = { stop: false }): Promise<ChainVerifier> {
  const run = new ChainVerifier(null, null, anchored);
  const reader = new BinaryCopyReader(AUDIT_COLUMNS.length);
  const renderer = new CanonicalRenderer();
  let suspect: { seq: string; prevHash: string; hash: string } | null = null;
  const onTuple = (t: CopyTuple): boolean => {
    const { prevHash, hash } = renderer.chain(t);
    const seq = String(renderer.seq(t));
    const computed = renderer.hash(t);
    if (computed === hash) return run.check(seq, prevHash, hash, computed);
    suspect = { seq, prevHash, hash };
    return false;
  };
  const copy = await source.copyRange(lo, hi);
  let finished = false;
  try {
    for await (const chunk of copy.chunks) {
      let data: Buffer = chunk;
      while (!reader.push(data, onTuple)) {
        if (run.failure || abort.stop || !suspect) return run;
        const s: { seq: string; prevHash: string; hash: string } = suspect;
        suspect = null;
        const record = (await source.record(s.seq)) ?? undefined;
        if (!run.check(s.seq, s.prevHash, s.hash, record ? hashEvent(record) : '', record)) return run;
        data = EMPTY;
      }
      if (abort.stop) return run;
    }
    finished = true;
    return run;
  } finally {
    copy.done(!finished);
  }
}
