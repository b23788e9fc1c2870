import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { createHash } from 'node:crypto';
import { AuditRecord, GENESIS_HASH, canonicalJson, hashEvent } from '../audit-event';
import { anchorSignatureValid } from '../anchors/anchor-signature';
import { AuditQueryRepository } from '../query/audit-query.repository';
import { ChainBreak, ChainFailure, ChainVerifier, VerifyResult } from './chain-verifier';

/** A range to verify: sequence numbers or times (ISO 8601); both ends optional. */
export interface VerifyRange {
  fromSeq?: string;
  toSeq?: string;
  from?: string;
  to?: string;
}

const BATCH = 10_000;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

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

  async verify(range: VerifyRange = {}): Promise<VerifyResult> {
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
      outer: for await (const batch of this.repository.canonicalBatches({ fromSeq: String(fromSeq), toSeq: String(toSeq) }, BATCH)) {
        for (const [seq, head, details, prev, hash] of batch) {
          let computed = sha256(head + (details === null ? 'null' : canonicalJson(JSON.parse(details))) + ',"' + prev + '"]');
          let record: AuditRecord | undefined;
          if (computed !== hash) {
            // confirm on the full event as the app hashed it (and keep it to explain the break)
            record = (await this.repository.record(seq)) ?? undefined;
            if (record) computed = hashEvent(record);
          }
          if (!verifier.check(seq, prev, hash, computed, record)) break outer;
        }
      }
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

  /** A hash mismatch may be a moved event: the stored hash fits the event at another position. */
  private async explain(f: ChainFailure): Promise<ChainFailure> {
    if (!f.record || (f.type !== 'hash_mismatch' && f.type !== 'broken_link')) return f;
    const r = f.record;
    const before = r.prevHash === GENESIS_HASH ? '0' : await this.repository.seqOfHash(r.prevHash);
    if (before === null) return f;
    const original = String(Number(before) + 1);
    if (original !== r.seq && hashEvent({ ...r, seq: original }) === r.hash) {
      return { ...f, type: 'reordered' as ChainBreak, reason: `event stored at seq ${r.seq} was written as seq ${original} (events reordered)` };
    }
    return f;
  }
}
