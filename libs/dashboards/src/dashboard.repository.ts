import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DASHBOARD_TIME_ZONE, DayPeriod } from './dashboard-period';

/** A dashboard's statements may not run away on a large database. */
export const DASHBOARD_TIMEOUT_MS = 10_000;

const TZ = `'${DASHBOARD_TIME_ZONE}'`;
/** Start of calendar day `$n` (a date) in Berlin, as a timestamptz. */
const dayStart = (param: string) => `(${param}::date::timestamp AT TIME ZONE ${TZ})`;
/** The calendar day (Berlin) of a timestamptz column. */
const dayOf = (column: string) => `(${column} AT TIME ZONE ${TZ})::date`;
/** Every day of the period `$1`..`$2`, so days without anything still appear (with 0). */
const PERIOD_DAYS = `generate_series($1::date, $2::date, interval '1 day') AS g(day)`;
/** The period `$1`..`$2` (both included) for a timestamptz column. */
const inPeriod = (column: string) => `${column} >= ${dayStart('$1')} AND ${column} < ${dayStart('($2::date + 1)')}`;
/** A scan a caseworker filed from the inbox carries `filedBy` in its classification (InboxService.file). */
const FILED_FROM_INBOX = `coalesce(d.classification ? 'filedBy', false)`;

export interface ScanCentreFigures {
  perDay: Array<{ day: string; letters: number; pages: number }>;
  outcomes: { filedAutomatically: number; inbox: number; rejected: number; failed: number; inProgress: number };
  backlog: { queued: number; processing: number; failed: number; oldestWaitingSince: Date | null };
}

export interface CaseworkerFigures {
  inboxes: Array<{ departmentCode: string; departmentName: string; total: number; underOneDay: number; oneToThreeDays: number; threeToSevenDays: number; overSevenDays: number; oldestSince: Date | null }>;
  incomingPerDay: Array<{ day: string; filedAutomatically: number; viaInbox: number }>;
}

export interface RecordsManagerFigures {
  duePerYear: Array<{ year: number; caseFiles: number }>;
  dueNow: { due: number; onHold: number; offered: number };
  offersByState: Array<{ status: string; offers: number }>;
}

export type AuditDayFigures = { day: string; events: number; unauthenticated: number; forbidden: number; otherDepartment: number; other: number };

export const OFFER_STATES = ['offered', 'appraised', 'awaiting_confirmation', 'completed'] as const;

/**
 * The dashboards' figures: aggregates computed by PostgreSQL over the existing tables (nothing
 * is copied or kept elsewhere), each in one statement over an index range of the period, all of
 * a dashboard in one snapshot (REPEATABLE READ) so its charts agree with each other.
 */
@Injectable()
export class DashboardRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Scans captured in the period, by day and by outcome; the backlog now. */
  scanCentre(period: DayPeriod): Promise<ScanCentreFigures> {
    return this.snapshot(async (m) => {
      const perDay: Array<{ day: string; letters: number; pages: number }> = await m.query(
        `SELECT to_char(g.day, 'YYYY-MM-DD') AS day, coalesce(s.letters, 0)::int AS letters, coalesce(s.pages, 0)::int AS pages
           FROM ${PERIOD_DAYS}
           LEFT JOIN (
             SELECT ${dayOf('c.captured_at')} AS day, count(*) AS letters,
                    sum(coalesce((d.ocr->>'pageCount')::int, c.page_count, 0)) AS pages
               FROM capture_records c JOIN documents d ON d.id = c.document_id
              WHERE ${inPeriod('c.captured_at')}
              GROUP BY 1) s ON s.day = g.day::date
          ORDER BY g.day`,
        [period.from, period.to],
      );
      const [o] = await m.query(
        `SELECT count(*) FILTER (WHERE d.status = 'filed' AND NOT ${FILED_FROM_INBOX})::int AS "filedAutomatically",
                count(*) FILTER (WHERE d.status = 'needs_review' OR (d.status = 'filed' AND ${FILED_FROM_INBOX}))::int AS inbox,
                count(*) FILTER (WHERE d.status = 'rejected')::int AS rejected,
                count(*) FILTER (WHERE d.status = 'failed')::int AS failed,
                count(*) FILTER (WHERE d.status IN ('queued', 'processing'))::int AS "inProgress"
           FROM capture_records c JOIN documents d ON d.id = c.document_id
          WHERE ${inPeriod('c.captured_at')}`,
        [period.from, period.to],
      );
      // the partial index documents_scan_backlog holds exactly these rows
      const [b] = await m.query(
        `SELECT count(*) FILTER (WHERE d.status = 'queued')::int AS queued,
                count(*) FILTER (WHERE d.status = 'processing')::int AS processing,
                count(*) FILTER (WHERE d.status = 'failed')::int AS failed,
                min(d.created_at) FILTER (WHERE d.status IN ('queued', 'processing')) AS "oldestWaitingSince"
           FROM documents d
          WHERE d.status IN ('queued', 'processing', 'failed') AND d.source = 'scan'`,
      );
      return { perDay, outcomes: o, backlog: b };
    });
  }

  /** The inboxes of `departments` now (ages from `now`), and their scanned letters per day of the period. */
  caseworker(period: DayPeriod, departments: string[], now: Date): Promise<CaseworkerFigures> {
    return this.snapshot(async (m) => {
      const inboxes = await m.query(
        `SELECT dep.code AS "departmentCode", dep.name AS "departmentName",
                count(d.id)::int AS total,
                count(d.id) FILTER (WHERE d.created_at > $2::timestamptz - interval '1 day')::int AS "underOneDay",
                count(d.id) FILTER (WHERE d.created_at <= $2::timestamptz - interval '1 day' AND d.created_at > $2::timestamptz - interval '3 days')::int AS "oneToThreeDays",
                count(d.id) FILTER (WHERE d.created_at <= $2::timestamptz - interval '3 days' AND d.created_at > $2::timestamptz - interval '7 days')::int AS "threeToSevenDays",
                count(d.id) FILTER (WHERE d.created_at <= $2::timestamptz - interval '7 days')::int AS "overSevenDays",
                min(d.created_at) AS "oldestSince"
           FROM departments dep
           LEFT JOIN documents d ON d.department_code = dep.code AND d.status = 'needs_review'
          WHERE dep.code = ANY($1::text[])
          GROUP BY dep.code, dep.name
          ORDER BY dep.code`,
        [departments, now],
      );
      // documents_inbox (department_code, status, created_at) serves both states over the period
      const incomingPerDay = await m.query(
        `SELECT to_char(g.day, 'YYYY-MM-DD') AS day, coalesce(s.automatic, 0)::int AS "filedAutomatically", coalesce(s.via_inbox, 0)::int AS "viaInbox"
           FROM ${PERIOD_DAYS}
           LEFT JOIN (
             SELECT ${dayOf('d.created_at')} AS day,
                    count(*) FILTER (WHERE d.status = 'filed' AND NOT ${FILED_FROM_INBOX}) AS automatic,
                    count(*) FILTER (WHERE d.status = 'needs_review' OR ${FILED_FROM_INBOX}) AS via_inbox
               FROM documents d
              WHERE d.department_code = ANY($3::text[]) AND d.status IN ('filed', 'needs_review') AND d.source = 'scan'
                AND ${inPeriod('d.created_at')}
              GROUP BY 1) s ON s.day = g.day::date
          ORDER BY g.day`,
        [period.from, period.to, departments],
      );
      return { inboxes, incomingPerDay };
    });
  }

  /** Closed case files by the calendar year their retention ends (`firstYear` .. `lastYear`), those already ended, and the offers by state. */
  recordsManager(now: Date, firstYear: number, lastYear: number): Promise<RecordsManagerFigures> {
    return this.snapshot(async (m) => {
      // case_files_retention_keyset (retain_until, id) WHERE status = 'closed' serves the range
      const duePerYear = await m.query(
        `SELECT g.year::int AS year, coalesce(s.n, 0)::int AS "caseFiles"
           FROM generate_series($2::int, $3::int) AS g(year)
           LEFT JOIN (
             SELECT extract(year FROM c.retain_until AT TIME ZONE ${TZ})::int AS year, count(*) AS n
               FROM case_files c
              WHERE c.status = 'closed' AND c.retain_until > $1 AND c.retain_until < (make_date($3::int + 1, 1, 1)::timestamp AT TIME ZONE ${TZ})
              GROUP BY 1) s ON s.year = g.year
          ORDER BY g.year`,
        [now, firstYear, lastYear],
      );
      const [dueNow] = await m.query(
        `SELECT count(*) FILTER (WHERE c.status = 'due' OR (c.status = 'closed' AND NOT held))::int AS due,
                count(*) FILTER (WHERE c.status = 'closed' AND held)::int AS "onHold",
                count(*) FILTER (WHERE c.status = 'offered')::int AS offered
           FROM (SELECT c.status, EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_file_id = c.id AND h.lifted_at IS NULL) AS held
                   FROM case_files c
                  WHERE c.status IN ('due', 'offered') OR (c.status = 'closed' AND c.retain_until <= $1)) c`,
        [now],
      );
      const offersByState = await m.query(
        `SELECT s.status, coalesce(o.n, 0)::int AS offers
           FROM unnest($1::text[]) WITH ORDINALITY AS s(status, position)
           LEFT JOIN (SELECT status, count(*) AS n FROM disposal_offers GROUP BY status) o ON o.status = s.status
          ORDER BY s.position`,
        [OFFER_STATES],
      );
      return { duePerYear, dueNow, offersByState };
    });
  }

  /**
   * Audit events and denied attempts per day. Denials are told apart as the audit trail records
   * them: `auth.unauthenticated` (401), `access.denied` on a route (403: role, permission, CSRF),
   * `access.denied` on an object (another department's, answered 404), and other refusals.
   */
  auditor(period: DayPeriod): Promise<AuditDayFigures[]> {
    return this.snapshot((m) =>
      m.query(
        // audit_events_time (occurred_at, seq) for all events, audit_events_denied_time for denials
        `SELECT to_char(g.day, 'YYYY-MM-DD') AS day, coalesce(e.n, 0)::int AS events,
                coalesce(x.unauthenticated, 0)::int AS unauthenticated, coalesce(x.forbidden, 0)::int AS forbidden,
                coalesce(x.other_department, 0)::int AS "otherDepartment", coalesce(x.other, 0)::int AS other
           FROM ${PERIOD_DAYS}
           LEFT JOIN (
             SELECT ${dayOf('a.occurred_at')} AS day, count(*) AS n FROM audit_events a WHERE ${inPeriod('a.occurred_at')} GROUP BY 1
           ) e ON e.day = g.day::date
           LEFT JOIN (
             SELECT ${dayOf('a.occurred_at')} AS day,
                    count(*) FILTER (WHERE a.action = 'auth.unauthenticated') AS unauthenticated,
                    count(*) FILTER (WHERE a.action = 'access.denied' AND a.object_type = 'route') AS forbidden,
                    count(*) FILTER (WHERE a.action = 'access.denied' AND a.object_type IS DISTINCT FROM 'route') AS other_department,
                    count(*) FILTER (WHERE a.action NOT IN ('auth.unauthenticated', 'access.denied')) AS other
               FROM audit_events a WHERE a.outcome = 'denied' AND ${inPeriod('a.occurred_at')} GROUP BY 1
           ) x ON x.day = g.day::date
          ORDER BY g.day`,
        [period.from, period.to],
      ),
    );
  }

  /** One consistent snapshot, bounded in time, without JIT (it costs more than it saves on these small aggregates). */
  private snapshot<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      await m.query(`SELECT set_config('statement_timeout', $1, true), set_config('jit', 'off', true)`, [String(DASHBOARD_TIMEOUT_MS)]);
      return work(m);
    });
  }
}
