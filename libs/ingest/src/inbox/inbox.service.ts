import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@app/audit';
import { ClassifierTraining } from '@app/classification';
import { AccessDeniedError, Clock, DomainError, ErrorCode, hasRole, Page, pageParams, RequestContext, Role } from '@app/common';
import { AccessPolicy, CaseFileRepository, DepartmentService, Document, DocumentRepository, DocumentResponse, DocumentService } from '@app/records';
import { FileDocumentDto, ForwardDocumentDto, InboxForwardingResponse, InboxItemResponse, InboxQuery, InboxSuggestionResponse, SuggestedCaseFileResponse } from './inbox.dto';
import { describeReason } from './suggestion-reasons';
import { InboxRepository } from './inbox.repository';

/**
 * The review inbox: caseworkers of a department see the scans the pipeline could not file with
 * certainty and file them by hand. Each manual filing is a correction the classifier learns from.
 */
@Injectable()
export class InboxService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly inbox: InboxRepository,
    private readonly documents: DocumentRepository,
    private readonly documentService: DocumentService,
    private readonly caseFiles: CaseFileRepository,
    private readonly departmentService: DepartmentService,
    private readonly training: ClassifierTraining,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(ctx: RequestContext, q: InboxQuery): Promise<Page<InboxItemResponse>> {
    if (!hasRole(ctx.actor, Role.Caseworker)) throw DomainError.forbidden('the inbox is for caseworkers');
    const own = ctx.actor!.departments;
    if (q.departmentCode && !own.includes(q.departmentCode)) throw DomainError.forbidden(`no access to the inbox of department ${q.departmentCode}`);
    const departments = q.departmentCode ? [q.departmentCode] : own;
    const { page, pageSize, offset } = pageParams(q);
    const { items, total } = await this.inbox.list(departments, offset, pageSize);
    const references = [...new Set(items.map((d) => d.classification?.caseFileReference).filter((r): r is string => !!r))];
    const referenced = new Map((await this.inbox.caseFilesByReference(references)).map((c) => [c.reference, c]));
    await this.audit.recordAccess(ctx, { action: 'inbox.read', objectType: 'inbox', objectId: departments.join(','), details: { departments, page, pageSize, total } });
    return {
      items: items.map((d) => ({
        id: d.id,
        title: d.title,
        documentType: d.documentType,
        departmentCode: d.departmentCode!,
        batchId: d.batchId,
        classification: (d.classification as unknown as Record<string, unknown>) ?? null,
        ocr: (d.ocr as unknown as Record<string, unknown>) ?? null,
        suggestion: this.suggestionOf(ctx, d, referenced),
        forwarded: forwardingOf(d),
        createdAt: d.createdAt.toISOString(),
      })),
      page,
      pageSize,
      total,
    };
  }

  /** The pipeline's suggestion; the suggested case file only where the caller may work on it. */
  private suggestionOf(ctx: RequestContext, d: Document, referenced: Map<string, SuggestedCaseFileResponse>): InboxSuggestionResponse | null {
    const c = d.classification as (Document['classification'] & { documentTypeConfidence?: number | null }) | null;
    if (!c) return null;
    const caseFile = c.caseFileReference ? referenced.get(c.caseFileReference) : undefined;
    return {
      departmentCode: c.departmentCode ?? null,
      documentType: c.documentType ?? null,
      documentTypeConfidence: typeof c.documentTypeConfidence === 'number' ? c.documentTypeConfidence : null,
      confidence: typeof c.confidence === 'number' ? c.confidence : 0,
      caseFileReference: c.caseFileReference ?? null,
      caseFile: caseFile && AccessPolicy.canWork(ctx.actor, caseFile.departmentCode) ? { ...caseFile } : null,
      reasons: (Array.isArray(c.reasons) ? c.reasons : []).filter((r): r is string => typeof r === 'string').map(describeReason),
    };
  }

  /**
   * Sends an inbox letter to another department's inbox: only a caseworker of the department it
   * waits in; audited (with the comment as the reason); the letter keeps its suggestion.
   */
  async forward(ctx: RequestContext, documentId: string, dto: ForwardDocumentDto): Promise<{ id: string; departmentCode: string; status: string; forwarded: InboxForwardingResponse }> {
    const known = await this.departmentService.exists(dto.departmentCode);
    return this.dataSource.transaction(async (m) => {
      const doc = await this.documents.findByIdForUpdate(m, documentId);
      if (!doc) throw DomainError.notFound('document', documentId);
      if (!AccessPolicy.canWork(ctx.actor, doc.departmentCode)) {
        if (AccessPolicy.canReadMetadata(ctx.actor, doc.departmentCode)) throw DomainError.forbidden('only caseworkers of the inbox department may forward this document');
        throw new AccessDeniedError('document', documentId, 'document', doc.caseFileId);
      }
      if (!known) throw DomainError.validation(`unknown department ${dto.departmentCode}`, [{ field: 'departmentCode', errors: ['unknown department'] }]);
      if (doc.status !== 'needs_review') throw DomainError.conflict(`document is ${doc.status}, not waiting in an inbox`);
      if (doc.departmentCode === dto.departmentCode) throw DomainError.conflict(`document already waits in the inbox of department ${dto.departmentCode}`);
      const forwarded: InboxForwardingResponse = {
        fromDepartmentCode: doc.departmentCode!,
        toDepartmentCode: dto.departmentCode,
        by: ctx.actor!.sub,
        byName: ctx.actor!.name ?? null,
        at: this.clock.now().toISOString(),
        comment: dto.comment ?? null,
      };
      await this.inbox.forward(m, documentId, dto.departmentCode, { ...forwarded });
      await this.audit.record(m, ctx, {
        action: 'document.forward',
        objectType: 'document',
        objectId: documentId,
        reason: dto.comment ?? null,
        details: { from: forwarded.fromDepartmentCode, to: forwarded.toDepartmentCode, comment: forwarded.comment },
      });
      return { id: documentId, departmentCode: dto.departmentCode, status: doc.status, forwarded };
    });
  }

  /** Files an inbox document: caller must work for the inbox's and the case file's department; the case file must be open. */
  async file(ctx: RequestContext, documentId: string, dto: FileDocumentDto): Promise<DocumentResponse> {
    const result = await this.dataSource.transaction(async (m) => {
      const doc = await this.documents.findByIdForUpdate(m, documentId);
      if (!doc) throw DomainError.notFound('document', documentId);
      if (!AccessPolicy.canWork(ctx.actor, doc.departmentCode)) {
        if (AccessPolicy.canReadMetadata(ctx.actor, doc.departmentCode)) throw DomainError.forbidden('only caseworkers of the inbox department may file this document');
        throw new AccessDeniedError('document', documentId, 'document', doc.caseFileId);
      }
      if (doc.status !== 'needs_review') throw DomainError.conflict(`document is ${doc.status}, not waiting in an inbox`);
      const caseFile = await this.caseFiles.findByIdForUpdate(m, dto.caseFileId);
      if (!caseFile) throw DomainError.notFound('case file', dto.caseFileId);
      if (!AccessPolicy.canWork(ctx.actor, caseFile.departmentCode)) throw new AccessDeniedError('case file', dto.caseFileId, 'case_file', caseFile.id);
      if (caseFile.status !== 'open') throw new DomainError(ErrorCode.CaseFileClosed, `case file ${caseFile.reference} is ${caseFile.status}: no new documents`);
      const predicted = doc.classification;
      const documentType = dto.documentType ?? doc.documentType ?? predicted?.documentType ?? null;
      const classification = {
        ...(predicted ?? { documentType: null, departmentCode: null, caseFileReference: null, confidence: 0, reasons: [] }),
        filedBy: { sub: ctx.actor!.sub, name: ctx.actor!.name ?? null, at: this.clock.now().toISOString() },
        correction: {
          documentType: documentType !== (predicted?.documentType ?? null) ? { predicted: predicted?.documentType ?? null, actual: documentType } : null,
          departmentCode: caseFile.departmentCode !== (predicted?.departmentCode ?? null) ? { predicted: predicted?.departmentCode ?? null, actual: caseFile.departmentCode } : null,
          caseFileReference: caseFile.reference,
        },
      };
      await this.inbox.file(m, documentId, caseFile.id, caseFile.departmentCode, documentType, classification);
      await this.audit.record(m, ctx, {
        action: 'document.file',
        objectType: 'document',
        objectId: documentId,
        caseFileId: caseFile.id,
        details: { automatic: false, from: doc.departmentCode, caseFileReference: caseFile.reference, documentType, predicted: predicted ? { documentType: predicted.documentType, departmentCode: predicted.departmentCode, confidence: predicted.confidence } : null },
      });
      return documentId;
    });
    await this.training.noteFiling('correction');
    return this.documentService.describe((await this.documents.findById(result))!);
  }
}

function forwardingOf(d: Document): InboxForwardingResponse | null {
  const f = (d.classification as unknown as { forwarded?: InboxForwardingResponse } | null)?.forwarded;
  return f && typeof f === 'object' && typeof f.toDepartmentCode === 'string' ? f : null;
}
