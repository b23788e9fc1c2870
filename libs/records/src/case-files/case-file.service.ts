import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@app/audit';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccessDeniedError, Clock, DomainError, ErrorCode, Page, RequestContext, pageParams } from '@app/common';
import { PgError, pgCode } from '@app/database';
import { AccessPolicy } from '../access-policy';
import { FilePlanService } from '../file-plan/file-plan.service';
import { FilePlanUnit } from '../file-plan/file-plan-unit.entity';
import { computeRetainUntil } from '../retention-period';
import { CaseFile } from './case-file.entity';
import { CreateCaseFileDto, ListCaseFilesQuery, UpdateCaseFileDto } from './case-file.dto';
import { CaseFileRepository, CaseFileView, CaseFileWithContents } from './case-file.repository';
import { metadataChanges } from '../metadata-changes';
import { VorgangRepository } from '../vorgaenge/vorgang.repository';
import { formatReference, referenceScope, validateReferencePattern } from './reference-pattern';

@Injectable()
export class CaseFileService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly caseFiles: CaseFileRepository,
    private readonly vorgaenge: VorgangRepository,
    private readonly filePlan: FilePlanService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    validateReferencePattern(config.records.referencePattern);
  }

  async create(ctx: RequestContext, dto: CreateCaseFileDto): Promise<CaseFile> {
    const unit = await this.filePlan.get(dto.filePlanCode).catch((e: unknown) => {
      // only "no such unit" is the client's fault; a lost database stays what it is (503)
      if (!(e instanceof DomainError && e.code === ErrorCode.NotFound)) throw e;
      throw DomainError.validation(`unknown file-plan unit ${dto.filePlanCode}`, [{ field: 'filePlanCode', errors: ['unknown file-plan unit'] }]);
    });
    if (!AccessPolicy.canWork(ctx.actor, unit.departmentCode)) {
      throw DomainError.forbidden(`case files of ${unit.code} belong to department ${unit.departmentCode}`);
    }
    const now = this.clock.now();
    try {
      return await this.dataSource.transaction(async (m) => {
        const input = { filePlanCode: unit.code, departmentCode: unit.departmentCode, year: now.getUTCFullYear() };
        const pattern = this.config.records.referencePattern;
        const seq = await this.caseFiles.nextSequence(m, referenceScope(pattern, input));
        const caseFile = await this.caseFiles.save(
          m,
          this.caseFiles.create(m, {
            reference: formatReference(pattern, input, seq),
            title: dto.title,
            filePlanCode: unit.code,
            departmentCode: unit.departmentCode,
            confidentiality: dto.confidentiality ?? 'internal',
            status: 'open',
            openedAt: now,
            closedAt: null,
            retainUntil: computeRetainUntil(ruleOf(unit), now, null),
            createdBy: ctx.actor?.sub ?? 'system',
            updatedAt: now,
          }),
        );
        await this.audit.record(m, ctx, {
          action: 'case_file.create',
          objectType: 'case_file',
          objectId: caseFile.id,
          caseFileId: caseFile.id,
          details: { reference: caseFile.reference, title: caseFile.title, filePlanCode: unit.code },
        });
        return caseFile;
      });
    } catch (e) {
      if (pgCode(e) === PgError.UniqueViolation) throw DomainError.conflict('Aktenzeichen already taken; check REFERENCE_PATTERN');
      throw e;
    }
  }

  async list(ctx: RequestContext, q: ListCaseFilesQuery): Promise<Page<CaseFileView>> {
    let departments = AccessPolicy.visibleDepartments(ctx.actor);
    if (q.departmentCode) {
      if (departments && !departments.includes(q.departmentCode)) {
        throw DomainError.forbidden(`no access to department ${q.departmentCode}`);
      }
      departments = [q.departmentCode];
    }
    const { page, pageSize, offset } = pageParams(q);
    const { items, total } = await this.caseFiles.listViews({ departments, reference: q.reference, status: q.status, filePlanCode: q.filePlanCode, text: q.q, offset, limit: pageSize });
    await this.audit.recordAccess(ctx, {
      action: 'case_file.list',
      objectType: 'case_file',
      details: { query: { reference: q.reference, departmentCode: q.departmentCode, status: q.status, filePlanCode: q.filePlanCode, q: q.q, page, pageSize }, returned: items.length },
    });
    return { items, page, pageSize, total };
  }

  /** Opens a case file (metadata and its documents); the read is audited. */
  async open(ctx: RequestContext, id: string): Promise<CaseFileWithContents> {
    // the document summaries come with the case file (one round trip); nothing is returned unless
    // the access check passes
    const found = await this.caseFiles.findViewWithDocuments(id);
    if (!found) throw DomainError.notFound('case file', id);
    const { caseFile, documents, vorgaenge } = found;
    if (!AccessPolicy.canReadMetadata(ctx.actor, caseFile.departmentCode)) throw new AccessDeniedError('case file', id, 'case_file', id);
    await this.audit.recordAccess(ctx, {
      action: 'case_file.read',
      objectType: 'case_file',
      objectId: id,
      caseFileId: id,
      details: { reference: caseFile.reference, documents: documents.length, vorgaenge: vorgaenge.length },
    });
    return { caseFile, documents, vorgaenge };
  }

  /**
   * Changes a case file's metadata (title, confidentiality). Open and closed (zdA) files may be
   * corrected; files in disposal (due, offered, handed over) may not. Each changed field is audited
   * with old and new value (xdomea HistorienProtokollInformation).
   */
  async update(ctx: RequestContext, id: string, dto: UpdateCaseFileDto): Promise<CaseFile> {
    if (dto.title === undefined && dto.confidentiality === undefined) {
      throw DomainError.validation('nothing to change: give title or confidentiality', [{ field: 'title', errors: ['title or confidentiality required'] }]);
    }
    return this.dataSource.transaction(async (m) => {
      const caseFile = await this.lockWorkable(m, ctx, id);
      if (caseFile.status !== 'open' && caseFile.status !== 'closed') throw DomainError.conflict(`case file ${caseFile.reference} is ${caseFile.status}: its metadata cannot be changed`);
      const changes = metadataChanges(caseFile, dto, ['title', 'confidentiality']);
      if (!changes.length) return caseFile;
      if (dto.title !== undefined) caseFile.title = dto.title;
      if (dto.confidentiality !== undefined) caseFile.confidentiality = dto.confidentiality;
      caseFile.updatedAt = this.clock.now();
      await this.caseFiles.save(m, caseFile);
      await this.audit.record(m, ctx, {
        action: 'case_file.update',
        objectType: 'case_file',
        objectId: id,
        caseFileId: id,
        reason: dto.reason ?? null,
        details: { reference: caseFile.reference, changes },
      });
      return caseFile;
    });
  }

  /** The case file if the caller may see its metadata; otherwise not found (and a denied event). */
  async readable(ctx: RequestContext, id: string): Promise<CaseFile> {
    const caseFile = await this.caseFiles.findById(id);
    if (!caseFile) throw DomainError.notFound('case file', id);
    if (!AccessPolicy.canReadMetadata(ctx.actor, caseFile.departmentCode)) throw new AccessDeniedError('case file', id, 'case_file', id);
    return caseFile;
  }

  async close(ctx: RequestContext, id: string): Promise<CaseFile> {
    return this.dataSource.transaction(async (m) => {
      const caseFile = await this.lockWorkable(m, ctx, id);
      if (caseFile.status !== 'open') throw new DomainError(ErrorCode.CaseFileClosed, `case file ${caseFile.reference} is already ${caseFile.status}`);
      const unit = await m.getRepository(FilePlanUnit).findOneByOrFail({ code: caseFile.filePlanCode });
      const now = this.clock.now();
      caseFile.status = 'closed';
      caseFile.closedAt = now;
      caseFile.retainUntil = computeRetainUntil(ruleOf(unit), caseFile.openedAt, now);
      caseFile.updatedAt = now;
      await this.caseFiles.save(m, caseFile);
      // zdA closes the case file's open Vorgänge with it
      const closedVorgaenge = await this.vorgaenge.closeOpen(m, id, now);
      await this.audit.record(m, ctx, {
        action: 'case_file.close',
        objectType: 'case_file',
        objectId: id,
        caseFileId: id,
        details: { reference: caseFile.reference, closedAt: now.toISOString(), retainUntil: caseFile.retainUntil?.toISOString() ?? null, closedVorgaenge },
      });
      return caseFile;
    });
  }

  async reopen(ctx: RequestContext, id: string, reason: string): Promise<CaseFile> {
    return this.dataSource.transaction(async (m) => {
      const caseFile = await this.lockWorkable(m, ctx, id);
      // a file marked due for disposal may still be reopened (it leaves the due list); once offered
      // to the archive or handed over it may not
      if (caseFile.status !== 'closed' && caseFile.status !== 'due') throw DomainError.conflict(`case file ${caseFile.reference} is ${caseFile.status}, only closed files can be reopened`);
      const unit = await m.getRepository(FilePlanUnit).findOneByOrFail({ code: caseFile.filePlanCode });
      const previous = caseFile.closedAt;
      caseFile.status = 'open';
      caseFile.closedAt = null;
      caseFile.retainUntil = computeRetainUntil(ruleOf(unit), caseFile.openedAt, null);
      caseFile.updatedAt = this.clock.now();
      await this.caseFiles.save(m, caseFile);
      await this.audit.record(m, ctx, {
        action: 'case_file.reopen',
        objectType: 'case_file',
        objectId: id,
        caseFileId: id,
        reason,
        details: { reference: caseFile.reference, previouslyClosedAt: previous?.toISOString() ?? null },
      });
      return caseFile;
    });
  }

  /** Locks a case file the caller may work on (caseworker of its department). */
  async lockWorkable(m: EntityManager, ctx: RequestContext, id: string): Promise<CaseFile> {
    const caseFile = await this.caseFiles.findByIdForUpdate(m, id);
    if (!caseFile) throw DomainError.notFound('case file', id);
    if (!AccessPolicy.canWork(ctx.actor, caseFile.departmentCode)) {
      if (AccessPolicy.canReadMetadata(ctx.actor, caseFile.departmentCode)) throw DomainError.forbidden('only caseworkers of the department may change this case file');
      throw new AccessDeniedError('case file', id, 'case_file', id);
    }
    return caseFile;
  }
}

function ruleOf(unit: FilePlanUnit) {
  return { years: unit.retentionYears, trigger: unit.retentionTrigger };
}
