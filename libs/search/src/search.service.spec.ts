import { AuditEventInput, AuditService } from '@app/audit';
import { AppConfig } from '@app/config';
import { DomainError, ErrorCode, RequestContext, Role } from '@app/common';
import { ParsedTsquery, SearchCriteria, SearchRepository, SearchRows } from './search.repository';
import { SearchService } from './search.service';

class FakeRepository {
  criteria: SearchCriteria[] = [];
  parsed: ParsedTsquery = { tsquery: "'antrag'", rank: "'antrag'", headline: "'antrag'", indexable: true };
  rows: SearchRows = { matched: 0, rows: [] };
  failWith: unknown = null;
  async toTsquery(): Promise<ParsedTsquery> {
    return this.parsed;
  }
  async search(c: SearchCriteria): Promise<SearchRows> {
    this.criteria.push(c);
    if (this.failWith) throw this.failWith;
    return this.rows;
  }
}

class FakeAudit {
  events: AuditEventInput[] = [];
  async recordAccess(_ctx: RequestContext, input: AuditEventInput): Promise<void> {
    this.events.push(input);
  }
}

const config = { search: { candidates: 100, excerptChars: 8000, timeoutMs: 5000 } } as AppConfig;
const anna: RequestContext = { actor: { sub: 'anna', name: 'Anna', roles: [Role.Caseworker], departments: ['32', '33'] }, requestId: 'r1', clientIp: null };

describe('SearchService', () => {
  let repo: FakeRepository;
  let audit: FakeAudit;
  let service: SearchService;
  beforeEach(() => {
    repo = new FakeRepository();
    audit = new FakeAudit();
    service = new SearchService(repo as unknown as SearchRepository, audit as unknown as AuditService, config);
  });

  it('searches all of the caller’s departments, or the one asked for', async () => {
    await service.search(anna, { q: 'Antrag' });
    await service.search(anna, { q: 'Antrag', departmentCode: '33' });
    expect(repo.criteria.map((c) => c.departments)).toEqual([['32', '33'], ['33']]);
  });

  it('refuses a department that is not the caller’s, before touching the database', async () => {
    await expect(service.search(anna, { q: 'Antrag', departmentCode: '50' })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    expect(repo.criteria).toHaveLength(0);
    expect(audit.events).toHaveLength(0);
  });

  it('rejects a query without a searchable word', async () => {
    repo.parsed = { tsquery: '', rank: '', headline: '', indexable: false };
    await expect(service.search(anna, { q: 'der die das' })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
  });

  it('reads a date-only `to` as the end of that day and checks the order', async () => {
    await service.search(anna, { q: 'Antrag', from: '2026-05-01', to: '2026-05-31' });
    expect(repo.criteria[0]).toMatchObject({ from: new Date('2026-05-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z') });
    await expect(service.search(anna, { q: 'Antrag', from: '2026-06-01', to: '2026-05-01' })).rejects.toBeInstanceOf(DomainError);
  });

  it('pages within the candidate limit and reports a capped total', async () => {
    repo.rows = {
      matched: 101,
      rows: [{ documentId: 'd1', caseFileId: null, reference: null, title: 'A', documentType: null, departmentCode: '32', createdAt: new Date('2026-01-01T00:00:00Z'), rank: 0.123456789, headline: 'ein \u0002Antrag\u0003' }],
    };
    const res = await service.search(anna, { q: 'Antrag', page: 5, pageSize: 20 });
    expect(repo.criteria[0]).toMatchObject({ offset: 80, limit: 20, candidates: 100 });
    expect(res).toMatchObject({ total: 100, totalCapped: true, hasMore: true, page: 5, pageSize: 20 });
    expect(res.items[0]).toMatchObject({ rank: 0.123457, snippet: 'ein <mark>Antrag</mark>', createdAt: '2026-01-01T00:00:00.000Z' });

    const beyond = await service.search(anna, { q: 'Antrag', page: 6, pageSize: 20 });
    expect(repo.criteria).toHaveLength(1);
    expect(beyond).toMatchObject({ items: [], total: 0, hasMore: false });
  });

  it('audits the query, filters and result count', async () => {
    await service.search(anna, { q: 'Antrag Müller', documentType: 'antrag' });
    expect(audit.events).toEqual([
      expect.objectContaining({ action: 'search', objectType: 'search', details: expect.objectContaining({ q: 'Antrag Müller', documentType: 'antrag', departments: ['32', '33'], resultCount: 0 }) }),
    ]);
  });

  it('turns a cancelled (too slow) query into 503', async () => {
    repo.failWith = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    await expect(service.search(anna, { q: 'Antrag' })).rejects.toMatchObject({ code: ErrorCode.ServiceUnavailable });
  });
});
