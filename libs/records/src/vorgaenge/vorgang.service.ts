import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@app/audit';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccessDeniedError, Clock, DomainError, ErrorCode, RequestContext } from '@app/common';
import { CaseFile } from '../case-files/case-file.entity';
import { CaseFileRepository } from '../case-files/case-file.repository';
import { CaseFileService } from '../case-files/case-file.service';
import { metadataChanges } from '../metadata-changes';
import { CreateVorgangDto, UpdateVorgangDto } from './vorgang.dto';
import { Vorgang } from './vorgang.entity';
import { formatVorgangReference } from './vorgang-reference';
import { VorgangRepository } from './vorgang.repository';

/** The counter scope of a case file's Vorgang numbers in reference_counters. */
export const vorgangCounterScope = (caseFileId: string) => `vorgang:${caseFileId}`;

@Injectable()
export class VorgangService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vorgaenge: VorgangRepository,
    private readonly caseFiles: CaseFileService,
    private readonly caseFileRows: CaseFileRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A new Vorgang of an open case file. The case file's row lock (lockWorkable) serialises
   * concurrent creates, and the running number is counted in the same transaction, so numbers are
   * unique and without gaps (a failed create rolls its number back).
   */
  async create(ctx: RequestContext, caseFileId: string, dto: CreateVorgangDto): Promise<Vorgang> {
    return this.dataSource.transaction(async (m) => {
      const caseFile = await this.caseFiles.lockWorkable(m, ctx, caseFileId);
      if (caseFile.status !== 'open') throw new DomainError(ErrorCode.CaseFileClosed, `case file ${caseFile.reference} is ${caseFile.status}: no new Vorgänge`);
      const number = await this.caseFileRows.nextSequence(m, vorgangCounterScope(caseFileId));
      const now = this.clock.now();
      const vorgang = await this.vorgaenge.save(
        m,
        this.vorgaenge.create(m, {
          caseFileId,
          number,
          reference: formatVorgangReference(this.config.records.vorgangReferencePattern, caseFile.reference, number),
          title: dto.title,
          status: 'open',
          openedAt: now,
          closedAt: null,
          createdBy: ctx.actor?.sub ?? 'system',
          updatedAt: now,
        }),
      );
      await this.audit.record(m, ctx, {
        action: 'vorgang.create',
        objectType: 'vorgang',
        objectId: vorgang.id,
        caseFileId,
        details: { reference: vorgang.reference, number, title: vorgang.title },
      });
      return vorgang;
    });
  }

  /** Renames, closes or reopens a Vorgang; every changed field is audited with old and new value. */
  async update(ctx: RequestContext, id: string, dto: UpdateVorgangDto): Promise<Vorgang> {
    if (dto.title === undefined && dto.status === undefined) throw DomainError.validation('nothing to change: give title or status', [{ field: 'title', errors: ['title or status required'] }]);
    return this.dataSource.transaction(async (m) => {
      const { vorgang, caseFile } = await this.lockWorkable(m, ctx, id);
      if (caseFile.status !== 'open') throw new DomainError(ErrorCode.CaseFileClosed, `case file ${caseFile.reference} is ${caseFile.status}: its Vorgänge cannot be changed`);
      const changes = metadataChanges(vorgang, dto, ['title', 'status']);
      if (!changes.length) return vorgang;
      const now = this.clock.now();
      if (dto.title !== undefined) vorgang.title = dto.title;
      if (dto.status !== undefined && dto.status !== vorgang.status) {
        vorgang.status = dto.status;
        vorgang.closedAt = dto.status === 'closed' ? now : null;
      }
      vorgang.updatedAt = now;
      await this.vorgaenge.save(m, vorgang);
      await this.audit.record(m, ctx, {
        action: 'vorgang.update',
        objectType: 'vorgang',
        objectId: id,
        caseFileId: vorgang.caseFileId,
        reason: dto.reason ?? null,
        details: { reference: vorgang.reference, changes },
      });
      return vorgang;
    });
  }

  /**
   * Locks a Vorgang and its case file for a change by a caseworker of the department; another
   * department's Vorgang is not found (and a denied event written).
   */
  async lockWorkable(m: EntityManager, ctx: RequestContext, id: string): Promise<{ vorgang: Vorgang; caseFile: CaseFile }> {
    const found = await this.vorgaenge.findById(id, m);
    if (!found) throw DomainError.notFound('Vorgang', id);
    let caseFile: CaseFile;
    try {
      caseFile = await this.caseFiles.lockWorkable(m, ctx, found.caseFileId);
    } catch (e) {
      if (e instanceof AccessDeniedError) throw new AccessDeniedError('Vorgang', id, 'vorgang', found.caseFileId);
      throw e;
    }
    const vorgang = await this.vorgaenge.findByIdForUpdate(m, id);
    if (!vorgang) throw DomainError.notFound('Vorgang', id);
    return { vorgang, caseFile };
  }
}
