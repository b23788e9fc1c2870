import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Clock } from '@app/common';
import { AnchorRow, AuditAnchorRepository } from './audit-anchor.repository';
import { signAnchor } from './anchor-signature';

/**
 * Writes signed checkpoints of the chain head (HMAC-SHA256 with AUDIT_ANCHOR_KEY) into
 * audit_anchors: when AUDIT_ANCHOR_EVERY events were appended since the last anchor, or
 * AUDIT_ANCHOR_MINUTES passed and the chain grew. Removing events at the tail then shows
 * in verification, because an anchor names an event that no longer exists.
 */
@Injectable()
export class AuditAnchorService {
  private readonly logger = new Logger(AuditAnchorService.name);

  constructor(
    private readonly repository: AuditAnchorRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Writes an anchor if one is due (or `force`d and the chain grew); returns it, or null. */
  anchorIfDue(options: { force?: boolean } = {}): Promise<AnchorRow | null> {
    return this.repository.locked(async (m) => {
      const head = await this.repository.head(m);
      const last = await this.repository.last(m);
      const now = this.clock.now();
      const grown = BigInt(head.seq) - BigInt(last?.seq ?? '0');
      if (grown <= 0n) return null;
      const minutes = last ? (now.getTime() - new Date(last.createdAt).getTime()) / 60_000 : Infinity;
      const due = options.force || grown >= BigInt(this.config.audit.anchorEvery) || minutes >= this.config.audit.anchorMinutes;
      if (!due) return null;
      const anchor = await this.repository.insert(m, {
        seq: head.seq,
        hash: head.hash,
        signature: signAnchor(this.config.audit.anchorKey, head.seq, head.hash),
        createdAt: now,
      });
      this.logger.log({ seq: anchor.seq }, 'audit chain anchored');
      return anchor;
    });
  }
}
