import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@app/audit';
import { AccessDeniedError, Clock, DomainError, ErrorCode, RequestContext } from '@app/common';
import { AccessPolicy, CaseFile, CaseFileRepository, DocumentRepository } from '@app/records';
import { legalHoldError } from '../holds/legal-hold.errors';
import { LegalHoldRepository } from '../holds/legal-hold.repository';

type Target = { kind: 'case_file'; caseFileId: string } | { kind: 'document'; documentId: string } | { kind: 'version'; documentId: string; versionNo: number };

/**
 * No early deletion. Records (case files, documents, versions) are never deleted one by one, for
 * any role: before retainUntil → 409 RetentionNotExpired; under legal hold → 409 LegalHold
 * naming the hold; after expiry → 409 DisposalRequired (records leave the live system only
 * through a disposal run: sweep → offer → execute). Every refused attempt is audited as denied.
 */
@Injectable()
export class RecordDeletionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly caseFiles: CaseFileRepository,
    private readonly documents: DocumentRepository,
    private readonly holds: LegalHoldRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async refuse(ctx: RequestContext, target: Target, reason: string | null): Promise<never> {
    const { caseFile, objectType, objectId, action } = await this.resolve(ctx, target);
    const error = await this.decide(caseFile, target);
    await this.audit.recordAccess(ctx, {
      action,
      objectType,
      objectId,
      caseFileId: caseFile?.id ?? null,
      outcome: 'denied',
      reason,
      details: { refused: error.code, message: error.message, ...(target.kind === 'version' ? { version: target.versionNo } : {}) },
    });
    throw error;
  }

  private async decide(caseFile: CaseFile | null, target: Target): Promise<DomainError> {
    const what = target.kind === 'case_file' ? 'deleting the case file' : target.kind === 'document' ? 'deleting the document' : `deleting version ${(target as { versionNo: number }).versionNo}`;
    if (!caseFile) {
      return DomainError.conflict(`${what} refused: documents in an inbox are not filed records; file or reject them (nothing is deleted by hand)`);
    }
    const active = await this.holds.active([caseFile.id]);
    if (active.length) return legalHoldError(what, caseFile.reference, active);
    const now = this.clock.now();
    if (!caseFile.retainUntil || caseFile.retainUntil.getTime() > now.getTime()) {
      return new DomainError(
        ErrorCode.RetentionNotExpired,
        `${what} refused: case file ${caseFile.reference} must be kept ${caseFile.retainUntil ? `until ${caseFile.retainUntil.toISOString()}` : caseFile.status === 'open' ? 'while open and then for its retention period' : 'forever'}`,
        { caseFileId: caseFile.id, reference: caseFile.reference, status: caseFile.status, retainUntil: caseFile.retainUntil?.toISOString() ?? null },
      );
    }
    return new DomainError(
      ErrorCode.DisposalRequired,
      `${what} refused: the retention of ${caseFile.reference} has ended; records leave the live system only through a disposal run (POST /api/v1/disposal/sweep, then /api/v1/disposal/offers)`,
      { caseFileId: caseFile.id, reference: caseFile.reference, status: caseFile.status, retainUntil: caseFile.retainUntil.toISOString() },
    );
  }

  private async resolve(ctx: RequestContext, target: Target): Promise<{ caseFile: CaseFile | null; objectType: string; objectId: string; action: string }> {
    if (target.kind === 'case_file') {
      const caseFile = await this.caseFiles.findById(target.caseFileId);
      if (!caseFile) throw DomainError.notFound('case file', target.caseFileId);
      if (!AccessPolicy.canReadMetadata(ctx.actor, caseFile.departmentCode)) throw new AccessDeniedError('case file', caseFile.id, 'case_file', caseFile.id);
      return { caseFile, objectType: 'case_file', objectId: caseFile.id, action: 'case_file.delete' };
    }
    const doc = await this.documents.findById(target.documentId);
    if (!doc) throw DomainError.notFound('document', target.documentId);
    if (!AccessPolicy.canReadMetadata(ctx.actor, doc.departmentCode)) throw new AccessDeniedError('document', doc.id, 'document', doc.caseFileId);
    if (target.kind === 'version') {
      const [v] = await this.dataSource.query(`SELECT 1 FROM document_versions WHERE document_id = $1 AND version_no = $2`, [doc.id, target.versionNo]);
      if (!v) throw DomainError.notFound(`version ${target.versionNo} of document`, doc.id);
    }
    const caseFile = doc.caseFileId ? await this.caseFiles.findById(doc.caseFileId) : null;
    return { caseFile, objectType: 'document', objectId: doc.id, action: target.kind === 'version' ? 'document.version.delete' : 'document.delete' };
  }
}
