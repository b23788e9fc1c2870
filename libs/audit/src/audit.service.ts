import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DomainError, ErrorCode, RequestContext } from '@app/common';
import { Metrics } from '@app/metrics';
import { AuditEventInput, AuditRecord, UnchainedAuditRecord, buildRecord } from './audit-event';
import { AuditRepository } from './audit.repository';

interface Pending {
  record: UnchainedAuditRecord;
  resolve: () => void;
  reject: (e: Error) => void;
}

const MAX_GROUP = 500;

/**
 * The one way to write the audit trail.
 * - {@link record}: for state changes, inside the caller's transaction (commits or rolls back with it).
 * - {@link recordAccess}: for reads and denied attempts; awaited before the response is sent.
 *   Concurrent calls are group-committed in one transaction, so auditing reads stays cheap.
 * If the audit store cannot be written the call fails with `AuditUnavailable` (503).
 */
@Injectable()
export class AuditService implements OnModuleDestroy {
  private readonly logger = new Logger(AuditService.name);
  private pending: Pending[] = [];
  private flushing: Promise<void> | null = null;
  /** `eakte_audit_append_duration_seconds{mode}`: in the caller's transaction, or a group of reads/denials. */
  private readonly appendTimer?: (mode: 'transaction' | 'group') => () => void;

  constructor(
    private readonly repository: AuditRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() metrics?: Metrics,
  ) {
    const h = metrics?.histogram({ name: 'eakte_audit_append_duration_seconds', help: 'Audit trail append latency by mode', labelNames: ['mode'] as const });
    if (h) this.appendTimer = (mode) => h.startTimer({ mode });
  }

  get enabled(): boolean {
    return this.config.audit.enabled;
  }

  async record(manager: EntityManager, ctx: RequestContext, input: AuditEventInput): Promise<AuditRecord | null> {
    const [rec] = await this.recordMany(manager, ctx, [input]);
    return rec ?? null;
  }

  async recordMany(manager: EntityManager, ctx: RequestContext, inputs: AuditEventInput[]): Promise<AuditRecord[]> {
    if (!this.enabled) return [];
    const done = this.appendTimer?.('transaction');
    try {
      return await this.repository.append(
        manager,
        inputs.map((i) => buildRecord(ctx, i)),
      );
    } catch (e) {
      throw this.unavailable(e);
    } finally {
      done?.();
    }
  }

  /** Records a read or a denied attempt in its own (grouped) transaction. */
  recordAccess(ctx: RequestContext, input: AuditEventInput): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ record: buildRecord(ctx, input), resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    // let concurrent requests of this tick join the group
    await new Promise((r) => setImmediate(r));
    try {
      while (this.pending.length) {
        const group = this.pending.splice(0, MAX_GROUP);
        const done = this.appendTimer?.('group');
        try {
          await this.repository.appendStandalone(group.map((p) => p.record));
          done?.();
          for (const p of group) p.resolve();
        } catch (e) {
          done?.();
          const err = this.unavailable(e);
          for (const p of group) p.reject(err);
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private unavailable(e: unknown): DomainError {
    if (e instanceof DomainError) return e;
    this.logger.error({ err: e }, 'audit trail could not be written');
    return new DomainError(ErrorCode.AuditUnavailable, 'audit trail unavailable: the operation was not carried out');
  }

  async onModuleDestroy(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}
