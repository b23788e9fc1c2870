import type { Pool } from 'pg';
import { AUDIT_COLUMNS, AUDIT_SELECT, AuditRecord, hashEvent } from '../audit-event';
import { BinaryCopyReader, CanonicalRenderer, CopyTuple } from './canonical-copy';
import { ChainVerifier } from './chain-verifier';
import { copyOut } from './copy-out';

/** Where a slice's events come from (the app's pool, or a verify thread's own). */
export interface SliceSource {
  /**
   * Streams events lo..hi in order (binary COPY of AUDIT_COLUMNS) into `onData` until it returns
   * false; resolves true when all were read, false when stopped.
   */
  copyRange(lo: number, hi: number, onData: (chunk: Buffer, from: number, to: number) => boolean): Promise<boolean>;
  /** One event as the application reads it (the slow, exact path). */
  record(seq: string): Promise<AuditRecord | null>;
}

/** A SliceSource over a pg pool. */
export function poolSource(pool: Pool): SliceSource {
  return {
    async copyRange(lo, hi, onData) {
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) throw new Error('copyRange: sequence numbers must be integers');
      const client = await pool.connect();
      let finished = false;
      try {
        finished = await copyOut(client, `COPY (SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_events WHERE seq >= ${lo} AND seq <= ${hi} ORDER BY seq) TO STDOUT (FORMAT binary)`, onData);
        return finished;
      } finally {
        client.release(!finished); // a COPY stopped half-way leaves the connection unusable: closed
      }
    },
    async record(seq) {
      const { rows } = await pool.query(`SELECT ${AUDIT_SELECT} FROM audit_events WHERE seq = $1::bigint`, [seq]);
      return (rows[0] as AuditRecord | undefined) ?? null;
    },
  };
}

/**
 * Re-hashes the events lo..hi on their own: a run that ChainVerifier.absorb joins onto the chain.
 * Each event is rendered from the COPY stream (canonical-copy.ts). At one whose rendering does
 * not match its hash the stream is left; the event is re-hashed from the full record as the
 * application hashed it, and if it holds after all, the slice goes on after it with a new COPY.
 * Stops at the first break, or when `abort.stop` is set.
 */
export async function verifySlice(source: SliceSource, lo: number, hi: number, anchored: ReadonlyMap<number, string>, abort: { stop: boolean } = { stop: false }): Promise<ChainVerifier> {
  const run = new ChainVerifier(null, null, anchored);
  const renderer = new CanonicalRenderer();
  for (let from = lo; from <= hi; ) {
    const reader = new BinaryCopyReader(AUDIT_COLUMNS.length);
    let suspect: { seq: string; prevHash: string; hash: string } | null = null;
    const onTuple = (t: CopyTuple): boolean => {
      const { prevHash, hash } = renderer.chain(t);
      const seq = String(renderer.seq(t));
      const computed = renderer.hash(t);
      if (computed === hash) return run.check(seq, prevHash, hash, computed) && !abort.stop;
      suspect = { seq, prevHash, hash };
      return false;
    };
    await source.copyRange(from, hi, (chunk, start, end) => reader.pushRange(chunk, start, end, onTuple));
    if (run.failure || abort.stop || !suspect) return run;
    const s: { seq: string; prevHash: string; hash: string } = suspect;
    const record = (await source.record(s.seq)) ?? undefined;
    if (!run.check(s.seq, s.prevHash, s.hash, record ? hashEvent(record) : '', record)) return run;
    from = Number(s.seq) + 1;
  }
  return run;
}
