import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the dashboards (issue 14), so their figures are index ranges of the period, not
 * scans of whole tables: scans by capture time, the scan backlog (a small partial index: only
 * scans queued, processing or failed), and denied attempts in the audit trail by time.
 */
export class DashboardIndexes1765200000000 implements MigrationInterface {
  name = 'DashboardIndexes1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX capture_records_captured_at ON capture_records (captured_at)`);
    await q.query(`CREATE INDEX documents_scan_backlog ON documents (status, created_at) WHERE status IN ('queued', 'processing', 'failed')`);
    await q.query(`CREATE INDEX audit_events_denied_time ON audit_events (occurred_at) WHERE outcome = 'denied'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_denied_time`);
    await q.query(`DROP INDEX documents_scan_backlog`);
    await q.query(`DROP INDEX capture_records_captured_at`);
  }
}
