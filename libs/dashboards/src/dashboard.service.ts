import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { Clock, DomainError, ErrorCode, RequestContext } from '@app/common';
import { pgCode } from '@app/database';
import { AccessPolicy } from '@app/records';
import { DashboardRepository, DASHBOARD_TIMEOUT_MS } from './dashboard.repository';
import { addDays, berlinYear, DayPeriod, lastDays } from './dashboard-period';
import {
  AuditorDashboardResponse,
  CaseworkerDashboardResponse,
  DEFAULT_DAYS,
  DEFAULT_YEARS,
  RecordsManagerDashboardResponse,
  ScanCentreDashboardResponse,
} from './dto/dashboard.dto';

/** The dashboards by name, as in the route `GET /api/v1/dashboards/<name>`. */
export enum DashboardName {
  ScanCentre = 'scan-centre',
  Caseworker = 'caseworker',
  RecordsManager = 'records-manager',
  Auditor = 'auditor',
}

const QUERY_CANCELED = '57014';

/**
 * Übersicht: what each role checks at a glance, as aggregates only (counts per day, state, year
 * or department; never a document, a title or a person). Who may read which dashboard is decided
 * by the route's roles; departmental figures are limited to the caller's departments here. Every
 * read is written to the audit trail with the period asked for.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly repository: DashboardRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The whole scan centre's throughput (no figures per person: no performance monitoring of individuals). */
  async scanCentre(ctx: RequestContext, days = DEFAULT_DAYS): Promise<ScanCentreDashboardResponse> {
    const now = this.clock.now();
    const period = lastDays(now, days);
    const f = await this.bounded(() => this.repository.scanCentre(period));
    const total = f.outcomes.filedAutomatically + f.outcomes.inbox + f.outcomes.rejected + f.outcomes.failed + f.outcomes.inProgress;
    const response: ScanCentreDashboardResponse = {
      period,
      perDay: f.perDay,
      outcomes: { ...f.outcomes, total },
      backlog: { ...f.backlog, oldestWaitingSince: iso(f.backlog.oldestWaitingSince) },
      generatedAt: now.toISOString(),
    };
    await this.recordRead(ctx, DashboardName.ScanCentre, { days, from: period.from, to: period.to });
    return response;
  }

  /** The inboxes of the caller's departments (only those: other departments' figures are never shown). */
  async caseworker(ctx: RequestContext, days = DEFAULT_DAYS): Promise<CaseworkerDashboardResponse> {
    const now = this.clock.now();
    const period = lastDays(now, days);
    const departments = (ctx.actor?.departments ?? []).filter((d) => AccessPolicy.canWork(ctx.actor, d));
    const f = departments.length
      ? await this.bounded(() => this.repository.caseworker(period, departments, now))
      : { inboxes: [], incomingPerDay: emptyDays(period, { filedAutomatically: 0, viaInbox: 0 }) };
    const response: CaseworkerDashboardResponse = {
      period,
      inboxes: f.inboxes.map((i) => ({ ...i, oldestSince: iso(i.oldestSince) })),
      incomingPerDay: f.incomingPerDay,
      generatedAt: now.toISOString(),
    };
    await this.recordRead(ctx, DashboardName.Caseworker, { days, from: period.from, to: period.to, departments });
    return response;
  }

  /** Retention ends per calendar year ahead and the disposal offers by state (metadata of all departments, as records managers see it). */
  async recordsManager(ctx: RequestContext, years = DEFAULT_YEARS): Promise<RecordsManagerDashboardResponse> {
    const now = this.clock.now();
    const firstYear = berlinYear(now);
    const f = await this.bounded(() => this.repository.recordsManager(now, firstYear, firstYear + years - 1));
    const response: RecordsManagerDashboardResponse = { years, ...f, generatedAt: now.toISOString() };
    await this.recordRead(ctx, DashboardName.RecordsManager, { years, firstYear, lastYear: firstYear + years - 1 });
    return response;
  }

  /** Audit events and denied attempts per day (the whole trail, as auditors see it). */
  async auditor(ctx: RequestContext, days = DEFAULT_DAYS): Promise<AuditorDashboardResponse> {
    const now = this.clock.now();
    const period = lastDays(now, days);
    const rows = await this.bounded(() => this.repository.auditor(period));
    const response: AuditorDashboardResponse = {
      period,
      perDay: rows.map((r) => ({ ...r, denied: r.unauthenticated + r.forbidden + r.otherDepartment + r.other })),
      generatedAt: now.toISOString(),
    };
    await this.recordRead(ctx, DashboardName.Auditor, { days, from: period.from, to: period.to });
    return response;
  }

  private recordRead(ctx: RequestContext, name: DashboardName, details: Record<string, unknown>): Promise<void> {
    return this.audit.recordAccess(ctx, { action: 'dashboard.read', objectType: 'dashboard', objectId: name, details });
  }

  private async bounded<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (pgCode(e) === QUERY_CANCELED) throw new DomainError(ErrorCode.ServiceUnavailable, `the dashboard took longer than ${DASHBOARD_TIMEOUT_MS} ms; try a shorter period`);
      throw e;
    }
  }
}

function iso(d: Date | string | null): string | null {
  return d === null ? null : new Date(d).toISOString();
}

function emptyDays<T extends object>(period: DayPeriod, zero: T): Array<{ day: string } & T> {
  const out: Array<{ day: string } & T> = [];
  for (let i = 0; i < period.days; i++) out.push({ day: addDays(period.from, i), ...zero });
  return out;
}
