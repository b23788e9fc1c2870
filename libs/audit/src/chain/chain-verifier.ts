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

/**
 * Re-computes the hash chain over events pushed in sequence order and stops at the first break.
 * Pure and streaming: memory does not grow with the number of events.
 */
export class ChainVerifier {
  checked = 0;
  firstSeq: number | null = null;
  lastSeq: number | null = null;
  lastHash: string | null = null;
  failure: ChainFailure | null = null;
  private expectedSeq: number;
  private expectedPrev: string | null;

  /**
   * @param startSeq the first sequence number expected (1 for the whole chain)
   * @param prevHash the hash the first event must link to (genesis for seq 1), null if unknown
   */
  constructor(
    startSeq = 1,
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
    if (seq !== this.expectedSeq) {
      return this.fail(
        this.expectedSeq,
        seq > this.expectedSeq ? 'gap' : 'reordered',
        seq > this.expectedSeq
          ? `event${seq - this.expectedSeq > 1 ? `s ${this.expectedSeq}..${seq - 1}` : ` ${this.expectedSeq}`} missing (deleted)`
          : `event ${seq} out of order`,
      );
    }
    if (computed !== r.hash) return this.fail(seq, 'hash_mismatch', `event ${seq} does not match its hash (content edited)`, record);
    if (this.expectedPrev !== null && r.prevHash !== this.expectedPrev) {
      return this.fail(seq, 'broken_link', `event ${seq} does not link to the hash of event ${seq - 1} (predecessor rewritten or replaced)`, record);
    }
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
