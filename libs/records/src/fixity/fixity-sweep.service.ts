import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditEventInput, AuditService } from '@app/audit';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RequestContext } from '@app/common';
import { Metrics } from '@app/metrics';
import { ObjectStorage } from '@app/storage';
import { ClaimedSlice, FixityFile, FixityKind, FixityRepository } from './fixity.repository';

/** What re-hashing one stored file found. */
export interface FixityCheck {
  file: FixityFile;
  result: 'ok' | FixityKind;
  foundSha256: string | null;
  foundSize: number | null;
}

export interface FixitySliceResult {
  /** False when another worker holds the current slice (nothing was checked). */
  ran: boolean;
  round: number;
  roundCompleted: boolean;
  checked: number;
  ok: number;
  mismatch: number;
  missing: number;
  /** Findings audited in this slice (new or changed problems, and problems that went away). */
  audited: number;
}

/** Files hashed at the same time (storage round trips overlap; hashing is cheap next to I/O). */
const PARALLEL = 4;

/**
 * The fixity sweep (BSI TR-ESOR: regular integrity checks of stored records). Each slice
 * re-hashes the next files (originals and renditions) and compares them with the SHA-256 taken
 * at capture. A missing object or a wrong hash is written to the audit trail as
 * `fixity.missing` / `fixity.mismatch` on the document version, once per file and problem (the
 * finding is remembered in PostgreSQL); a later sweep that finds the file intact again records
 * `fixity.restored`. Storage errors other than "not there" are not findings: the job fails and
 * retries, so an unreachable store never reads as lost records.
 */
@Injectable()
export class FixitySweepService {
  private readonly logger = new Logger(FixitySweepService.name);
  private readonly findingsTotal?: { inc(labels: { kind: string }, n?: number): void };
  private readonly filesChecked?: { inc(labels: { result: string }): void };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: FixityRepository,
    private readonly storage: ObjectStorage,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() metrics?: Metrics,
  ) {
    this.findingsTotal = metrics?.counter({ name: 'eakte_fixity_mismatches_total', help: 'Fixity findings newly detected (kind: mismatch or missing), each file and problem counted once', labelNames: ['kind'] as const });
    this.filesChecked = metrics?.counter({ name: 'eakte_fixity_files_checked_total', help: 'Stored files re-hashed by the fixity sweep, by result', labelNames: ['result'] as const });
    for (const kind of ['mismatch', 'missing']) this.findingsTotal?.inc({ kind }, 0);
    if (metrics) {
      const repo = this.repository;
      metrics.gauge({
        name: 'eakte_fixity_open_findings',
        help: 'Stored files currently missing or not matching their capture hash (from PostgreSQL)',
        labelNames: ['kind'] as const,
        async collect() {
          const counts = await repo.openCounts().catch(() => null);
          if (!counts) return;
          for (const [kind, n] of Object.entries(counts)) this.set({ kind }, n);
        },
      });
      metrics.gauge({
        name: 'eakte_fixity_last_round_completed_timestamp_seconds',
        help: 'When the fixity sweep last finished a round over all stored files (0: never)',
        async collect() {
          const p = await repo.progress().catch(() => null);
          if (p) this.set(p.lastRoundCompletedAt ? p.lastRoundCompletedAt.getTime() / 1000 : 0);
        },
      });
    }
  }

  async runSlice(ctx: RequestContext, size = this.config.fixity.sliceSize): Promise<FixitySliceResult> {
    const slice = await this.repository.claimSlice(size);
    if (!slice) return { ran: false, round: 0, roundCompleted: false, checked: 0, ok: 0, mismatch: 0, missing: 0, audited: 0 };
    const checks: FixityCheck[] = [];
    let audited: number;
    try {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(PARALLEL, slice.files.length) }, async () => {
          while (next < slice.files.length) {
            const file = slice.files[next++];
            checks.push(await this.check(file));
          }
        }),
      );
      audited = await this.record(ctx, slice, checks);
    } catch (e) {
      await this.repository.releaseSlice().catch((err) => this.logger.warn({ err }, 'fixity slice lease not released (it expires)'));
      throw e;
    }
    const count = (r: FixityCheck['result']) => checks.filter((c) => c.result === r).length;
    const result = { ran: true, round: slice.round, roundCompleted: slice.roundCompleted, checked: checks.length, ok: count('ok'), mismatch: count('mismatch'), missing: count('missing'), audited };
    for (const c of checks) this.filesChecked?.inc({ result: c.result });
    return result;
  }

  /** Re-hashes one stored file. Throws on storage errors (transient): only "not there" is a finding. */
  async check(file: FixityFile): Promise<FixityCheck> {
    const stat = await this.storage.stat(file.storageKey);
    if (!stat) return { file, result: 'missing', foundSha256: null, foundSize: null };
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of await this.storage.get(file.storageKey)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const found = hash.digest('hex');
    return { file, result: found === file.sha256 && size === file.size ? 'ok' : 'mismatch', foundSha256: found, foundSize: size };
  }

  /** Findings and their audit events in one transaction: an event exactly when a file's state changes. */
  private async record(ctx: RequestContext, slice: ClaimedSlice, checks: FixityCheck[]): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      await this.repository.completeSlice(m, slice);
      if (!checks.length) return 0;
      const { findings, existing } = await this.repository.lockFindings(m, checks.map((c) => c.file.fileId));
      const events: AuditEventInput[] = [];
      const unchanged: string[] = [];
      const detected: FixityKind[] = [];
      for (const c of checks) {
        if (!existing.has(c.file.fileId)) continue; // removed by disposal while we hashed
        const open = findings.get(c.file.fileId);
        const openKind = open && !open.resolvedAt ? open.kind : null;
        if (c.result === 'ok') {
          if (!openKind) continue;
          await this.repository.resolveFinding(m, c.file.fileId);
          events.push(this.event(c, 'fixity.restored', { previously: openKind }));
        } else if (openKind === c.result) {
          unchanged.push(c.file.fileId);
        } else {
          await this.repository.openFinding(m, { fileId: c.file.fileId, kind: c.result, expectedSha256: c.file.sha256, foundSha256: c.foundSha256, foundSize: c.foundSize });
          events.push(this.event(c, `fixity.${c.result}`, openKind ? { previously: openKind } : {}));
          detected.push(c.result);
        }
      }
      await this.repository.touchFindings(m, unchanged);
      if (events.length) await this.audit.recordMany(m, ctx, events);
      // counted once the transaction holding the findings is about to commit
      for (const kind of detected) this.findingsTotal?.inc({ kind });
      if (events.length) this.logger.warn({ findings: events.map((e) => ({ action: e.action, objectId: e.objectId })) }, 'fixity sweep findings');
      return events.length;
    });
  }

  private event(c: FixityCheck, action: string, extra: Record<string, unknown>): AuditEventInput {
    return {
      action,
      objectType: 'document_version',
      objectId: c.file.versionId,
      caseFileId: c.file.caseFileId,
      outcome: action === 'fixity.restored' ? 'success' : 'failure',
      details: {
        documentId: c.file.documentId,
        version: c.file.versionNo,
        variant: c.file.variant,
        storageKey: c.file.storageKey,
        expectedSha256: c.file.sha256,
        expectedSize: c.file.size,
        foundSha256: c.foundSha256,
        foundSize: c.foundSize,
        ...extra,
      },
    };
  }
}
