import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '@app/audit';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Clock, DomainError, ErrorCode, Page, PageQueryDto, RequestContext, pageParams } from '@app/common';
import { CaseFileRepository, CaseFileView } from '@app/records';
import { ObjectStorage } from '@app/storage';
import { legalHoldError } from '../holds/legal-hold.errors';
import { LegalHoldRepository } from '../holds/legal-hold.repository';
import { DisposalCode, HistoryEntry, MESSAGE_NAMES, MessageHeader, XdomeaCaseFile, XdomeaDocument, XdomeaVorgang, build0501, build0503, extensionFor } from '../xdomea/xdomea-messages';
import { XdomeaValidator } from '../xdomea/xdomea-validator';
import { ZipEntry, zipStream } from '../xdomea/xdomea-zip';
import { DestructionCertificate, certificateOf } from './destruction-certificate';
import { DestructionService } from './destruction.service';
import { DestructionRecord, DisposalItem, DisposalOffer, DisposalRepository, OfferStep, OfferSummary } from './disposal.repository';

export interface OfferWithItems {
  offer: DisposalOffer;
  items: DisposalItem[];
  /** case files of the offer under an active legal hold now */
  held: string[];
  /** the cycle's steps so far (who, when) */
  steps: OfferStep[];
}

/** What a 0502 would decide, per offered case file, before it is applied. */
export interface AppraisalPreview {
  offer: DisposalOffer;
  items: { item: DisposalItem; decision: DisposalCode | null; effective: 'A' | 'V' | null; underHold: boolean }[];
}

export interface MessageFile {
  fileName: string;
  stream: Readable;
}

const RULE_CODE: Record<DisposalItem['disposal'], DisposalCode> = { destroy: 'V', archive: 'A', review: 'B' };

/**
 * Aussonderung: offer (0501) → appraisal (0502) → execute (V: destruction; A: hand-over 0503)
 * → import confirmation (0506) → removal of the handed-over records. Every step re-checks holds
 * and retention under the case-file row lock; every step is audited.
 */
@Injectable()
export class DisposalService {
  private readonly logger = new Logger(DisposalService.name);

  constructor(
    private readonly disposals: DisposalRepository,
    private readonly caseFiles: CaseFileRepository,
    private readonly holds: LegalHoldRepository,
    private readonly destruction: DestructionService,
    private readonly validator: XdomeaValidator,
    private readonly storage: ObjectStorage,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async due(ctx: RequestContext, q: PageQueryDto & { departmentCode?: string; filePlanCode?: string }): Promise<Page<CaseFileView>> {
    const { page, pageSize, offset } = pageParams(q);
    const filter = { departmentCode: q.departmentCode ?? null, filePlanCode: q.filePlanCode ?? null };
    const { items, total } = await this.caseFiles.listViews({
      departments: q.departmentCode ? [q.departmentCode] : null,
      filePlanCode: q.filePlanCode,
      status: 'due',
      offset,
      limit: pageSize,
    });
    await this.audit.recordAccess(ctx, { action: 'disposal.due.list', objectType: 'disposal', details: { page, pageSize, returned: items.length, total, ...filter } });
    return { items, page, pageSize, total };
  }

  /** The offers, newest first, with their state. */
  async list(ctx: RequestContext, q: PageQueryDto): Promise<Page<OfferSummary>> {
    const { page, pageSize, offset } = pageParams(q);
    const { items, total } = await this.disposals.listOffers(offset, pageSize);
    await this.audit.recordAccess(ctx, { action: 'disposal.offer.list', objectType: 'disposal', details: { page, pageSize, returned: items.length, total } });
    return { items, page, pageSize, total };
  }

  async createOffer(ctx: RequestContext, caseFileIds: string[]): Promise<DisposalOffer> {
    const ids = [...new Set(caseFileIds.map((i) => i.toLowerCase()))].sort();
    const now = this.clock.now();
    return this.disposals.transaction(async (m) => {
      // one statement locks them all, in id order (the order every other locker uses: one row each)
      const locked = await this.disposals.lockCaseFiles(m, ids);
      const missing = ids.filter((id) => !locked.some((c) => c.id === id));
      if (missing.length) throw DomainError.notFound('case file', missing.join(', '));
      // a hold takes a file off the due list: name the hold, the reason the file cannot go
      const held = await this.holds.active(ids, m);
      if (held.length) throw legalHoldError('offering', locked.find((c) => c.id === held[0].caseFileId)!.reference, held);
      const notDue = locked.filter((c) => c.status !== 'due');
      if (notDue.length) {
        throw DomainError.conflict(`only case files marked due can be offered: ${notDue.map((c) => `${c.reference} is ${c.status}`).join(', ')}`, {
          caseFiles: notDue.map((c) => ({ id: c.id, reference: c.reference, status: c.status })),
        });
      }
      const offer = await this.disposals.createOffer(m, { processId: randomUUID(), createdBy: ctx.actor?.sub ?? 'system', now });
      await this.disposals.addItems(m, offer.id, ids);
      await this.caseFiles.setStatus(m, ids, 'offered', now);
      await this.audit.recordMany(m, ctx, [
        { action: 'disposal.offer.create', objectType: 'disposal_offer', objectId: offer.id, details: { processId: offer.processId, caseFiles: ids.length } },
        ...locked.map((c) => ({
          action: 'disposal.offer',
          objectType: 'case_file',
          objectId: c.id,
          caseFileId: c.id,
          details: { offerId: offer.id, processId: offer.processId, reference: c.reference, retainUntil: c.retainUntil ? new Date(c.retainUntil).toISOString() : null },
        })),
      ]);
      return offer;
    });
  }

  async get(ctx: RequestContext, offerId: string): Promise<OfferWithItems> {
    const result = await this.load(offerId);
    await this.audit.recordAccess(ctx, { action: 'disposal.offer.read', objectType: 'disposal_offer', objectId: offerId, details: { status: result.offer.status } });
    return result;
  }

  /** The 0501 Anbieteverzeichnis (metadata only) as `<ProzessID>_Aussonderung.Anbieteverzeichnis.0501.zip`. */
  async export0501(ctx: RequestContext, offerId: string): Promise<MessageFile> {
    const { offer, items } = await this.load(offerId);
    const xml = await this.xml0501(offer, items);
    await this.audit.recordAccess(ctx, { action: 'disposal.export.0501', objectType: 'disposal_offer', objectId: offerId, details: { processId: offer.processId, caseFiles: items.length } });
    return this.container(offer.processId, '0501', [{ name: `${offer.processId}_${MESSAGE_NAMES['0501']}.xml`, source: xml }]);
  }

  /** The offer list: each case file's metadata and its Vorgänge (no documents, no history). */
  async xml0501(offer: DisposalOffer, items: DisposalItem[]): Promise<string> {
    const vorgaenge = await this.vorgaengeOf(items.map((i) => i.caseFileId));
    return build0501(
      this.header(offer.processId, offer.createdAt),
      items.map((i) => ({ ...this.caseFileMetadata(i, RULE_CODE[i.disposal], []), vorgaenge: vorgaenge.get(i.caseFileId) ?? [] })),
    );
  }

  /** The Vorgänge of the case files by number (history empty: the 0503 adds it). */
  private async vorgaengeOf(caseFileIds: string[]): Promise<Map<string, XdomeaVorgang[]>> {
    const rows: (Omit<XdomeaVorgang, 'history'> & { caseFileId: string })[] = caseFileIds.length
      ? await this.disposals.transaction((m) =>
          m.query(
            `SELECT case_file_id AS "caseFileId", id, number, reference, title, opened_at AS "openedAt", closed_at AS "closedAt"
               FROM vorgaenge WHERE case_file_id = ANY($1::uuid[]) ORDER BY case_file_id, number`,
            [caseFileIds],
          ),
        )
      : [];
    const byCaseFile = new Map<string, XdomeaVorgang[]>();
    for (const { caseFileId, ...v } of rows) byCaseFile.set(caseFileId, [...(byCaseFile.get(caseFileId) ?? []), { ...v, history: [] }]);
    return byCaseFile;
  }

  /**
   * Reads the archive's 0502 as `appraise` would (schema, process, offered objects) and answers
   * what it decides per case file, without applying anything: the records manager checks the
   * decisions before they count. The check is audited as a read of the offer.
   */
  async previewAppraisal(ctx: RequestContext, offerId: string, xml: string): Promise<AppraisalPreview> {
    const { offer, items, held } = await this.load(offerId);
    if (offer.status !== 'offered' && offer.status !== 'appraised') throw DomainError.conflict(`disposal offer ${offerId} is ${offer.status}: the appraisal can no longer change`);
    const appraisal = await this.validator.read0502(xml);
    if (appraisal.processId !== offer.processId.toLowerCase()) {
      throw new DomainError(ErrorCode.UnprocessableContent, `the 0502 belongs to process ${appraisal.processId}, this offer is process ${offer.processId}`);
    }
    const known = new Set(items.map((i) => i.caseFileId));
    const unknown = appraisal.decisions.filter((d) => !known.has(d.id)).map((d) => d.id);
    if (unknown.length) throw new DomainError(ErrorCode.UnprocessableContent, `the 0502 appraises objects that were not offered: ${unknown.join(', ')}`, { unknown });
    const decisions = new Map(appraisal.decisions.map((d) => [d.id, d.code]));
    const result = items.map((item) => {
      const decision = decisions.get(item.caseFileId) ?? null;
      const fromDecision = decision === 'A' || decision === 'V' ? decision : null;
      const effective = fromDecision ?? (decision ? null : item.decision ?? (item.disposal === 'destroy' ? 'V' : item.disposal === 'archive' ? 'A' : null));
      return { item, decision, effective, underHold: held.includes(item.caseFileId) };
    });
    await this.audit.recordAccess(ctx, {
      action: 'disposal.appraisal.preview',
      objectType: 'disposal_offer',
      objectId: offerId,
      details: { processId: offer.processId, archive: result.filter((r) => r.decision === 'A').length, destroy: result.filter((r) => r.decision === 'V').length },
    });
    return { offer, items: result };
  }

  /** Takes the archive's 0502 Bewertungsverzeichnis (A/V per case file). */
  async appraise(ctx: RequestContext, offerId: string, xml: string): Promise<OfferWithItems> {
    const appraisal = await this.validator.read0502(xml);
    await this.disposals.transaction(async (m) => {
      const offer = await this.disposals.findOffer(offerId, m, true);
      if (!offer) throw DomainError.notFound('disposal offer', offerId);
      if (offer.status !== 'offered' && offer.status !== 'appraised') throw DomainError.conflict(`disposal offer ${offerId} is ${offer.status}: the appraisal can no longer change`);
      if (appraisal.processId !== offer.processId.toLowerCase()) {
        throw new DomainError(ErrorCode.UnprocessableContent, `the 0502 belongs to process ${appraisal.processId}, this offer is process ${offer.processId}`);
      }
      const items = await this.disposals.items(offerId, m);
      const known = new Set(items.map((i) => i.caseFileId));
      const unknown = appraisal.decisions.filter((d) => !known.has(d.id)).map((d) => d.id);
      if (unknown.length) throw new DomainError(ErrorCode.UnprocessableContent, `the 0502 appraises objects that were not offered: ${unknown.join(', ')}`, { unknown });
      const decisions = appraisal.decisions.map((d) => ({ id: d.id, code: d.code === 'B' ? null : d.code }));
      await this.disposals.setDecisions(m, offerId, decisions);
      const now = this.clock.now();
      await this.disposals.setOfferStatus(m, offerId, 'appraised', now, { appraised_at: now });
      await this.audit.record(m, ctx, {
        action: 'disposal.appraisal',
        objectType: 'disposal_offer',
        objectId: offerId,
        details: {
          processId: offer.processId,
          archive: appraisal.decisions.filter((d) => d.code === 'A').length,
          destroy: appraisal.decisions.filter((d) => d.code === 'V').length,
          undecided: appraisal.decisions.filter((d) => d.code === 'B').length,
        },
      });
    });
    return this.load(offerId);
  }

  /**
   * Carries out the decisions: V → destruction, A → hand-over (0503). Each case file in its own
   * transaction under its row lock; holds and retention are checked again there. Safe to rerun:
   * finished items are skipped, unfinished object removals are retried.
   */
  async execute(ctx: RequestContext, offerId: string): Promise<OfferWithItems> {
    const { offer, items } = await this.load(offerId);
    const decisionOf = (i: DisposalItem): 'A' | 'V' | null => i.decision ?? (i.disposal === 'destroy' ? 'V' : i.disposal === 'archive' ? 'A' : null);
    const pending = items.filter((i) => i.outcome === 'pending');
    const undecided = pending.filter((i) => !decisionOf(i));
    if (undecided.length) {
      throw DomainError.conflict(`the archive's appraisal (0502) is required for ${undecided.map((i) => i.reference).join(', ')} (rule: review)`, {
        caseFiles: undecided.map((i) => ({ id: i.caseFileId, reference: i.reference, disposal: i.disposal })),
      });
    }
    const by = ctx.actor?.sub ?? 'system';
    if (!offer.executedAt) {
      await this.disposals.transaction(async (m) => {
        await this.disposals.setOfferStatus(m, offerId, offer.status, this.clock.now(), { executed_at: this.clock.now(), executed_by: by });
        await this.audit.record(m, ctx, { action: 'disposal.execute', objectType: 'disposal_offer', objectId: offerId, details: { processId: offer.processId, pending: pending.length } });
      });
    }
    for (const item of pending) await this.executeItem(ctx, offer, item, decisionOf(item)!);
    await this.finishObjectRemoval(offerId);
    await this.updateOfferStatus(offerId);
    return this.load(offerId);
  }

  private async executeItem(ctx: RequestContext, offer: DisposalOffer, snapshot: DisposalItem, decision: 'A' | 'V'): Promise<void> {
    const by = ctx.actor?.sub ?? 'system';
    const record = await this.disposals.transaction(async (m): Promise<DestructionRecord | null> => {
      const caseFile = await this.caseFiles.findByIdForUpdate(m, snapshot.caseFileId);
      const item = await this.disposals.itemForUpdate(m, offer.id, snapshot.caseFileId);
      if (!item || item.outcome !== 'pending' || !caseFile) return null;
      const now = this.clock.now();
      const active = await this.holds.active([caseFile.id], m);
      const expired = caseFile.retainUntil !== null && caseFile.retainUntil.getTime() <= now.getTime();
      if (active.length || !expired || caseFile.status !== 'offered') {
        const outcome = active.length ? 'held' : 'not_expired';
        await this.disposals.setOutcome(m, offer.id, caseFile.id, { outcome, at: now, by });
        await this.caseFiles.setStatus(m, [caseFile.id], 'closed', now);
        await this.audit.record(m, ctx, {
          action: 'disposal.skip',
          objectType: 'case_file',
          objectId: caseFile.id,
          caseFileId: caseFile.id,
          reason: active.length ? `legal hold ${active.map((h) => h.id).join(', ')}` : `retention runs until ${caseFile.retainUntil?.toISOString() ?? 'forever'}`,
          details: { offerId: offer.id, reference: caseFile.reference, outcome, holds: active.map((h) => h.id) },
        });
        return null;
      }
      if (decision === 'A') {
        await this.caseFiles.setStatus(m, [caseFile.id], 'handed_over', now);
        await this.disposals.setOutcome(m, offer.id, caseFile.id, { outcome: 'handed_over', at: now, by });
        await this.audit.record(m, ctx, {
          action: 'disposal.handover',
          objectType: 'case_file',
          objectId: caseFile.id,
          caseFileId: caseFile.id,
          details: { offerId: offer.id, processId: offer.processId, reference: caseFile.reference, release: this.release(offer, item) },
        });
        return null;
      }
      const destruction = await this.destruction.deleteRecords(m, caseFile.id, this.release(offer, item), by, now);
      await this.disposals.setOutcome(m, offer.id, caseFile.id, { outcome: 'destroyed', at: now, by, destruction });
      await this.audit.record(m, ctx, this.destroyedEvent('record.destroyed', offer, item, destruction));
      return destruction;
    });
    if (record) await this.removeObjects(offer.id, snapshot.caseFileId, record);
  }

  /** The 0503 Aussonderung zip: XML (metadata + history) and the primary files named by UUID. */
  async export0503(ctx: RequestContext, offerId: string): Promise<MessageFile> {
    const { offer, items } = await this.load(offerId);
    const handedOver = items.filter((i) => i.outcome === 'handed_over');
    if (!handedOver.length) throw DomainError.conflict(`disposal offer ${offerId} has no case files awaiting hand-over (status ${offer.status})`);
    const { xml, files } = await this.build0503(offer, handedOver);
    await this.audit.recordAccess(ctx, {
      action: 'disposal.export.0503',
      objectType: 'disposal_offer',
      objectId: offerId,
      details: { processId: offer.processId, caseFiles: handedOver.length, files: files.length },
    });
    return this.container(offer.processId, '0503', [
      { name: `${offer.processId}_${MESSAGE_NAMES['0503']}.xml`, source: xml },
      ...files.map((f) => ({ name: f.name, source: () => this.storage.get(f.storageKey) })),
    ]);
  }

  async build0503(offer: DisposalOffer, handedOver: DisposalItem[]): Promise<{ xml: string; files: { name: string; storageKey: string }[] }> {
    const files: { name: string; storageKey: string }[] = [];
    const caseFiles: XdomeaCaseFile[] = [];
    for (const item of handedOver) {
      const history = await this.history(item.caseFileId);
      const rows: {
        documentId: string;
        vorgangId: string | null;
        title: string;
        documentType: string | null;
        createdAt: Date;
        versionNo: number;
        fileId: string | null;
        storageKey: string | null;
        mimeType: string | null;
        filename: string | null;
        fileCreatedAt: Date | null;
        createdBy: string;
      }[] = await this.disposals.transaction((m) =>
        m.query(
          `SELECT d.id AS "documentId", d.vorgang_id AS "vorgangId", d.title, d.document_type AS "documentType", d.created_at AS "createdAt", v.version_no AS "versionNo",
                  f.id AS "fileId", f.storage_key AS "storageKey", f.mime_type AS "mimeType", f.filename, f.created_at AS "fileCreatedAt", v.created_by AS "createdBy"
             FROM documents d JOIN document_versions v ON v.document_id = d.id LEFT JOIN document_files f ON f.version_id = v.id
            WHERE d.case_file_id = $1 ORDER BY d.created_at, d.id, v.version_no, f.variant`,
          [item.caseFileId],
        ),
      );
      const docs = new Map<string, XdomeaDocument>();
      for (const r of rows) {
        let doc = docs.get(r.documentId);
        if (!doc) {
          doc = { id: r.documentId, vorgangId: r.vorgangId, title: r.title, documentType: r.documentType, createdAt: r.createdAt, history: history.documents.get(r.documentId) ?? [], versions: [] };
          docs.set(r.documentId, doc);
        }
        let version = doc.versions.find((v) => v.number === r.versionNo);
        if (!version) {
          version = { number: r.versionNo, formats: [] };
          doc.versions.push(version);
        }
        if (r.fileId && r.storageKey) {
          const name = `${r.fileId}.${extensionFor(r.mimeType ?? '')}`;
          version.formats.push({ fileName: name, originalName: r.filename, mimeType: r.mimeType ?? 'application/octet-stream', createdBy: r.createdBy, createdAt: r.fileCreatedAt ?? r.createdAt });
          files.push({ name, storageKey: r.storageKey });
        }
      }
      // a version without any stored format cannot be expressed (Format is required): leave it out
      for (const d of docs.values()) d.versions = d.versions.filter((v) => v.formats.length);
      const vorgaenge = ((await this.vorgaengeOf([item.caseFileId])).get(item.caseFileId) ?? []).map((v) => ({ ...v, history: history.vorgaenge.get(v.id) ?? [] }));
      caseFiles.push({ ...this.caseFileMetadata(item, 'A', history.caseFile), documents: [...docs.values()], vorgaenge });
    }
    return { xml: build0503(this.header(offer.processId, offer.executedAt ?? this.clock.now()), caseFiles), files };
  }

  /**
   * Import confirmation: the archive's 0506 (XML) or a records manager's `{confirmed, reason}`.
   * Confirmed case files are then removed from the live system; failed ones return to `closed`.
   */
  async confirm(ctx: RequestContext, offerId: string, input: { xml: string } | { reason: string }): Promise<OfferWithItems> {
    const { offer, items } = await this.load(offerId);
    if (offer.status !== 'awaiting_confirmation') throw DomainError.conflict(`disposal offer ${offerId} is ${offer.status}, not awaiting an import confirmation`);
    const handedOver = new Map(items.filter((i) => i.outcome === 'handed_over').map((i) => [i.caseFileId, i]));
    let results: { id: string; ok: boolean; archiveId: string | null; errors: string[] }[];
    let source: string;
    if ('xml' in input) {
      const parsed = await this.validator.read0506(input.xml);
      if (parsed.processId !== offer.processId.toLowerCase()) {
        throw new DomainError(ErrorCode.UnprocessableContent, `the 0506 belongs to process ${parsed.processId}, this offer is process ${offer.processId}`);
      }
      const unknown = parsed.results.filter((r) => !handedOver.has(r.id)).map((r) => r.id);
      if (unknown.length) throw new DomainError(ErrorCode.UnprocessableContent, `the 0506 confirms objects that were not handed over: ${unknown.join(', ')}`, { unknown });
      results = parsed.results;
      source = `0506 import confirmation (process ${offer.processId})`;
    } else {
      results = [...handedOver.keys()].map((id) => ({ id, ok: true, archiveId: null, errors: [] }));
      source = `import confirmed by ${ctx.actor?.sub ?? 'system'}: ${input.reason}`;
    }
    await this.disposals.transaction((m) =>
      this.audit.record(m, ctx, {
        action: 'disposal.confirmation',
        objectType: 'disposal_offer',
        objectId: offerId,
        reason: 'reason' in input ? input.reason : null,
        details: { processId: offer.processId, source: 'xml' in input ? '0506' : 'manual', confirmed: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length },
      }),
    );
    const by = ctx.actor?.sub ?? 'system';
    for (const r of results) {
      const record = await this.disposals.transaction(async (m): Promise<DestructionRecord | null> => {
        const caseFile = await this.caseFiles.findByIdForUpdate(m, r.id);
        const item = await this.disposals.itemForUpdate(m, offerId, r.id);
        if (!caseFile || !item || item.outcome !== 'handed_over') return null;
        const now = this.clock.now();
        if (!r.ok) {
          await this.disposals.setOutcome(m, offerId, r.id, { outcome: 'returned', at: now, by });
          await this.caseFiles.setStatus(m, [r.id], 'closed', now);
          await this.audit.record(m, ctx, {
            action: 'disposal.handover.failed',
            objectType: 'case_file',
            objectId: r.id,
            caseFileId: r.id,
            details: { offerId, reference: caseFile.reference, errors: r.errors },
          });
          return null;
        }
        const active = await this.holds.active([r.id], m);
        if (active.length) {
          // the archive has its copy; the live record stays until the hold is lifted and the
          // confirmation is sent again
          await this.audit.record(m, ctx, {
            action: 'disposal.skip',
            objectType: 'case_file',
            objectId: r.id,
            caseFileId: r.id,
            reason: `legal hold ${active.map((h) => h.id).join(', ')}`,
            details: { offerId, reference: caseFile.reference, outcome: 'handed_over' },
          });
          return null;
        }
        const destruction = await this.destruction.deleteRecords(m, r.id, `${this.release(offer, item)}; ${source}`, by, now);
        await this.disposals.setOutcome(m, offerId, r.id, { outcome: 'archived', at: now, by, archiveId: r.archiveId, destruction });
        await this.audit.record(m, ctx, { ...this.destroyedEvent('record.archived', offer, item, destruction), details: { ...this.destroyedEvent('record.archived', offer, item, destruction).details, archiveId: r.archiveId } });
        return destruction;
      });
      if (record) await this.removeObjects(offerId, r.id, record);
    }
    await this.updateOfferStatus(offerId, by);
    return this.load(offerId);
  }

  /** The destruction certificate (Vernichtungsnachweis) of an offer; the read is audited. */
  async certificate(ctx: RequestContext, offerId: string, format: 'pdf' | 'json'): Promise<{ offer: DisposalOffer; certificate: DestructionCertificate }> {
    const { offer, items } = await this.load(offerId);
    const certificate = certificateOf(offer, items, ctx.actor?.sub ?? 'system', this.clock.now());
    if (!certificate.caseFiles.length) throw DomainError.conflict(`disposal offer ${offerId} has not destroyed or handed over any case file yet (status ${offer.status})`);
    await this.audit.recordAccess(ctx, {
      action: 'disposal.certificate.read',
      objectType: 'disposal_offer',
      objectId: offerId,
      details: { format, caseFiles: certificate.caseFiles.length },
    });
    return { offer, certificate };
  }

  /** Finishes object removals an earlier run left undone (worker job and reruns of execute). */
  async finishObjectRemoval(offerId: string): Promise<void> {
    for (const item of await this.disposals.items(offerId)) {
      if (item.destruction && item.destruction.objects.some((o) => !o.removed)) await this.removeObjects(offerId, item.caseFileId, item.destruction);
    }
  }

  /** Resumes offers whose execution was interrupted (called by the repeatable worker job). */
  async resumeInterrupted(ctx: RequestContext): Promise<number> {
    const ids = await this.disposals.interruptedOffers();
    for (const id of ids) {
      try {
        const { items } = await this.load(id);
        if (items.some((i) => i.outcome === 'pending')) await this.execute(ctx, id);
        else await this.finishObjectRemoval(id);
      } catch (e) {
        this.logger.warn({ err: e, offerId: id }, 'could not resume disposal offer');
      }
    }
    return ids.length;
  }

  async load(offerId: string): Promise<OfferWithItems> {
    const offer = await this.disposals.findOffer(offerId);
    if (!offer) throw DomainError.notFound('disposal offer', offerId);
    const items = await this.disposals.items(offerId);
    const live = items.filter((i) => i.outcome !== 'destroyed' && i.outcome !== 'archived').map((i) => i.caseFileId);
    const held = [...new Set((await this.holds.active(live)).map((h) => h.caseFileId))];
    return { offer, items, held, steps: await this.disposals.steps(offerId) };
  }

  private async removeObjects(offerId: string, caseFileId: string, record: DestructionRecord): Promise<void> {
    const done = await this.disposals.transaction((m) => this.destruction.removeObjects(m, record));
    await this.disposals.updateDestructionObjects(offerId, caseFileId, done);
  }

  private async updateOfferStatus(offerId: string, confirmedBy?: string): Promise<void> {
    const items = await this.disposals.items(offerId);
    const waiting = items.some((i) => i.outcome === 'handed_over');
    const now = this.clock.now();
    await this.disposals.transaction((m) =>
      this.disposals.setOfferStatus(m, offerId, waiting ? 'awaiting_confirmation' : 'completed', now, !waiting && confirmedBy ? { confirmed_at: now, confirmed_by: confirmedBy } : {}),
    );
  }

  private release(offer: DisposalOffer, item: DisposalItem): string {
    return item.decision
      ? `archive appraisal 0502 (${item.decision}) of ${offer.appraisedAt ? new Date(offer.appraisedAt).toISOString() : '?'}, process ${offer.processId}`
      : `file-plan rule ${item.filePlanCode}: ${item.retentionYears ?? '∞'} years after ${item.retentionTrigger}, disposal ${item.disposal}; process ${offer.processId}`;
  }

  private destroyedEvent(action: string, offer: DisposalOffer, item: DisposalItem, d: DestructionRecord) {
    return {
      action,
      objectType: 'case_file',
      objectId: item.caseFileId,
      caseFileId: item.caseFileId,
      reason: d.release,
      details: {
        offerId: offer.id,
        processId: offer.processId,
        reference: item.reference,
        title: item.title,
        rule: { filePlanCode: item.filePlanCode, years: item.retentionYears, trigger: item.retentionTrigger, disposal: item.disposal },
        decision: item.decision,
        release: d.release,
        destroyedBy: d.destroyedBy,
        destroyedAt: d.destroyedAt,
        documents: d.documents.map((doc) => ({ id: doc.id, versions: doc.versions, sha256: doc.files.map((f) => f.sha256) })),
        objects: d.objects.map((o) => o.sha256),
      } as Record<string, unknown>,
    };
  }

  private header(processId: string, createdAt: Date): MessageHeader {
    return { processId, createdAt: new Date(createdAt), senderName: this.config.retention.senderName, archiveName: this.config.retention.archiveName };
  }

  private caseFileMetadata(i: DisposalItem, disposal: DisposalCode, history: HistoryEntry[]): XdomeaCaseFile {
    return {
      id: i.caseFileId,
      reference: i.reference,
      title: i.title,
      departmentCode: i.departmentCode,
      filePlanCode: i.filePlanCode,
      confidentiality: i.confidentiality,
      openedAt: new Date(i.openedAt),
      closedAt: i.closedAt ? new Date(i.closedAt) : null,
      retentionYears: i.retentionYears,
      retainUntil: i.retainUntil ? new Date(i.retainUntil) : null,
      disposal,
      history,
    };
  }

  /**
   * HistorienProtokollInformation: the audit events of the case file, of each Vorgang and of each
   * document; a metadata change (`details.changes`) gives one entry per changed field with its old
   * and new value.
   */
  private async history(caseFileId: string): Promise<{ caseFile: HistoryEntry[]; documents: Map<string, HistoryEntry[]>; vorgaenge: Map<string, HistoryEntry[]> }> {
    const rows: {
      at: string;
      actor: string;
      action: string;
      outcome: string;
      reason: string | null;
      objectType: string | null;
      objectId: string | null;
      changes: { field: string; old: string | null; new: string | null }[] | null;
    }[] =
      await this.disposals.transaction((m: EntityManager) =>
        m.query(
          `SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
                  COALESCE(actor_name || ' (' || actor_sub || ')', actor_sub, 'system') AS actor, action, outcome, reason,
                  object_type AS "objectType", object_id AS "objectId",
                  CASE WHEN jsonb_typeof(details->'changes') = 'array' THEN details->'changes' END AS changes
             FROM audit_events WHERE case_file_id = $1 ORDER BY seq`,
          [caseFileId],
        ),
      );
    const caseFile: HistoryEntry[] = [];
    const documents = new Map<string, HistoryEntry[]>();
    const vorgaenge = new Map<string, HistoryEntry[]>();
    const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
    for (const r of rows) {
      const entry: HistoryEntry = { actor: r.actor, at: r.at, action: r.outcome === 'success' ? r.action : `${r.action} (${r.outcome})`, remark: r.reason };
      const entries: HistoryEntry[] = r.outcome === 'success' && r.changes?.length
        ? r.changes.map((c) => ({ ...entry, metadataName: text(c.field), oldValue: text(c.old), newValue: text(c.new) }))
        : [entry];
      const target = r.objectId && r.objectType === 'document' ? documents : r.objectId && r.objectType === 'vorgang' ? vorgaenge : null;
      if (target) target.set(r.objectId!, [...(target.get(r.objectId!) ?? []), ...entries]);
      else caseFile.push(...entries);
    }
    return { caseFile, documents, vorgaenge };
  }

  private container(processId: string, type: '0501' | '0503', entries: ZipEntry[]): MessageFile {
    return { fileName: `${processId}_${MESSAGE_NAMES[type]}.zip`, stream: zipStream(entries) };
  }
}
