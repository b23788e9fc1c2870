import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@app/audit';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccessDeniedError, DomainError, ErrorCode, RequestContext } from '@app/common';
import { ObjectStorage, StoredObject, sniffContentType, storedZipOfficeType, FilePartInfo } from '@app/storage';
import { AccessPolicy } from '../access-policy';
import { CaseFile } from '../case-files/case-file.entity';
import { CaseFileService } from '../case-files/case-file.service';
import { metadataChanges } from '../metadata-changes';
import { Vorgang } from '../vorgaenge/vorgang.entity';
import { VorgangRepository } from '../vorgaenge/vorgang.repository';
import { Document } from './document.entity';
import { FileVariant } from './document-file.entity';
import { DocumentResponse, toDocumentResponse } from './document.dto';
import { DocumentRepository } from './document.repository';
import { parseRange } from './http-range';
import { removeUnlessReferenced } from './object-claims';

/**
 * Content types accepted for born-digital documents (judged by content, not by name or declared
 * type). Markup (HTML, XHTML, SVG, XML) is kept as received but only ever served as a download.
 */
export const RECORD_CONTENT_TYPES = [
  'application/pdf',
  'image/tiff',
  'image/png',
  'image/jpeg',
  'application/xml',
  'text/plain',
  'application/zip',
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
];

export interface UploadedOriginal {
  stored: StoredObject;
  mimeType: string;
  filename: string;
}

export interface DocumentContent {
  stream: Readable;
  size: number;
  totalSize: number;
  mimeType: string;
  sha256: string;
  filename: string;
  range?: { start: number; end: number };
}

/** Adds module-specific details (e.g. the scan's capture record) to `GET /documents/:id`. */
export interface DocumentDetailsContributor {
  contribute(document: Document): Promise<Record<string, unknown>>;
}
export const DOCUMENT_DETAILS = Symbol('DOCUMENT_DETAILS');

@Injectable()
export class DocumentService {
  private readonly logger = new Logger(DocumentService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly documents: DocumentRepository,
    private readonly caseFiles: CaseFileService,
    private readonly vorgaenge: VorgangRepository,
    private readonly storage: ObjectStorage,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(DOCUMENT_DETAILS) private readonly contributors: DocumentDetailsContributor[] = [],
  ) {}

  /** Streams one uploaded file into storage, checking its type by content and its size. */
  async storeUpload(stream: Readable, info: FilePartInfo, allowed = RECORD_CONTENT_TYPES): Promise<UploadedOriginal> {
    let mimeType = 'application/octet-stream';
    let head: Buffer = Buffer.alloc(0);
    const stored = await this.storage.put(stream, {
      maxBytes: this.config.upload.maxBytes,
      inspect: (first) => {
        const sniffed = sniffContentType(first);
        if (!sniffed || !allowed.includes(sniffed)) {
          throw new DomainError(ErrorCode.UnsupportedMediaType, `${info.filename}: content type ${sniffed ?? 'unknown'} is not accepted (allowed: ${allowed.join(', ')})`);
        }
        mimeType = sniffed;
        head = first;
      },
    });
    if (stored.size === 0) {
      await this.discardUpload({ stored, mimeType, filename: info.filename });
      throw DomainError.validation(`${info.filename} is empty`);
    }
    if (mimeType === 'application/zip') {
      // an Office document only when the zip's own structure says so (never the declared type)
      try {
        mimeType = (await storedZipOfficeType(this.storage, stored.key, stored.size, head)) ?? mimeType;
      } catch (e) {
        await this.discardUpload({ stored, mimeType, filename: info.filename });
        throw e;
      }
    }
    return { stored, mimeType, filename: info.filename };
  }

  /** Removes an object stored for a request that then failed, unless something else refers to it. */
  async discardUpload(upload: UploadedOriginal | undefined): Promise<void> {
    await this.discardStored(upload?.stored);
  }

  /**
   * Removes an object this request stored (`created`) when the request then failed, unless a file
   * row refers to it meanwhile (content addressing shares objects). Never throws: the failure that
   * led here is what the caller reports.
   */
  async discardStored(stored: StoredObject | null | undefined): Promise<void> {
    if (!stored?.created) return;
    try {
      await removeUnlessReferenced(this.dataSource, this.storage, stored.key);
    } catch (e) {
      this.logger.warn({ err: e, key: stored.key }, 'could not remove the object of a failed upload');
    }
  }

  /** Fails early (before any byte is stored) when the caller may not add documents to the file. */
  async assertCanAddTo(ctx: RequestContext, caseFileId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const caseFile = await this.caseFiles.lockWorkable(m, ctx, caseFileId);
      if (caseFile.status !== 'open') throw new DomainError(ErrorCode.CaseFileClosed, `case file ${caseFile.reference} is ${caseFile.status}: no new documents`);
    });
  }

  async createInCaseFile(
    ctx: RequestContext,
    caseFileId: string,
    meta: { title: string; documentType?: string | null; vorgangId?: string | null },
    upload: UploadedOriginal,
  ): Promise<DocumentResponse> {
    try {
      const doc = await this.dataSource.transaction(async (m) => {
        const caseFile = await this.caseFiles.lockWorkable(m, ctx, caseFileId);
        if (caseFile.status !== 'open') throw new DomainError(ErrorCode.CaseFileClosed, `case file ${caseFile.reference} is ${caseFile.status}: no new documents`);
        const vorgang = meta.vorgangId ? await this.openVorgangOf(m, caseFileId, meta.vorgangId) : null;
        const created = await this.documents.create(
          m,
          {
            caseFileId,
            vorgangId: vorgang?.id ?? null,
            departmentCode: caseFile.departmentCode,
            title: meta.title,
            documentType: meta.documentType ?? null,
            status: 'filed',
            source: 'upload',
          },
          ctx.actor?.sub ?? 'system',
          [{ variant: 'original', storageKey: upload.stored.key, sha256: upload.stored.sha256, size: upload.stored.size, mimeType: upload.mimeType, filename: upload.filename }],
        );
        await this.audit.record(m, ctx, {
          action: 'document.create',
          objectType: 'document',
          objectId: created.id,
          caseFileId,
          details: { title: meta.title, documentType: meta.documentType ?? null, vorgangId: vorgang?.id ?? null, vorgangReference: vorgang?.reference ?? null, sha256: upload.stored.sha256, size: upload.stored.size, mimeType: upload.mimeType, filename: upload.filename },
        });
        return created;
      });
      return this.describe(doc);
    } catch (e) {
      await this.discardUpload(upload);
      throw e;
    }
  }

  async get(ctx: RequestContext, id: string): Promise<DocumentResponse> {
    const doc = await this.readable(ctx, id, 'metadata');
    const response = await this.describe(doc);
    await this.audit.recordAccess(ctx, { action: 'document.read', objectType: 'document', objectId: id, caseFileId: doc.caseFileId });
    return response;
  }

  async describe(doc: Document): Promise<DocumentResponse> {
    const { versions, files } = await this.documents.versionsWithFiles(doc.id);
    const response = toDocumentResponse(doc, versions, files);
    for (const c of this.contributors ?? []) Object.assign(response, await c.contribute(doc));
    return response;
  }

  async openContent(ctx: RequestContext, id: string, variant: FileVariant = 'original', version: number | undefined, rangeHeader?: string): Promise<DocumentContent> {
    const doc = await this.readable(ctx, id, 'content');
    const versionNo = version ?? doc.currentVersion;
    const file = await this.documents.findFile(id, versionNo, variant);
    if (!file) throw DomainError.notFound(`${variant} content of version ${versionNo} of document`, id);
    const range = parseRange(rangeHeader, file.size);
    await this.audit.recordAccess(ctx, {
      action: 'document.download',
      objectType: 'document',
      objectId: id,
      caseFileId: doc.caseFileId,
      details: { variant, version: versionNo, sha256: file.sha256, range: range ? `${range.start}-${range.end}` : null },
    });
    const stream = await this.storage.get(file.storageKey, range);
    return {
      stream,
      size: range ? range.end - range.start + 1 : file.size,
      totalSize: file.size,
      mimeType: file.mimeType,
      sha256: file.sha256,
      filename: file.filename ?? `${id}${variant === 'searchable' ? '.pdf' : ''}`,
      range,
    };
  }

  async text(ctx: RequestContext, id: string): Promise<{ documentId: string; text: string | null; ocr: Document['ocr'] }> {
    const doc = await this.readable(ctx, id, 'content');
    const text = await this.documents.text(id);
    await this.audit.recordAccess(ctx, { action: 'document.text.read', objectType: 'document', objectId: id, caseFileId: doc.caseFileId });
    return { documentId: id, text, ocr: doc.ocr };
  }

  async assertCanAddVersion(ctx: RequestContext, id: string): Promise<void> {
    const doc = await this.readable(ctx, id, 'work');
    if (doc.caseFileId) await this.assertCanAddTo(ctx, doc.caseFileId);
  }

  async addVersion(ctx: RequestContext, id: string, upload: UploadedOriginal, comment: string | null): Promise<DocumentResponse> {
    try {
      const doc = await this.dataSource.transaction(async (m) => {
        const doc = await this.documents.findByIdForUpdate(m, id);
        if (!doc) throw DomainError.notFound('document', id);
        this.assertAccess(ctx, doc, 'work');
        if (doc.caseFileId) {
          const caseFile = await this.caseFiles.lockWorkable(m, ctx, doc.caseFileId);
          if (caseFile.status !== 'open') throw new DomainError(ErrorCode.CaseFileClosed, `case file ${caseFile.reference} is ${caseFile.status}: no new versions`);
        }
        doc.currentVersion += 1;
        await this.documents.addVersion(m, id, doc.currentVersion, ctx.actor?.sub ?? 'system', [
          { variant: 'original', storageKey: upload.stored.key, sha256: upload.stored.sha256, size: upload.stored.size, mimeType: upload.mimeType, filename: upload.filename },
        ], comment);
        await m.getRepository(Document).update({ id }, { currentVersion: doc.currentVersion });
        await this.audit.record(m, ctx, {
          action: 'document.version.create',
          objectType: 'document',
          objectId: id,
          caseFileId: doc.caseFileId,
          details: { version: doc.currentVersion, sha256: upload.stored.sha256, size: upload.stored.size, comment },
        });
        return doc;
      });
      return this.describe((await this.documents.findById(doc.id))!);
    } catch (e) {
      await this.discardUpload(upload);
      throw e;
    }
  }

  /**
   * Changes a document's metadata (title, document type) while its case file is open; each changed
   * field is audited with old and new value.
   */
  async update(ctx: RequestContext, id: string, patch: { title?: string; documentType?: string | null; reason?: string }): Promise<DocumentResponse> {
    if (patch.title === undefined && patch.documentType === undefined) {
      throw DomainError.validation('nothing to change: give title or documentType', [{ field: 'title', errors: ['title or documentType required'] }]);
    }
    const doc = await this.dataSource.transaction(async (m) => {
      const doc = await this.lockFiled(m, ctx, id);
      const changes = metadataChanges(doc, patch, ['title', 'documentType']);
      if (!changes.length) return doc;
      await m.getRepository(Document).update({ id }, { ...(patch.title !== undefined && { title: patch.title }), ...(patch.documentType !== undefined && { documentType: patch.documentType }) });
      await this.audit.record(m, ctx, {
        action: 'document.update',
        objectType: 'document',
        objectId: id,
        caseFileId: doc.caseFileId,
        reason: patch.reason ?? null,
        details: { title: patch.title ?? doc.title, changes },
      });
      return doc;
    });
    return this.describe((await this.documents.findById(doc.id))!);
  }

  /**
   * Moves a document to another Vorgang of its case file, out of its Vorgang (vorgangId null), or
   * to another case file (and optionally one of its Vorgänge), with a reason. Both case files must
   * be open and the caller a caseworker of both departments; the event is written to the history
   * of both case files.
   */
  async move(ctx: RequestContext, id: string, input: { caseFileId?: string; vorgangId?: string | null; reason: string }): Promise<DocumentResponse> {
    const doc = await this.dataSource.transaction(async (m) => {
      const current = await this.documents.findById(id, m);
      if (!current) throw DomainError.notFound('document', id);
      this.assertAccess(ctx, current, 'work');
      if (!current.caseFileId) throw DomainError.conflict(`document ${id} is not filed in a case file: file it from the inbox`);
      const fromId = current.caseFileId;
      const toId = input.caseFileId ?? fromId;
      // lock both case files in id order (no deadlock between two opposite moves)
      const locked = new Map<string, CaseFile>();
      for (const cfId of [...new Set([fromId, toId])].sort()) locked.set(cfId, await this.caseFiles.lockWorkable(m, ctx, cfId));
      const doc = await this.documents.findByIdForUpdate(m, id);
      if (!doc || doc.caseFileId !== fromId) throw DomainError.conflict(`document ${id} changed meanwhile; try again`);
      const from = locked.get(fromId)!;
      const to = locked.get(toId)!;
      for (const cf of [from, to]) if (cf.status !== 'open') throw new DomainError(ErrorCode.CaseFileClosed, `case file ${cf.reference} is ${cf.status}: documents cannot be moved in or out`);
      const targetVorgangId = input.vorgangId === undefined ? (toId === fromId ? doc.vorgangId : null) : input.vorgangId;
      const target = targetVorgangId ? await this.openVorgangOf(m, toId, targetVorgangId) : null;
      if (toId === fromId && (target?.id ?? null) === doc.vorgangId) throw DomainError.validation('the document is already there', [{ field: 'vorgangId', errors: ['same place as now'] }]);
      const source = doc.vorgangId ? await this.vorgaenge.findById(doc.vorgangId, m) : null;
      await m.getRepository(Document).update({ id }, { caseFileId: toId, vorgangId: target?.id ?? null, departmentCode: to.departmentCode });
      const details = {
        title: doc.title,
        from: { caseFileId: fromId, reference: from.reference, vorgangId: source?.id ?? null, vorgangReference: source?.reference ?? null },
        to: { caseFileId: toId, reference: to.reference, vorgangId: target?.id ?? null, vorgangReference: target?.reference ?? null },
        changes: [
          ...(fromId !== toId ? [{ field: 'caseFile', old: from.reference, new: to.reference }] : []),
          { field: 'vorgang', old: source?.reference ?? null, new: target?.reference ?? null },
        ],
      };
      const event = { action: 'document.move', objectType: 'document', objectId: id, reason: input.reason, details };
      await this.audit.recordMany(m, ctx, fromId === toId ? [{ ...event, caseFileId: toId }] : [{ ...event, caseFileId: fromId }, { ...event, caseFileId: toId }]);
      return doc;
    });
    return this.describe((await this.documents.findById(doc.id))!);
  }

  /** A Vorgang of the case file that accepts documents (400 when it belongs elsewhere, 409 when closed). */
  private async openVorgangOf(m: EntityManager, caseFileId: string, vorgangId: string): Promise<Vorgang> {
    const vorgang = await this.vorgaenge.findByIdForUpdate(m, vorgangId);
    if (!vorgang || vorgang.caseFileId !== caseFileId) throw DomainError.validation(`Vorgang ${vorgangId} does not belong to this case file`, [{ field: 'vorgangId', errors: ['not a Vorgang of the case file'] }]);
    if (vorgang.status !== 'open') throw DomainError.conflict(`Vorgang ${vorgang.reference} is closed: no documents can be added`);
    return vorgang;
  }

  /** Locks a filed document of an open case file for a metadata change by a caseworker of its department. */
  private async lockFiled(m: EntityManager, ctx: RequestContext, id: string): Promise<Document> {
    const doc = await this.documents.findByIdForUpdate(m, id);
    if (!doc) throw DomainError.notFound('document', id);
    this.assertAccess(ctx, doc, 'work');
    if (doc.caseFileId) {
      const caseFile = await this.caseFiles.lockWorkable(m, ctx, doc.caseFileId);
      if (caseFile.status !== 'open') throw new DomainError(ErrorCode.CaseFileClosed, `case file ${caseFile.reference} is ${caseFile.status}: its documents cannot be changed`);
    }
    return doc;
  }

  /** The document if the caller may see it at the given level; otherwise not found (+ denied event). */
  async readable(ctx: RequestContext, id: string, level: 'metadata' | 'content' | 'work'): Promise<Document> {
    const doc = await this.documents.findById(id);
    if (!doc) throw DomainError.notFound('document', id);
    this.assertAccess(ctx, doc, level);
    return doc;
  }

  private assertAccess(ctx: RequestContext, doc: Document, level: 'metadata' | 'content' | 'work'): void {
    const ok =
      level === 'metadata'
        ? AccessPolicy.canReadMetadata(ctx.actor, doc.departmentCode)
        : level === 'content'
          ? AccessPolicy.canReadContent(ctx.actor, doc.departmentCode)
          : AccessPolicy.canWork(ctx.actor, doc.departmentCode);
    if (ok) return;
    if (level !== 'metadata' && AccessPolicy.canReadMetadata(ctx.actor, doc.departmentCode)) {
      throw DomainError.forbidden(level === 'content' ? 'document content is for caseworkers of the department' : 'only caseworkers of the department may change this document');
    }
    throw new AccessDeniedError('document', doc.id, 'document', doc.caseFileId);
  }
}
