import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { APP_CONFIG, AppConfig } from '@app/config';
import { pgCode } from '@app/database';
import { DomainError, ErrorCode, RequestContext, pageParams } from '@app/common';
import { AccessPolicy } from '@app/records';
import { SearchHitResponse, SearchPageResponse, SearchQueryDto } from './dto/search.dto';
import { SearchRepository } from './search.repository';
import { parseSearchQuery } from './search-query';
import { snippetHtml } from './snippet';

export const DEFAULT_SEARCH_PAGE_SIZE = 20;
const QUERY_CANCELED = '57014';
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Volltextsuche: German full-text search over the documents a caseworker may read (the
 * departments in their token, filed documents and those waiting in their inbox). Every search is
 * written to the audit trail with its query, filters and result count.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly repository: SearchRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async search(ctx: RequestContext, query: SearchQueryDto): Promise<SearchPageResponse> {
    const departments = this.departmentsToSearch(ctx, query.departmentCode);
    const { from, to } = this.period(query.from, query.to);
    const { page, pageSize: requested } = pageParams(query);
    const pageSize = query.pageSize ? requested : DEFAULT_SEARCH_PAGE_SIZE;
    const offset = (page - 1) * pageSize;

    const parsed = parseSearchQuery(query.q);
    const { tsquery, rank, headline, indexable } = await this.repository.toTsquery(parsed.text, parsed.references);
    if (!indexable) {
      throw DomainError.validation('q has no searchable word (only stop words, or every word excluded)', [
        { field: 'q', errors: ['needs at least one word that is not a stop word (der, die, und …) and not excluded with -'] },
      ]);
    }

    const candidates = this.config.search.candidates;
    let matched = 0;
    let items: SearchHitResponse[] = [];
    if (departments.length && offset < candidates) {
      try {
        const result = await this.repository.search({
          tsquery,
          rankQuery: rank,
          headlineQuery: headline,
          now: new Date(),
          departments,
          documentType: query.documentType,
          from,
          to,
          candidates,
          limit: Math.min(pageSize, candidates - offset),
          offset,
          excerptChars: this.config.search.excerptChars,
          timeoutMs: this.config.search.timeoutMs,
        });
        matched = result.matched;
        items = result.rows.map((r) => ({
          documentId: r.documentId,
          caseFileId: r.caseFileId,
          reference: r.reference,
          title: r.title,
          documentType: r.documentType,
          departmentCode: r.departmentCode,
          createdAt: r.createdAt.toISOString(),
          rank: Math.round(r.rank * 1e6) / 1e6,
          snippet: snippetHtml(r.headline),
        }));
      } catch (e) {
        if (pgCode(e) === QUERY_CANCELED) {
          throw new DomainError(ErrorCode.ServiceUnavailable, `the search took longer than ${this.config.search.timeoutMs} ms; narrow it with more words or filters`);
        }
        throw e;
      }
    }
    const totalCapped = matched > candidates;
    const total = Math.min(matched, candidates);
    const response: SearchPageResponse = { items, page, pageSize, total, totalCapped, hasMore: offset + items.length < total };

    await this.audit.recordAccess(ctx, {
      action: 'search',
      objectType: 'search',
      objectId: null,
      details: {
        q: query.q,
        tsquery,
        departmentCode: query.departmentCode ?? null,
        departments,
        documentType: query.documentType ?? null,
        from: query.from ?? null,
        to: query.to ?? null,
        page,
        pageSize,
        total,
        totalCapped,
        resultCount: items.length,
        documentIds: items.map((i) => i.documentId),
      },
    });
    return response;
  }

  /** The caller's readable departments, or the one asked for, which must be among them (403 otherwise). */
  private departmentsToSearch(ctx: RequestContext, departmentCode: string | undefined): string[] {
    const readable = (ctx.actor?.departments ?? []).filter((d) => AccessPolicy.canReadContent(ctx.actor, d));
    if (departmentCode === undefined) return readable;
    if (!readable.includes(departmentCode)) throw DomainError.forbidden(`department ${departmentCode} is not one of yours: you may search ${readable.join(', ') || 'no department'}`);
    return [departmentCode];
  }

  private period(fromText?: string, toText?: string): { from?: Date; to?: Date } {
    const from = fromText ? new Date(fromText) : undefined;
    let to = toText ? new Date(toText) : undefined;
    // a date alone means "up to and including that day"
    if (to && DATE_ONLY.test(toText!)) to = new Date(to.getTime() + 24 * 3600 * 1000);
    for (const [field, d] of [['from', from], ['to', to]] as const) {
      if (d && Number.isNaN(d.getTime())) throw DomainError.validation(`${field} is not a valid date`, [{ field, errors: ['not a valid date'] }]);
    }
    if (from && to && from >= to) throw DomainError.validation('from must be before to', [{ field: 'from', errors: ['must be before to'] }]);
    return { from, to };
  }
}
