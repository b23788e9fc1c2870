import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@app/audit';
import { Clock, DomainError, Page, RequestContext, pageParams } from '@app/common';
import { CaseFile, CaseFileRepository, CaseFileService } from '@app/records';
import { DisposalRepository } from '../disposal/disposal.repository';
import { legalHoldError } from './legal-hold.errors';
import { LegalHold, LegalHoldRepository } from './legal-hold.repository';
import { ActiveLegalHoldQueryDto, SetLegalHoldDto } from './legal-hold.dto';

/**
 * Legal holds (Löschsperren). Holds stack; while any is active the case file cannot be destroyed,
 * offered, handed over or shortened, and none of its documents or versions deleted. Setting and
 * lifting lock the case-file row, the same lock the disposal run takes: a hold set while a
 * disposal run is under way either lands first (and the run skips the file) or finds the file
 * already destroyed (409).
 */
@Injectable()
export class LegalHoldService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly caseFiles: CaseFileRepository,
    private readonly caseFileService: CaseFileService,
    private readonly holds: LegalHoldRepository,
    private readonly disposals: DisposalRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async set(ctx: RequestContext, caseFileId: string, dto: SetLegalHoldDto): Promise<LegalHold> {
    return this.dataSource.transaction(async (m) => {
      const caseFile = await this.lockExisting(m, caseFileId);
      const now = this.clock.now();
      const hold = await this.holds.insert(m, { caseFileId, reason: dto.reason, reference: dto.reference ?? null, setBy: ctx.actor?.sub ?? 'system', setAt: now });
      // a file marked due leaves the due list while held (the sweep marks it again once lifted)
      if (caseFile.status === 'due') await this.caseFiles.setStatus(m, [caseFileId], 'closed', now);
      await this.audit.record(m, ctx, {
        action: 'hold.set',
        objectType: 'case_file',
        objectId: caseFileId,
        caseFileId,
        reason: dto.reason,
        details: { holdId: hold.id, reference: caseFile.reference, holdReference: dto.reference ?? null, status: caseFile.status },
      });
      return hold;
    });
  }

  async lift(ctx: RequestContext, caseFileId: string, holdId: string, reason: string): Promise<LegalHold> {
    return this.dataSource.transaction(async (m) => {
      const caseFile = await this.lockExisting(m, caseFileId);
      const hold = await this.holds.findForUpdate(m, caseFileId, holdId);
      if (!hold) throw DomainError.notFound(`legal hold ${holdId} of case file`, caseFileId);
      if (hold.liftedAt) throw DomainError.conflict(`legal hold ${holdId} was already lifted on ${new Date(hold.liftedAt).toISOString()}`);
      const lifted = await this.holds.lift(m, holdId, ctx.actor?.sub ?? 'system', this.clock.now(), reason);
      const remaining = await this.holds.active([caseFileId], m);
      await this.audit.record(m, ctx, {
        action: 'hold.lift',
        objectType: 'case_file',
        objectId: caseFileId,
        caseFileId,
        reason,
        details: { holdId, reference: caseFile.reference, holdReason: hold.reason, remainingHolds: remaining.map((h) => h.id) },
      });
      return lifted;
    });
  }

  /** Holds (active and lifted) with retainUntil, for records managers and the department's caseworkers. */
  async list(ctx: RequestContext, caseFileId: string): Promise<{ caseFile: CaseFile; holds: LegalHold[] }> {
    const caseFile = await this.caseFileService.readable(ctx, caseFileId);
    const holds = await this.holds.listForCaseFile(caseFileId);
    await this.audit.recordAccess(ctx, {
      action: 'hold.list',
      objectType: 'case_file',
      objectId: caseFileId,
      caseFileId,
      details: { reference: caseFile.reference, active: holds.filter((h) => !h.liftedAt).length },
    });
    return { caseFile, holds };
  }

  /** Every active hold (records managers: holds span departments), newest first. */
  async listActive(ctx: RequestContext, q: ActiveLegalHoldQueryDto): Promise<Page<LegalHold & { caseFileReference: string; caseFileTitle: string; caseFileStatus: string }>> {
    const { page, pageSize, offset } = pageParams(q);
    const { items, total } = await this.holds.listActive(offset, pageSize, q.caseFileIds);
    await this.audit.recordAccess(ctx, { action: 'hold.list.active', objectType: 'legal_hold', details: { page, pageSize, returned: items.length, total, caseFiles: q.caseFileIds?.length } });
    return { items, page, pageSize, total };
  }

  /** Throws 409 LegalHold naming the holds when any is active (caller holds the case-file lock). */
  async assertNotHeld(m: EntityManager, caseFile: CaseFile, what: string): Promise<void> {
    const active = await this.holds.active([caseFile.id], m);
    if (active.length) throw legalHoldError(what, caseFile.reference, active);
  }

  private async lockExisting(m: EntityManager, caseFileId: string): Promise<CaseFile> {
    const caseFile = await this.caseFiles.findByIdForUpdate(m, caseFileId);
    if (caseFile) return caseFile;
    const gone = await this.disposals.finalOutcome(caseFileId, m);
    if (gone) throw DomainError.conflict(`case file ${gone.reference} was ${gone.outcome} in disposal offer ${gone.offerId}; no hold can be set`, gone);
    throw DomainError.notFound('case file', caseFileId);
  }
}
