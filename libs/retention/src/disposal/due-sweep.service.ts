import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { Clock, RequestContext } from '@app/common';
import { DisposalRepository, SweepCursor } from './disposal.repository';

export interface SweepResult {
  marked: number;
  at: string;
  durationMs: number;
}

const BATCH = 10_000;
const LISTED = 1_000;

/**
 * The due sweep: closed case files whose retainUntil has passed and that carry no active hold
 * become `due` for disposal. Open files (not zdA), files kept forever (retainUntil null), held
 * files and files already in a disposal offer are never touched. Runs as the repeatable
 * RetentionSweepJob in the worker and on demand (POST /api/v1/disposal/sweep).
 */
@Injectable()
export class DueSweepService {
  private readonly logger = new Logger(DueSweepService.name);

  constructor(
    private readonly disposals: DisposalRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async sweep(ctx: RequestContext): Promise<SweepResult> {
    const started = Date.now();
    const now = this.clock.now();
    const marked: string[] = [];
    let total = 0;
    let after: SweepCursor | null = null;
    for (;;) {
      const { ids, last } = await this.disposals.markDueBatch(now, BATCH, after);
      total += ids.length;
      if (marked.length < LISTED) marked.push(...ids.slice(0, LISTED - marked.length));
      if (ids.length < BATCH || !last) break;
      after = last;
    }
    await this.disposals.transaction((m) =>
      this.audit.record(m, ctx, {
        action: 'retention.sweep',
        objectType: 'disposal',
        details: { asOf: now.toISOString(), marked: total, caseFileIds: marked, listed: marked.length < total ? `first ${LISTED}` : 'all' },
      }),
    );
    const result = { marked: total, at: now.toISOString(), durationMs: Date.now() - started };
    this.logger.log(result, 'retention sweep done');
    return result;
  }
}
