import { AuditEventInput, AuditService } from '@app/audit';
import { ControllableClock, DomainError, ErrorCode, RequestContext, Role } from '@app/common';
import { DashboardRepository } from './dashboard.repository';
import { DashboardService } from './dashboard.service';

class FakeRepository {
  calls: unknown[][] = [];
  failWith: unknown = null;
  async scanCentre(...args: unknown[]) {
    this.calls.push(['scanCentre', ...args]);
    if (this.failWith) throw this.failWith;
    return {
      perDay: [{ day: '2026-12-04', letters: 3, pages: 5 }],
      outcomes: { filedAutomatically: 1, inbox: 1, rejected: 1, failed: 0, inProgress: 0 },
      backlog: { queued: 0, processing: 0, failed: 0, oldestWaitingSince: null },
    };
  }
  async caseworker(...args: unknown[]) {
    this.calls.push(['caseworker', ...args]);
    return { inboxes: [], incomingPerDay: [] };
  }
  async recordsManager(...args: unknown[]) {
    this.calls.push(['recordsManager', ...args]);
    return { duePerYear: [], dueNow: { due: 0, onHold: 0, offered: 0 }, offersByState: [] };
  }
  async auditor(...args: unknown[]) {
    this.calls.push(['auditor', ...args]);
    return [{ day: '2026-12-04', events: 10, unauthenticated: 1, forbidden: 2, otherDepartment: 3, other: 1 }];
  }
}

class FakeAudit {
  events: AuditEventInput[] = [];
  async recordAccess(_ctx: RequestContext, input: AuditEventInput): Promise<void> {
    this.events.push(input);
  }
}

const ctx = (roles: Role[], departments: string[] = []): RequestContext => ({ actor: { sub: 'x', name: 'X', roles, departments }, requestId: 'r', clientIp: null });

describe('DashboardService', () => {
  let repo: FakeRepository;
  let audit: FakeAudit;
  let service: DashboardService;
  // 23:30 UTC on 4 December is already 5 December in Berlin
  const clock = new ControllableClock(new Date('2026-12-04T23:30:00Z'));
  beforeEach(() => {
    repo = new FakeRepository();
    audit = new FakeAudit();
    service = new DashboardService(repo as unknown as DashboardRepository, audit as unknown as AuditService, clock);
  });

  it('counts Berlin calendar days back from today and totals the outcomes', async () => {
    const r = await service.scanCentre(ctx([Role.ScanOperator]), 7);
    expect(r.period).toEqual({ days: 7, from: '2026-11-29', to: '2026-12-05' });
    expect(repo.calls[0][1]).toEqual({ days: 7, from: '2026-11-29', to: '2026-12-05' });
    expect(r.outcomes.total).toBe(3);
    expect(audit.events).toEqual([{ action: 'dashboard.read', objectType: 'dashboard', objectId: 'scan-centre', details: { days: 7, from: '2026-11-29', to: '2026-12-05' } }]);
  });

  it("asks only for the caller's departments, and nothing without one", async () => {
    await service.caseworker(ctx([Role.Caseworker], ['32', '50']));
    expect(repo.calls[0][2]).toEqual(['32', '50']);
    const none = await service.caseworker(ctx([Role.Caseworker], []));
    expect(repo.calls).toHaveLength(1);
    expect(none.inboxes).toEqual([]);
    expect(none.incomingPerDay).toHaveLength(30);
    expect(none.incomingPerDay[29]).toEqual({ day: '2026-12-05', filedAutomatically: 0, viaInbox: 0 });
    expect(audit.events[1].details).toEqual(expect.objectContaining({ departments: [] }));
  });

  it('looks ahead from the Berlin year', async () => {
    const r = await service.recordsManager(ctx([Role.RecordsManager]), 3);
    expect(repo.calls[0].slice(2)).toEqual([2026, 2028]);
    expect(r.years).toBe(3);
  });

  it('sums the kinds of denial per day', async () => {
    const r = await service.auditor(ctx([Role.Auditor]), 1);
    expect(r.perDay).toEqual([{ day: '2026-12-04', events: 10, unauthenticated: 1, forbidden: 2, otherDepartment: 3, other: 1, denied: 7 }]);
  });

  it('answers a statement cancelled by its timeout with 503, unaudited', async () => {
    repo.failWith = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    const e = await service.scanCentre(ctx([Role.ScanOperator]), 30).catch((x) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe(ErrorCode.ServiceUnavailable);
    expect(audit.events).toEqual([]);
  });
});
