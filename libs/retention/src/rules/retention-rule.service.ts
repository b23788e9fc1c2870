import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@app/audit';
import { Clock, DomainError, RequestContext } from '@app/common';
import { LegalHold } from '../holds/legal-hold.repository';
import { legalHoldError } from '../holds/legal-hold.errors';
import { ChangeRetentionRuleDto, RetentionRuleChangeResponse, RetentionRulePreviewResponse } from './retention-rule.dto';

/** The new retainUntil of case file `c` under rule ($2 years, $3 trigger); mirrors computeRetainUntil. */
const NEW_RETAIN_UNTIL = `CASE WHEN $2::int IS NULL THEN NULL
  WHEN $3 = 'created' THEN c.opened_at + make_interval(years => $2::int)
  WHEN c.closed_at IS NULL THEN NULL
  ELSE c.closed_at + make_interval(years => $2::int) END`;

/**
 * Retention rules live on file-plan units and are inherited by their case files. A change
 * recomputes the retainUntil of every case file of the unit in the same transaction; shortening
 * the retention of a file under legal hold is refused (409 LegalHold naming the holds).
 */
@Injectable()
export class RetentionRuleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * What `change` would do to the unit's case files under the rule (years, trigger), without
   * changing anything: shown before the records manager confirms. Audited as a read.
   */
  async preview(ctx: RequestContext, code: string, years: number | null, trigger: string): Promise<RetentionRulePreviewResponse> {
    const result = await this.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL TimeZone = 'UTC'`);
      const [unit] = await m.query(`SELECT code, retention_years AS years, retention_trigger AS trigger, disposal FROM file_plan_units WHERE code = $1`, [code]);
      if (!unit) throw DomainError.notFound('file-plan unit', code);
      const [counts] = await m.query(
        `SELECT count(*)::int AS "caseFiles",
                count(*) FILTER (WHERE c.retain_until IS DISTINCT FROM (${NEW_RETAIN_UNTIL}))::int AS recomputed,
                count(*) FILTER (WHERE c.status = 'due' AND ((${NEW_RETAIN_UNTIL}) IS NULL OR (${NEW_RETAIN_UNTIL}) > $4))::int AS undue,
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_file_id = c.id AND h.lifted_at IS NULL)
                                   AND (${NEW_RETAIN_UNTIL}) IS NOT NULL
                                   AND (c.retain_until IS NULL OR (${NEW_RETAIN_UNTIL}) < c.retain_until))::int AS "heldShortened"
           FROM case_files c WHERE c.file_plan_code = $1`,
        [code, years, trigger, this.clock.now()],
      );
      return { code, current: { years: unit.years, trigger: unit.trigger, disposal: unit.disposal }, ...counts } as RetentionRulePreviewResponse;
    });
    await this.audit.recordAccess(ctx, {
      action: 'retention.preview',
      objectType: 'file_plan_unit',
      objectId: code,
      details: { retention: { years, trigger }, recomputed: result.recomputed, undue: result.undue, heldShortened: result.heldShortened },
    });
    return result;
  }

  async change(ctx: RequestContext, code: string, dto: ChangeRetentionRuleDto): Promise<RetentionRuleChangeResponse> {
    return this.dataSource.transaction(async (m) => {
      // years are added in UTC, as computeRetainUntil does
      await m.query(`SET LOCAL TimeZone = 'UTC'`);
      const [unit] = await m.query(
        `SELECT code, retention_years AS years, retention_trigger AS trigger, disposal FROM file_plan_units WHERE code = $1 FOR UPDATE`,
        [code],
      );
      if (!unit) throw DomainError.notFound('file-plan unit', code);
      const params = [code, dto.years, dto.trigger];
      // held files whose retention would end earlier (or end at all, where it was open-ended)
      const shortened: (LegalHold & { reference: string })[] = await m.query(
        `SELECT h.id, h.case_file_id AS "caseFileId", h.reason, h.reference AS reference, c.reference AS "caseFileReference",
                h.set_by AS "setBy", h.set_at AS "setAt"
           FROM case_files c JOIN legal_holds h ON h.case_file_id = c.id AND h.lifted_at IS NULL
          WHERE c.file_plan_code = $1
            AND (${NEW_RETAIN_UNTIL}) IS NOT NULL
            AND (c.retain_until IS NULL OR (${NEW_RETAIN_UNTIL}) < c.retain_until)
          ORDER BY c.reference, h.set_at
          FOR UPDATE OF c`,
        params,
      );
      if (shortened.length) {
        const first = shortened[0] as unknown as { caseFileReference: string };
        throw legalHoldError(`shortening the retention of ${code}`, first.caseFileReference, shortened);
      }
      const now = this.clock.now();
      const [, recomputed] = await m.query(
        `UPDATE case_files c SET retain_until = ${NEW_RETAIN_UNTIL}, updated_at = $4
          WHERE c.file_plan_code = $1 AND c.retain_until IS DISTINCT FROM (${NEW_RETAIN_UNTIL})`,
        [...params, now],
      );
      // files on the due list whose retention now runs longer go back to closed
      const [, undue] = await m.query(
        `UPDATE case_files SET status = 'closed', updated_at = $2
          WHERE file_plan_code = $1 AND status = 'due' AND (retain_until IS NULL OR retain_until > $2)`,
        [code, now],
      );
      await m.query(`UPDATE file_plan_units SET retention_years = $2, retention_trigger = $3, disposal = $4, updated_at = $5 WHERE code = $1`, [
        code,
        dto.years,
        dto.trigger,
        dto.disposal,
        now,
      ]);
      const previous = { years: unit.years, trigger: unit.trigger, disposal: unit.disposal };
      const retention = { years: dto.years, trigger: dto.trigger, disposal: dto.disposal };
      await this.audit.record(m, ctx, {
        action: 'retention.change',
        objectType: 'file_plan_unit',
        objectId: code,
        reason: dto.reason,
        details: { previous, retention, recomputed, undue },
      });
      return { code, retention, previous, recomputed, undue };
    });
  }
}
