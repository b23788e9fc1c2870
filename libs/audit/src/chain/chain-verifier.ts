import { AuditRecord, GENESIS_HASH, hashEvent } from '../audit-event';

/** Why a chain does not verify. */
export type ChainBreak =
  | 'gap' // an event is missing (deleted row)
  | 'hash_mismatch' // an event's content no longer matches its hash (edited field)
  | 'reordered' // an event sits at another sequence number than it was written with
  | 'broken_link' // an event's prev_hash is not its predecessor's hash (rewritten predecessor)
  | 'truncated' // events at the tail are missing (anchor or chain head point past the last event)
  | 'anchor_signature' // an anchor's signature does not verify with the anchor key
  | 'anchor_mismatch'; // an anchored (seq, hash) pair no longer matches the event

export interface VerifyResult {
  ok: boolean;
  /** Events re-hashed. */
  checked: number;
  firstSeq?: string;
  lastSeq?: string;
  anchorsChecked?: number;
  firstBrokenSeq?: string;
  breakType?: ChainBreak;
  reason?: string;
}

export interface ChainFailure {
  seq: number;
  type: ChainBreak;
  reason: string;
  record?: AuditRecord;
}

/** What `absorb` needs of a run verified on its own (a ChainVerifier, or one sent by a verify thread). */
export interface RunSummary {
  first: { seq: number; prevHash: string } | null;
  failure: ChainFailure | null;
  checked: number;
  firstSeq: number | null;
  lastSeq: number | null;
  lastHash: string | null;
}

/**
 * Re-computes the hash chain over events pushed in sequence order and stops at the first break.
 * Pure and streaming: memory does not grow with the number of events.
 */
export class ChainVerifier implements RunSummary {
  checked = 0;
  /** The first event pushed (even one that failed): where a separately verified run is joined on. */
  first: { seq: number; prevHash: string } | null = null;
  firstSeq: number | null = null;
  lastSeq: number | null = null;
  lastHash: string | null = null;
  failure: ChainFailure | null = null;
  private expectedSeq: number | null;
  private expectedPrev: string | null;

  /**
   * @param startSeq the first sequence number expected (1 for the whole chain); null: whatever comes
   *   first (a run that `absorb` joins onto the chain before it)
   * @param prevHash the hash the first event must link to (genesis for seq 1), null if unknown
   */
  constructor(
    startSeq: number | null = 1,
    prevHash: string | null = startSeq === 1 ? GENESIS_HASH : null,
    private readonly anchors: ReadonlyMap<number, string> = new Map(),
  ) {
    this.expectedSeq = startSeq;
    this.expectedPrev = prevHash;
  }

  /** Checks one event; false once the chain is broken (further pushes are ignored). */
  push(r: AuditRecord): boolean {
    return this.check(r.seq, r.prevHash, r.hash, hashEvent(r), r);
  }

  /**
   * Checks one event given its re-computed hash (`computed`), e.g. from the canonical text built
   * by the database. `record` (the full event) is only needed to explain a break.
   */
  check(seqText: string, prevHash: string, hash: string, computed: string, record?: AuditRecord): boolean {
    if (this.failure) return false;
    const r = { seq: seqText, prevHash, hash };
    const seq = Number(seqText);
    if (!this.first) this.first = { seq, prevHash };
    if (this.expectedSeq === null) this.expectedSeq = seq;
    if (seq !== this.expectedSeq) return this.sequenceBroken(seq);
    if (computed !== r.hash) return this.fail(seq, 'hash_mismatch', `event ${seq} does not match its hash (content edited)`, record);
    if (this.expectedPrev !== null && r.prevHash !== this.expectedPrev) return this.linkBroken(seq, record);
    const anchored = this.anchors.get(seq);
    if (anchored !== undefined && anchored !== r.hash) {
      return this.fail(seq, 'anchor_mismatch', `event ${seq} does not match the hash anchored for it (chain rewritten)`, record);
    }
    if (this.firstSeq === null) this.firstSeq = seq;
    this.lastSeq = seq;
    this.lastHash = r.hash;
    this.expectedSeq = seq + 1;
    this.expectedPrev = r.hash;
    this.checked++;
    return true;
  }

  /**
   * Joins a run of events verified on its own (constructed with `startSeq` null, e.g. one slice of
   * a range checked in parallel) onto this chain, as if its events had been pushed here: the run
   * must start at the next sequence number and link to the last hash, and its first break counts.
   */
  absorb(run: RunSummary): boolean {
    if (this.failure) return false;
    if (!run.first) return true;
    const { seq, prevHash } = run.first;
    if (this.expectedSeq === null) this.expectedSeq = seq;
    if (seq !== this.expectedSeq) return this.sequenceBroken(seq);
    const f = run.failure;
    if (f && f.seq === seq && f.type === 'hash_mismatch') return this.fail(f.seq, f.type, f.reason, f.record);
    if (this.expectedPrev !== null && prevHash !== this.expectedPrev) return this.linkBroken(seq, f?.seq === seq ? f.record : undefined);
    this.checked += run.checked;
    if (run.lastSeq !== null) {
      if (this.firstSeq === null) this.firstSeq = run.firstSeq;
      this.lastSeq = run.lastSeq;
      this.lastHash = run.lastHash;
      this.expectedSeq = run.lastSeq + 1;
      this.expectedPrev = run.lastHash;
    }
    return f ? this.fail(f.seq, f.type, f.reason, f.record) : true;
  }

  private sequenceBroken(seq: number): false {
    const expected = this.expectedSeq ?? seq;
    return this.fail(
      expected,
      seq > expected ? 'gap' : 'reordered',
      seq > expected ? `event${seq - expected > 1 ? `s ${expected}..${seq - 1}` : ` ${expected}`} missing (deleted)` : `event ${seq} out of order`,
    );
  }

  private linkBroken(seq: number, record?: AuditRecord): false {
    return this.fail(seq, 'broken_link', `event ${seq} does not link to the hash of event ${seq - 1} (predecessor rewritten or replaced)`, record);
  }

  fail(seq: number, type: ChainBreak, reason: string, record?: AuditRecord): false {
    if (!this.failure) this.failure = { seq, type, reason, record };
    return false;
  }

  result(anchorsChecked?: number): VerifyResult {
    const base: VerifyResult = {
      ok: !this.failure,
      checked: this.checked,
      ...(this.firstSeq !== null ? { firstSeq: String(this.firstSeq) } : {}),
      ...(this.lastSeq !== null ? { lastSeq: String(this.lastSeq) } : {}),
      ...(anchorsChecked !== undefined ? { anchorsChecked } : {}),
    };
    if (!this.failure) return base;
    return { ...base, firstBrokenSeq: String(this.failure.seq), breakType: this.failure.type, reason: this.failure.reason };
  }
}
