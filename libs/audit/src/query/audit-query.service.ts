import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccessDeniedError, DomainError, RequestContext, Role, hasRole, inDepartment } from '@app/common';
import { AUDIT_COLUMNS, AuditRecord, formatMicros, nowMicros } from '../audit-event';
import { AuditService } from '../audit.service';
import { AuditVerifyService, VerifyRange } from '../chain/audit-verify.service';
import { BinaryCopyReader, CopyTuple } from '../chain/canonical-copy';
import { VerifyResult } from '../chain/chain-verifier';
import { ExportFormat, ExportWriter } from '../export/audit-export-format';
import { ExportLineRenderer } from '../export/export-lines';
import { AuditFilter, SortOrder, describeFilter } from './audit-filter';
import { AuditQueryRepository } from './audit-query.repository';

export interface AuditPageRequest {
  cursor?: string;
  limit?: number;
  order?: SortOrder;
}

export interface AuditPage {
  items: AuditRecord[];
  nextCursor: string | null;
}

/** Bytes of event lines sent at a time. */
const CHUNK = 256 * 1024;

export interface AuditExport {
  format: ExportFormat;
  contentType: string;
  filename: string;
  /** The file, piece by piece: header, batches of event lines, trailer. */
  chunks: AsyncIterable<string | Buffer>;
  /** Gives the database connection back when the file is not (fully) read; safe to call twice. */
  close(): void;
}


/** Cursor = the keyset position (sequence number) and order, opaque to clients. */
export function encodeCursor(order: SortOrder, seq: string): string {
  return Buffer.from(`${order}:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string, order: SortOrder): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(asc|desc):(\d{1,18})$/.exec(text);
  if (!m) throw DomainError.validation('cursor is not a cursor of this API', [{ field: 'cursor', errors: ['invalid cursor'] }]);
  if (m[1] !== order) throw DomainError.validation(`cursor belongs to order=${m[1]}`, [{ field: 'cursor', errors: ['order differs from the cursor'] }]);
  return m[2];
}

/** The auditor's read side: filtered pages, streamed exports, a case file's history. Every call is audited. */
@Injectable()
export class AuditQueryService {
  constructor(
    private readonly repository: AuditQueryRepository,
    private readonly audit: AuditService,
    private readonly verifier: AuditVerifyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async events(ctx: RequestContext, filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage> {
    checkTimeRange(filter);
    const result = await this.page(filter, page);
    await this.audit.recordAccess(ctx, {
      action: 'audit.query',
      objectType: 'audit_trail',
      details: { filter: describeFilter(filter), order: page.order ?? 'desc', returned: result.items.length },
    });
    return result;
  }

  /**
   * Records the export, then streams it. The export covers the chain up to its head at the time
   * of the request (its own event included), so it ends even while events keep arriving.
   */
  async export(ctx: RequestContext, filter: AuditFilter, format: ExportFormat): Promise<AuditExport> {
    checkTimeRange(filter);
    await this.audit.recordAccess(ctx, {
      action: 'audit.export',
      objectType: 'audit_trail',
      details: { filter: describeFilter(filter), format },
    });
    const head = await this.repository.head();
    const bounded: AuditFilter = { ...filter, toSeq: filter.toSeq && Number(filter.toSeq) < Number(head.seq) ? filter.toSeq : head.seq };
    const generatedAt = formatMicros(nowMicros());
    const writer = new ExportWriter(format, this.config.audit.anchorKey, describeFilter(filter));
    const repository = this.repository;
    // rendered here from the binary COPY (PostgreSQL only reads), in chunks of about CHUNK bytes;
    // the query runs, and its first rows arrive, before the response starts: a database error is
    // an error answer, not a cut-off file
    const reader = new BinaryCopyReader(AUDIT_COLUMNS.length);
    const lines = new ExportLineRenderer(format);
    const onTuple = (t: CopyTuple): boolean => {
      if (!lines.line(t)) throw new Error(`audit export: event ${lines.seq(t)} is not a well-formed audit row`);
      const { prevHash, hash } = lines.chain(t);
      writer.track(String(lines.seq(t)), prevHash, hash);
      return true;
    };
    const copy = await repository.copyEvents(bounded, (chunk, from, to) => reader.pushRange(chunk, from, to, onTuple), () => lines.size >= CHUNK);
    try {
      await copy.steps.next();
    } catch (e) {
      copy.close();
      throw e;
    }
    async function* chunks(): AsyncGenerator<string | Buffer> {
      try {
        const header = writer.header();
        if (header) yield header;
        if (lines.size) yield writer.lines(lines.take());
        for await (const _ of copy.steps) if (lines.size) yield writer.lines(lines.take());
      } finally {
        copy.close();
      }
      yield writer.trailer(generatedAt).text;
    }
    const stamp = generatedAt.slice(0, 19).replace(/[-:]/g, '');
    return {
      format,
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      filename: `audit-${stamp}.${format}`,
      chunks: chunks(),
      close: () => copy.close(),
    };
  }

  /** Re-computes the chain over a range (`from`/`to`: sequence numbers or ISO times); audited with its result. */
  async verify(ctx: RequestContext, from?: string, to?: string): Promise<VerifyResult> {
    const range: VerifyRange = {};
    for (const [end, value] of [['from', from], ['to', to]] as const) {
      if (!value) continue;
      if (/^\d+$/.test(value)) range[end === 'from' ? 'fromSeq' : 'toSeq'] = value;
      else if (Number.isNaN(Date.parse(value))) throw DomainError.validation(`${end} is not a valid time`, [{ field: end, errors: ['invalid time'] }]);
      else range[end] = value;
    }
    const result = await this.verifier.verify(range);
    await this.audit.recordAccess(ctx, {
      action: 'audit.verify',
      objectType: 'audit_trail',
      outcome: 'success',
      details: { range: { from: from ?? null, to: to ?? null }, ...result },
    });
    return result;
  }

  /** A case file's events: for caseworkers of its department, records managers and auditors. */
  async history(ctx: RequestContext, caseFileId: string, filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage> {
    checkTimeRange(filter);
    const department = await this.repository.caseFileDepartment(caseFileId);
    const overseer = hasRole(ctx.actor, Role.Auditor, Role.RecordsManager);
    if (department === undefined) {
      // a destroyed case file keeps its history: overseers may still read it
      if (!overseer || !(await this.repository.hasEventsFor(caseFileId))) throw DomainError.notFound('case file', caseFileId);
    } else if (!overseer && !(hasRole(ctx.actor, Role.Caseworker) && inDepartment(ctx.actor, department))) {
      throw new AccessDeniedError('case file', caseFileId, 'case_file', caseFileId);
    }
    const result = await this.page({ ...filter, caseFileId }, { ...page, order: page.order ?? 'asc' });
    await this.audit.recordAccess(ctx, {
      action: 'case_file.history',
      objectType: 'case_file',
      objectId: caseFileId,
      caseFileId,
      details: { filter: describeFilter(filter), returned: result.items.length },
    });
    return result;
  }

  private async page(filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage> {
    const order = page.order ?? 'desc';
    const limit = page.limit ?? 100;
    const afterSeq = page.cursor ? decodeCursor(page.cursor, order) : undefined;
    const rows = await this.repository.page(filter, { order, afterSeq, limit: limit + 1 });
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeCursor(order, items[items.length - 1].seq) : null };
  }
}

function checkTimeRange(f: AuditFilter): void {
  if (f.from && f.to && Date.parse(f.from) > Date.parse(f.to)) {
    throw DomainError.validation('from must not be after to', [{ field: 'from', errors: ['after to'] }]);
  }
}
