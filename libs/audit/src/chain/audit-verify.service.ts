import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { availableParallelism } from 'node:os';
import { GENESIS_HASH, hashEvent } from '../audit-event';
import { anchorSignatureValid } from '../anchors/anchor-signature';
import { AuditQueryRepository } from '../query/audit-query.repository';
import { ChainBreak, ChainFailure, ChainVerifier, RunSummary, VerifyResult } from './chain-verifier';
import { verifySlice } from './verify-slice';
import { VerifyThreads } from './verify-threads';

/** A range to verify: sequence numbers or times (ISO 8601); both ends optional. */
export interface VerifyRange {
  fromSeq?: string;
  toSeq?: string;
  from?: string;
  to?: string;
}

interface SliceOptions {
  /** Events per slice. */
  slice: number;
  /** Slices in flight at once (one connection each). */
  parallel: number;
  /** Hashing threads (0: this thread). */
  threads: number;
}

/** Ranges from this many events on are hashed on threads, one per core (at most 4). */
const THREADED_FROM = 100_000;
const THREADS = Math.max(1, Math.min(4, availableParallelism()));
const DEFAULTS = { slice: 50_000, parallel: 3 };

/**
 * Re-computes the hash chain from the stored events and checks it against the anchors (signed
 * checkpoints) and the chain head, so edits, deletions, reordering and a removed tail all show.
 */
@Injectable()
export class AuditVerifyService {
  constructor(
    private readonly repository: AuditQueryRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `options` override how the range is cut and spread (tests cut it into tiny slices). */
  async verify(range: VerifyRange = {}, options: Partial<SliceOptions> = {}): Promise<VerifyResult> {
    // anchors before the head: every anchor read then points at or below the head read next
    const anchors = await this.repository.anchors();
    const head = await this.repository.head();
    let fromSeq = range.fromSeq ? Number(range.fromSeq) : 1;
    let toSeq = range.toSeq ? Number(range.toSeq) : Number(head.seq);
    if (range.from || range.to) {
      const bounds = await this.repository.seqRangeForTime(range.from, range.to);
      if (bounds.fromSeq === null || bounds.toSeq === null) return { ok: true, checked: 0, anchorsChecked: 0 };
      fromSeq = Math.max(fromSeq, Number(bounds.fromSeq));
      toSeq = Math.min(toSeq, Number(bounds.toSeq));
    }
    const toEnd = toSeq >= Number(head.seq);
    toSeq = Math.min(toSeq, Math.max(Number(head.seq), Number(await this.repository.lastSeq())));

    const failures: ChainFailure[] = [];
    const anchored = new Map<number, string>();
    let anchorsChecked = 0;
    for (const a of anchors) {
      const seq = Number(a.seq);
      if (!anchorSignatureValid(this.config.audit.anchorKey, a.seq, a.hash, a.signature)) {
        failures.push({ seq, type: 'anchor_signature', reason: `anchor ${a.id} (seq ${a.seq}) has an invalid signature (forged or altered anchor)` });
      } else if (seq >= fromSeq && seq <= toSeq) {
        anchored.set(seq, a.hash);
        anchorsChecked++;
      }
    }

    const prevHash = fromSeq <= 1 ? GENESIS_HASH : await this.repository.hashAt(String(fromSeq - 1));
    const verifier = new ChainVerifier(fromSeq, prevHash, anchored);
    if (fromSeq <= toSeq) {
      const threads = options.threads ?? (toSeq - fromSeq + 1 >= THREADED_FROM ? THREADS : 0);
      await this.verifySlices(verifier, fromSeq, toSeq, anchored, { ...DEFAULTS, parallel: threads ? threads * 2 : DEFAULTS.parallel, ...options, threads });
    }
    if (verifier.failure) failures.push(await this.explain(verifier.failure));
    else {
      const last = verifier.lastSeq ?? fromSeq - 1;
      const missingTo = Math.max(toSeq, ...[...anchored.keys()]);
      const lastAnchor = anchors.length ? Math.max(...anchors.map((a) => Number(a.seq))) : 0;
      if (last < missingTo) {
        failures.push({ seq: last + 1, type: 'truncated', reason: `events ${last + 1}..${missingTo} missing at the end of the range (tail removed)` });
      } else if (toEnd && lastAnchor > last) {
        failures.push({ seq: last + 1, type: 'truncated', reason: `an anchor was signed for event ${lastAnchor}, the last stored event is ${last} (tail removed)` });
      } else if (toEnd && (String(last) !== head.seq || (last > 0 && verifier.lastHash !== head.hash))) {
        failures.push({ seq: Math.min(last, Number(head.seq)) + 1, type: 'truncated', reason: `the chain head (seq ${head.seq}) does not match the last stored event ${last} (tail removed or replaced)` });
      }
    }
    const result = verifier.result(anchorsChecked);
    if (!failures.length) return { ...result, ok: true };
    const first = failures.sort((a, b) => a.seq - b.seq)[0];
    return { ...result, ok: false, firstBrokenSeq: String(first.seq), breakType: first.type, reason: first.reason };
  }

  /**
   * Re-hashes fromSeq..toSeq in slices of `slice` events and joins them onto `verifier` in order.
   * Slices run `parallel` at a time, each streamed over its own connection (PostgreSQL reads on
   * several cores); with `threads`, the hashing too runs on that many threads. Memory does not
   * grow with the range: a finished slice is only its summary.
   */
  private async verifySlices(verifier: ChainVerifier, fromSeq: number, toSeq: number, anchored: ReadonlyMap<number, string>, o: SliceOptions): Promise<void> {
    const abort = { stop: false };
    const threads = o.threads > 0 ? new VerifyThreads(o.threads, this.config.database.url, anchored) : null;
    const runSlice = (lo: number, hi: number): Promise<RunSummary> => (threads ? threads.run(lo, hi) : verifySlice(this.repository, lo, hi, anchored, abort));
    const window: Promise<RunSummary>[] = [];
    let next = fromSeq;
    const fill = () => {
      while (window.length < o.parallel && next <= toSeq) {
        const run = runSlice(next, Math.min(next + o.slice - 1, toSeq));
        run.catch(() => undefined); // awaited below, in order
        window.push(run);
        next += o.slice;
      }
    };
    try {
      fill();
      while (window.length) {
        const run = await window.shift()!;
        if (!verifier.absorb(run)) return;
        fill();
      }
    } finally {
      abort.stop = true;
      await threads?.close();
      await Promise.allSettled(window);
    }
  }

  /** A hash mismatch may be a moved event: the stored hash fits the event at another position. */
  private async explain(f: ChainFailure): Promise<ChainFailure> {
    if (f.type !== 'hash_mismatch' && f.type !== 'broken_link') return f;
    const r = f.record ?? (await this.repository.record(String(f.seq)));
    if (!r) return f;
    const before = r.prevHash === GENESIS_HASH ? '0' : await this.repository.seqOfHash(r.prevHash);
    if (before === null) return f;
    const original = String(Number(before) + 1);
    if (original !== r.seq && hashEvent({ ...r, seq: original }) === r.hash) {
      return { ...f, type: 'reordered' as ChainBreak, reason: `event stored at seq ${r.seq} was written as seq ${original} (events reordered)` };
    }
    return f;
  }
}
